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
    private const int Capacity = 1000;

    /// <summary>
    /// How many of the queued items may be messages still to be written. Anyone can ask for those (every lost-password
    /// request queues one, for a real account or not), so a flood of them must leave room for the rest: a notice to
    /// an account owner that their account is being guessed at is never crowded out by the guessing.
    /// </summary>
    private const int MaxToCompose = 200;

    // Bounded so a flood of requests cannot fill memory; past the bound, new messages are dropped and logged.
    private readonly Channel<(string Name, ComposeMail Compose, bool Composed)> _channel = Channel.CreateBounded<(string, ComposeMail, bool)>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private int _toCompose;

    public void Enqueue(OutgoingMail mail)
    {
        if (!_channel.Writer.TryWrite((mail.Subject, (_, _) => Task.FromResult<OutgoingMail?>(mail), false)))
        {
            LogDropped(logger, mail.Subject);
        }
    }

    /// <summary>Queues a message the worker writes later; <paramref name="name"/> is what the log calls it.</summary>
    public void Enqueue(string name, ComposeMail compose)
    {
        if (Interlocked.Increment(ref _toCompose) > MaxToCompose || !_channel.Writer.TryWrite((name, compose, true)))
        {
            Interlocked.Decrement(ref _toCompose);
            LogDropped(logger, name);
        }
    }

    /// <summary>The next item for the worker, which tells the outbox it has taken it.</summary>
    internal bool TryTake(out (string Name, ComposeMail Compose) item)
    {
        if (_channel.Reader.TryRead(out var queued))
        {
            Taken(queued.Composed);
            item = (queued.Name, queued.Compose);
            return true;
        }
        item = default;
        return false;
    }

    internal ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    private void Taken(bool composed)
    {
        if (composed)
        {
            Interlocked.Decrement(ref _toCompose);
        }
    }

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
        while (await queue.WaitToTakeAsync(CancellationToken.None))
        {
            while (queue.TryTake(out var item))
            {
                await SendOneAsync(item.Name, item.Compose);
            }
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
            while (!cancellationToken.IsCancellationRequested && queue.TryTake(out var item))
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
