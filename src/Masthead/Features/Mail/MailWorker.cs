using Masthead.Data;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Masthead.Features.Mail;

/// <summary>
/// Sends the outbox, on every node at once without sending anything twice: a node claims due messages by setting a
/// lease on them (its id and an end time) in one UPDATE whose condition says "still free", so of two nodes claiming
/// at once each row goes to one. A failed send is tried again later, each wait twice the last, until
/// <see cref="MailOptions.MaxAttempts"/>; then the row is kept with its error. A node that dies holding a lease
/// only delays its messages until the lease runs out.
/// </summary>
internal sealed partial class MailWorker(
    IServiceScopeFactory scopes, IMailTransport transport, MailOptions options, MailWakeUp wakeUp, TimeProvider clock,
    IEnumerable<MailComposer> composers, ILogger<MailWorker> logger) : BackgroundService
{
    private static readonly TimeSpan CleanUpEvery = TimeSpan.FromHours(1);

    private readonly Dictionary<string, ComposeMail> _composers = composers.ToDictionary(c => c.Kind, c => c.Compose, StringComparer.Ordinal);
    private DateTime _lastCleanUp = DateTime.MinValue;

    private long _claims;

    /// <summary>Who holds a lease: unique to this worker, so a restarted process never mistakes its predecessor's claims for its own.</summary>
    internal string NodeId { get; } = $"{OutgoingMessage.Truncate(Environment.MachineName, 30)}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private TimeSpan Lease => TimeSpan.FromSeconds(options.LeaseSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunWorker)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SendDueAsync(stoppingToken) > 0 && !stoppingToken.IsCancellationRequested)
                {
                }
                await CleanUpAsync(stoppingToken);
                await wakeUp.WaitAsync(TimeSpan.FromSeconds(Math.Max(0.05, options.PollSeconds)), clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A database hiccup must not end sending for good; the next look tries again.
                LogLoopFailed(logger, e);
                await wakeUp.WaitAsync(TimeSpan.FromSeconds(Math.Max(0.05, options.PollSeconds)), clock, stoppingToken);
            }
        }
        await ReleaseAsync();
    }

    /// <summary>Claims one batch of due messages and sends each; returns how many it claimed.</summary>
    internal async Task<int> SendDueAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var claimed = await ClaimAsync(db, stoppingToken);
        foreach (var message in claimed)
        {
            // CASE: asked to stop: what is left goes back at once, for the next start or another node.
            // CASE: the lease has (nearly) run out: another node may hold the message by now, so it is not sent here.
            if (stoppingToken.IsCancellationRequested || clock.GetUtcNow().UtcDateTime >= message.ClaimedUntilUtc - (Lease / 10))
            {
                break;
            }
            await SendOneAsync(db, message);
        }
        if (claimed.Count > 0)
        {
            await ReleaseAsync(db, claimed[0].ClaimedBy!);
        }
        return claimed.Count;
    }

    /// <summary>
    /// Takes a lease on up to one batch of claimable messages and returns those this node now holds. The UPDATE
    /// repeats the whole "claimable" condition on the rows it changes: PostgreSQL re-checks it against a row another
    /// claim has just changed (and skips the row), SQLite runs one writer at a time; either way a row has one holder.
    /// </summary>
    internal async Task<List<OutgoingMessage>> ClaimAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outbox = db.Set<OutgoingMessage>();
        var candidates = await outbox.Claimable(now).OrderBy(m => m.NextAttemptAtUtc).ThenBy(m => m.Id)
            .Select(m => m.Id).Take(Math.Max(1, options.BatchSize)).ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }
        var until = now + Lease;
        // Each claim names itself (the node, then a number), so reading back finds this claim's rows and no other's.
        var claim = $"{NodeId}#{Interlocked.Increment(ref _claims)}";
        await outbox.Where(m => candidates.Contains(m.Id)).Claimable(now)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ClaimedBy, claim).SetProperty(m => m.ClaimedUntilUtc, until), cancellationToken);
        return await outbox.AsNoTracking().Where(m => m.ClaimedBy == claim)
            .OrderBy(m => m.NextAttemptAtUtc).ThenBy(m => m.Id).ToListAsync(cancellationToken);
    }

    private async Task SendOneAsync(AppDbContext db, OutgoingMessage message)
    {
        OutgoingMail? mail;
        try
        {
            mail = message.ComposeKind is null ? new OutgoingMail(message.To, message.Subject, message.TextBody) : await ComposeAsync(message);
            if (mail is not null)
            {
                // Not cancelled on shutdown: a message cut off mid-send may have gone out, and would then go twice.
                await transport.SendAsync(ToMime(mail), CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // One message that cannot be sent must not stop the ones behind it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await FailedAsync(db, message, exception);
            return;
        }
        var mine = db.Set<OutgoingMessage>().Where(m => m.Id == message.Id && m.ClaimedBy == message.ClaimedBy);
        if (mail is null)
        {
            // Nothing to send (no such account): the row has done its job.
            await mine.ExecuteDeleteAsync();
            return;
        }
        // A composed message keeps only its recipient: its text may hold a reset link, which must not sit in a table.
        var now = clock.GetUtcNow().UtcDateTime;
        await mine.ExecuteUpdateAsync(set => set
            .SetProperty(m => m.SentAtUtc, now).SetProperty(m => m.To, OutgoingMessage.Truncate(mail.To, OutgoingMessage.MaxAddressLength))
            .SetProperty(m => m.Subject, OutgoingMessage.Truncate(mail.Subject, OutgoingMessage.MaxSubjectLength))
            .SetProperty(m => m.Attempts, m => m.Attempts + 1)
            .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntilUtc, (DateTime?)null));
    }

    private async Task<OutgoingMail?> ComposeAsync(OutgoingMessage message)
    {
        if (!_composers.TryGetValue(message.ComposeKind!, out var compose))
        {
            throw new InvalidOperationException($"No mail composer is registered for \"{message.ComposeKind}\".");
        }
        await using var scope = scopes.CreateAsyncScope();
        return await compose(scope.ServiceProvider, message.ComposeInput ?? "", CancellationToken.None);
    }

    private async Task FailedAsync(AppDbContext db, OutgoingMessage message, Exception exception)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = message.Attempts + 1;
        var error = OutgoingMessage.Truncate($"{exception.GetType().Name}: {exception.Message}", OutgoingMessage.MaxErrorLength);
        var givenUp = attempts >= options.MaxAttempts ? now : (DateTime?)null;
        var next = now + RetryDelay(attempts);
        await db.Set<OutgoingMessage>().Where(m => m.Id == message.Id && m.ClaimedBy == message.ClaimedBy).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.Attempts, attempts).SetProperty(m => m.NextAttemptAtUtc, next).SetProperty(m => m.LastError, error)
            .SetProperty(m => m.GaveUpAtUtc, givenUp)
            .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntilUtc, (DateTime?)null));
        if (givenUp is not null)
        {
            LogGaveUp(logger, exception, message.Id, message.Subject, attempts);
        }
        else
        {
            LogRetrying(logger, exception, message.Id, message.Subject, attempts, next);
        }
    }

    /// <summary>1 minute after the first failure, then 2, 4, 8 … up to <see cref="MailOptions.LongestRetryMinutes"/>.</summary>
    internal TimeSpan RetryDelay(int attempts)
    {
        var minutes = options.FirstRetryMinutes * Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromMinutes(Math.Min(minutes, options.LongestRetryMinutes));
    }

    private MimeMessage ToMime(OutgoingMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.Date = clock.GetUtcNow();
        message.Body = new TextPart("plain") { Text = mail.TextBody };
        return message;
    }

    /// <summary>Sent mail older than <see cref="MailOptions.KeepSentDays"/> is deleted, about once an hour, so the table stays small.</summary>
    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _lastCleanUp < CleanUpEvery)
        {
            return;
        }
        _lastCleanUp = now;
        var before = now - TimeSpan.FromDays(options.KeepSentDays);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<OutgoingMessage>()
            .Where(m => m.SentAtUtc != null && m.SentAtUtc < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Gives back the leases of one claim (messages it did not get to).</summary>
    private static Task<int> ReleaseAsync(AppDbContext db, string claim) =>
        db.Set<OutgoingMessage>().Where(m => m.ClaimedBy == claim).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntilUtc, (DateTime?)null));

    /// <summary>At shutdown: gives back every lease this worker still holds.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var prefix = NodeId + "#";
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<OutgoingMessage>()
                .Where(m => m.ClaimedBy != null && m.ClaimedBy.StartsWith(prefix)).ExecuteUpdateAsync(set => set
                    .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntilUtc, (DateTime?)null));
        }
#pragma warning disable CA1031 // At shutdown a lease that cannot be given back simply runs out.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogLoopFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking through the mail outbox failed; trying again at the next look.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {Id} \"{Subject}\" could not be sent (attempt {Attempts}); trying again at {Next:u}.")]
    private static partial void LogRetrying(ILogger logger, Exception exception, long id, string subject, int attempts, DateTime next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {Id} \"{Subject}\" could not be sent after {Attempts} attempts; given up, the row keeps its error.")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, long id, string subject, int attempts);
}
