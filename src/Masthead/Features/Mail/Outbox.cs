using System.Threading.Channels;

namespace Masthead.Features.Mail;

/// <summary>One message waiting to be sent.</summary>
public sealed record OutgoingMail(string To, string Subject, string TextBody);

/// <summary>
/// Writes a message when its turn comes, with services from a scope of its own; null when there is nothing to send.
/// </summary>
public delegate Task<OutgoingMail?> ComposeMail(IServiceProvider services, CancellationToken cancellationToken);

/// <summary>
/// Mail waiting for <see cref="MailWorker"/>. A request only queues its message, so a slow mail server never holds
/// it up. A request whose answer must not depend on who the mail is for (a lost-password form must not reveal which
/// accounts exist by being slower) queues a <see cref="ComposeMail"/> instead: looking the account up, making the
/// link and writing the message all happen in the worker, after the answer.
/// </summary>
public sealed partial class Outbox(ILogger<Outbox> logger)
{
    // Bounded so a flood of requests cannot fill memory; past the bound, new messages are dropped and logged.
    private readonly Channel<(string Name, ComposeMail Compose)> _channel = Channel.CreateBounded<(string, ComposeMail)>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Enqueue(OutgoingMail mail) => Enqueue(mail.Subject, (_, _) => Task.FromResult<OutgoingMail?>(mail));

    /// <summary>Queues a message the worker writes later; <paramref name="name"/> is what the log calls it.</summary>
    public void Enqueue(string name, ComposeMail compose)
    {
        if (!_channel.Writer.TryWrite((name, compose)))
        {
            LogDropped(logger, name);
        }
    }

    internal ChannelReader<(string Name, ComposeMail Compose)> Reader => _channel.Reader;

    /// <summary>No more messages are taken; what is queued is still sent.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox is full; a message \"{Subject}\" was not sent.")]
    private static partial void LogDropped(ILogger logger, string subject);
}

/// <summary>Sends queued mail one message at a time; on shutdown it sends what is queued before stopping.</summary>
internal sealed partial class MailWorker(Outbox queue, MailSender sender, IServiceScopeFactory scopes, ILogger<MailWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not ended by stoppingToken: the loop ends when StopAsync completes the queue and the last message is out.
        await foreach (var item in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            await SendOneAsync(item.Name, item.Compose);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        // Waits for the queue to drain, or for the host's shutdown timeout, whichever comes first.
        await base.StopAsync(cancellationToken);
        // A host that stops at once may cancel the loop before it ever ran; what was queued is still sent, here.
        // (Only when the loop is over: the queue has a single reader.)
        if (ExecuteTask is null || ExecuteTask.IsCompleted)
        {
            while (!cancellationToken.IsCancellationRequested && queue.Reader.TryRead(out var item))
            {
                await SendOneAsync(item.Name, item.Compose);
            }
        }
    }

    private async Task SendOneAsync(string name, ComposeMail compose)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await compose(scope.ServiceProvider, CancellationToken.None) is { } mail)
            {
                await sender.SendAsync(mail.To, mail.Subject, mail.TextBody, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // One message that cannot be sent must not stop the ones behind it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFailed(logger, exception, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A message \"{Subject}\" could not be sent.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string subject);
}
