using System.Threading.Channels;
using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Mail;

/// <summary>One message as written: who it goes to and what it says.</summary>
public sealed record OutgoingMail(string To, string Subject, string TextBody);

/// <summary>
/// Writes a message in the worker, with services from a scope of its own, from the input its request stored; null
/// when there is nothing to send (the form named no account, say).
/// </summary>
public delegate Task<OutgoingMail?> ComposeMail(IServiceProvider services, string input, CancellationToken cancellationToken);

/// <summary>A named way to write messages later; a feature registers one for each kind it queues.</summary>
public sealed record MailComposer(string Kind, ComposeMail Compose);

/// <summary>
/// Queues mail in the caller's unit of work: the row is added to its <see cref="AppDbContext"/> and written by the
/// caller's <c>SaveChangesAsync</c>, with whatever caused it, or not at all. <see cref="MailWorker"/> sends it later,
/// so a slow mail server never holds a request up, and a crash or a restart loses nothing.
/// </summary>
public sealed partial class Outbox(AppDbContext db, TimeProvider clock, MailOptions options, MailWakeUp wakeUp, ILogger<Outbox> logger)
{
    private bool _wakesWorker;

    public void Enqueue(OutgoingMail mail)
    {
        db.Set<OutgoingMessage>().Add(OutgoingMessage.Ready(mail.To, mail.Subject, mail.TextBody, clock.GetUtcNow().UtcDateTime));
        WakeWorkerAfterSave();
    }

    /// <summary>
    /// Queues a message the composer named <paramref name="kind"/> writes in the worker. The request does the same
    /// for every input (one bounded count, one row), so neither its answer nor its timing says anything the composer
    /// will find out. Past <see cref="MailOptions.MaxToCompose"/> waiting ones, it is dropped and logged.
    /// </summary>
    public async Task EnqueueToComposeAsync(string kind, string input, CancellationToken cancellationToken = default)
    {
        // Two requests at once may both see room for one more; the bound is about floods, so a few over is harmless.
        var waiting = await db.Set<OutgoingMessage>().Pending().Where(m => m.ComposeKind != null)
            .Take(options.MaxToCompose).CountAsync(cancellationToken);
        if (waiting >= options.MaxToCompose)
        {
            LogDropped(logger, kind, options.MaxToCompose);
            return;
        }
        db.Set<OutgoingMessage>().Add(OutgoingMessage.ToCompose(kind, input, clock.GetUtcNow().UtcDateTime));
        WakeWorkerAfterSave();
    }

    /// <summary>
    /// This node's worker hears of new mail when the save that holds it is done, rather than at its next look; other
    /// nodes find it when they next look. A save inside a transaction wakes it early, and the worker then simply finds
    /// nothing until the commit and its next look.
    /// </summary>
    private void WakeWorkerAfterSave()
    {
        if (_wakesWorker)
        {
            return;
        }
        _wakesWorker = true;
        db.SavedChanges += Saved;

        void Saved(object? sender, SavedChangesEventArgs e)
        {
            db.SavedChanges -= Saved;
            _wakesWorker = false;
            wakeUp.Nudge();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox holds {Bound} messages still to be written; a \"{Kind}\" message was dropped.")]
    private static partial void LogDropped(ILogger logger, string kind, int bound);
}

/// <summary>Wakes this node's <see cref="MailWorker"/> before its next look at the outbox.</summary>
public sealed class MailWakeUp
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Nudge() => _signal.Writer.TryWrite(true);

    /// <summary>Returns after a nudge or after <paramref name="timeout"/> on <paramref name="clock"/>, whichever comes first.</summary>
    internal async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, clock, waiting.Token);
        var nudged = _signal.Reader.WaitToReadAsync(waiting.Token).AsTask();
        await Task.WhenAny(delay, nudged);
        await waiting.CancelAsync();
        _signal.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
