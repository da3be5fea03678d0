using Masthead.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Activity;

/// <summary>One thing someone did, kept for administrators: who, what, when and from which address.</summary>
public sealed class ActivityEntry
{
    public const int MaxActorLength = 100;
    public const int MaxDetailLength = 500;

    public long Id { get; set; }
    public DateTime AtUtc { get; set; }
    public int? UserId { get; set; }
    /// <summary>The account's login, or the name typed into a failed sign-in.</summary>
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Detail { get; set; } = "";
    public string Address { get; set; } = "";
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> entry)
    {
        entry.ToTable("Activity");
        entry.Property(e => e.Actor).HasMaxLength(ActivityEntry.MaxActorLength);
        entry.Property(e => e.Action).HasMaxLength(40);
        entry.Property(e => e.Detail).HasMaxLength(ActivityEntry.MaxDetailLength);
        entry.Property(e => e.Address).HasMaxLength(64);
        entry.HasIndex(e => e.AtUtc);
    }
}

/// <summary>What the activity log calls each kind of event.</summary>
public static class ActivityActions
{
    public const string LoggedIn = "logged in";
    public const string LoginFailed = "failed to log in";
    public const string LoggedOut = "logged out";
    public const string ProfileUpdated = "updated their profile";
    public const string PasswordChanged = "changed their password";
    public const string SessionsEnded = "logged out everywhere else";
    public const string PasswordResetRequested = "asked for a password reset";
    public const string PasswordReset = "reset their password by e-mail link";
    public const string ScheduledPublished = "published scheduled posts";
    public const string TwoFactorEnabled = "turned on two-factor sign-in";
    public const string TwoFactorDisabled = "turned off two-factor sign-in";
    public const string RecoveryCodesRenewed = "made new recovery codes";
    public const string RecoveryCodeUsed = "signed in with a recovery code";
    public const string AuthenticatorUnreadable = "had an unreadable authenticator key";
    public const string AuthenticatorReplaced = "set up a new authenticator app";
    public const string TwoFactorReset = "reset another user's two-factor sign-in";
    public const string ApplicationPasswordCreated = "created an application password";
    public const string ApplicationPasswordRevoked = "revoked application passwords";
    public const string SiteSetUp = "set up the site";
}

/// <summary>Writes the activity log; every entry is saved at once so a later failure cannot lose it.</summary>
public sealed class ActivityLog(AppDbContext db, TimeProvider clock)
{
    public async Task RecordAsync(HttpContext? http, string action, string actor, int? userId = null, string detail = "")
    {
        Add(http?.Connection.RemoteIpAddress?.ToString(), action, actor, userId, detail);
        await db.SaveChangesAsync();
    }

    /// <summary>Adds an entry that the caller's own SaveChanges writes, so it is saved with what it records or not at all.</summary>
    public void Add(string? address, string action, string actor, int? userId = null, string detail = "") =>
        db.Set<ActivityEntry>().Add(new ActivityEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = userId,
            Actor = Truncate(actor, ActivityEntry.MaxActorLength),
            Action = action,
            Detail = Truncate(detail, ActivityEntry.MaxDetailLength),
            Address = address ?? "",
        });

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
