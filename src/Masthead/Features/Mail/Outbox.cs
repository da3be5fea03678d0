using System.Threading.Channels;

namespace Masthead.Features.Mail;

/// <summary>One message waiting to be sent.</summary>
public sealed record OutgoingMail(string To, string Subject, string TextBody);

/// <summary>
/// Mail waiting for <see cref="MailWorker"/>. A request only queues its message, so it answers in the same time
/// whether or not it sends one (a lost-password form must not reveal which accounts exist by being slower), and a
/// slow mail server never holds a request up.
/// </summary>
public sealed partial class Outbox(ILogger<Outbox> logger)
{
    // Bounded so a flood of requests cannot fill memory; past the bound, new messages are dropped and logged.
    private readonly Channel<OutgoingMail> _channel = Channel.CreateBounded<OutgoingMail>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Enqueue(OutgoingMail mail)
    {
        if (!_channel.Writer.TryWrite(mail))
        {
            LogDropped(logger, mail.Subject);
        }
    }

    internal ChannelReader<OutgoingMail> Reader => _channel.Reader;

    /// <summary>No more messages are taken; what is queued is still sent.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox is full; a message \"{Subject}\" was not sent.")]
    private static partial void LogDropped(ILogger logger, string subject);
}

/// <summary>Sends queued mail one message at a time; on shutdown it sends what is queued before stopping.</summary>
internal sealed partial class MailWorker(Outbox queue, MailSender sender, ILogger<MailWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not ended by stoppingToken: the loop ends when StopAsync completes the queue and the last message is out.
        await foreach (var mail in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            await SendOneAsync(mail);
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
            while (!cancellationToken.IsCancellationRequested && queue.Reader.TryRead(out var mail))
            {
                await SendOneAsync(mail);
            }
        }
    }

    private async Task SendOneAsync(OutgoingMail mail)
    {
        try
        {
            await sender.SendAsync(mail.To, mail.Subject, mail.TextBody, CancellationToken.None);
        }
#pragma warning disable CA1031 // One message that cannot be sent must not stop the ones behind it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFailed(logger, exception, mail.Subject);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A message \"{Subject}\" could not be sent.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string subject);
}
