using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Mail;

/// <summary>
/// One message in the outbox table, written in the same save as whatever caused it, so a message exists exactly
/// when its cause was committed, and is sent by whichever node's <see cref="MailWorker"/> claims it first.
/// <para>
/// A message is either ready (recipient, subject and body known when it was queued) or still to be written: then
/// <see cref="ComposeKind"/> names the <see cref="MailComposer"/> that writes it in the worker from
/// <see cref="ComposeInput"/>. That is how a request whose answer must not depend on who the mail is for (the
/// lost-password form) queues mail without looking anyone up.
/// </para>
/// </summary>
public sealed class OutgoingMessage
{
    public const int MaxAddressLength = 320;
    public const int MaxSubjectLength = 200;
    public const int MaxKindLength = 40;
    public const int MaxInputLength = 400;
    public const int MaxErrorLength = 1000;
    public const int MaxNodeLength = 100;

    public long Id { get; set; }

    /// <summary>The recipient; empty until a message still to be written has been written.</summary>
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string TextBody { get; set; } = "";

    /// <summary>Which composer writes this message in the worker; null for a message queued ready to send.</summary>
    public string? ComposeKind { get; set; }
    public string? ComposeInput { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }

    /// <summary>The node sending it now; with <see cref="ClaimedUntilUtc"/>, a lease another node may take once it runs out.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }

    public DateTime? SentAtUtc { get; set; }

    /// <summary>Set when the worker stopped trying (too many failed attempts); the row stays, with its error, for an administrator.</summary>
    public DateTime? GaveUpAtUtc { get; set; }
    public string? LastError { get; set; }

    /// <summary>A message whose recipient and text are known now.</summary>
    public static OutgoingMessage Ready(string to, string subject, string textBody, DateTime nowUtc) => new()
    {
        To = to,
        Subject = Truncate(subject, MaxSubjectLength),
        TextBody = textBody,
        CreatedAtUtc = nowUtc,
        NextAttemptAtUtc = nowUtc,
    };

    /// <summary>A message the composer named <paramref name="kind"/> writes later, in the worker, from <paramref name="input"/>.</summary>
    public static OutgoingMessage ToCompose(string kind, string input, DateTime nowUtc) => new()
    {
        ComposeKind = kind,
        ComposeInput = Truncate(input, MaxInputLength),
        Subject = kind,
        CreatedAtUtc = nowUtc,
        NextAttemptAtUtc = nowUtc,
    };

    internal static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>Query rules for the outbox, shared by the worker, the flood bound and the tests.</summary>
public static class OutgoingMessageQueries
{
    /// <summary>Not sent and not given up on: still the worker's business.</summary>
    public static IQueryable<OutgoingMessage> Pending(this IQueryable<OutgoingMessage> messages) =>
        messages.Where(m => m.SentAtUtc == null && m.GaveUpAtUtc == null);

    /// <summary>Pending, due, and held by no node (or by one whose lease has run out): free for any worker to claim.</summary>
    public static IQueryable<OutgoingMessage> Claimable(this IQueryable<OutgoingMessage> messages, DateTime nowUtc) =>
        messages.Pending().Where(m => m.NextAttemptAtUtc <= nowUtc && (m.ClaimedUntilUtc == null || m.ClaimedUntilUtc < nowUtc));
}

internal sealed class OutgoingMessageConfiguration : IEntityTypeConfiguration<OutgoingMessage>
{
    public void Configure(EntityTypeBuilder<OutgoingMessage> message)
    {
        message.ToTable("MailOutbox");
        message.Property(m => m.To).HasMaxLength(OutgoingMessage.MaxAddressLength);
        message.Property(m => m.Subject).HasMaxLength(OutgoingMessage.MaxSubjectLength);
        message.Property(m => m.ComposeKind).HasMaxLength(OutgoingMessage.MaxKindLength);
        message.Property(m => m.ComposeInput).HasMaxLength(OutgoingMessage.MaxInputLength);
        message.Property(m => m.ClaimedBy).HasMaxLength(OutgoingMessage.MaxNodeLength);
        message.Property(m => m.LastError).HasMaxLength(OutgoingMessage.MaxErrorLength);
        // The worker looks for due rows, and the clean-up for old sent ones.
        message.HasIndex(m => m.NextAttemptAtUtc);
        message.HasIndex(m => m.SentAtUtc);
    }
}
