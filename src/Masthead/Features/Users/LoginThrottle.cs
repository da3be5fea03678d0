using Masthead.Data;
using Masthead.Features.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>
/// Slows down guessing at one account instead of locking it.
/// <para>
/// Identity's lockout (five wrong passwords, then fifteen minutes shut) let anyone who knows a login keep its owner,
/// administrators included, out for as long as they cared to keep sending wrong passwords, and the per-address rate
/// limit does nothing against guesses spread over many addresses. Here each account counts its failed guesses since
/// its last sign-in (<see cref="User.AccessFailedCount"/>). From the fifth on, every further failure sets a "slowed
/// down until" time (<see cref="User.LockoutEndUtc"/>): 30 seconds, doubling with each failure, at most 15 minutes.
/// Until then, a guess from an address that has never signed in to this account is refused without being checked,
/// and a refused guess does not count, so the slow-down always ends on time: from many addresses together, at most
/// about one guess per fifteen minutes reaches the password. Addresses the owner signed in from before are not slowed
/// down, so the owner at their usual desk gets straight in; from a new address they wait at most fifteen minutes, or
/// reset the password by mail.
/// </para>
/// <para>
/// The state is in the user's row, changed by conditional updates (compare and set on the count), so it holds across
/// every node and two nodes counting at once both count. The owner gets one mail when a run of failures first slows
/// the account down (the update that takes the count to the threshold happens once per run); the run ends at the
/// next successful sign-in.
/// </para>
/// </summary>
/// <summary>A guess let through by <see cref="LoginThrottle.TryClaimAsync"/>, with the count before and after it.</summary>
internal sealed record Guess(int FailuresBefore, DateTime? UntilBefore, int Failures);

internal sealed class LoginThrottle(AppDbContext db, TimeProvider clock, Outbox mail, AccountsOptions options)
{
    internal const string KnownAddressesMeta = "masthead_signin_addresses";
    private const int KnownAddressesKept = 10;

    /// <summary>The client's address as the throttle and the per-address limit see it.</summary>
    internal static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// Lets one guess at this account through, or refuses it unchecked (null) while the account is slowed down and
    /// the address is not one the owner signed in from. A guess let through is counted as a failure before it is
    /// checked, in the same conditional UPDATE that checks the count it read: the check and the count are one step,
    /// so a burst of guesses sent at once is let through one at a time and stops at the slow-down like any other.
    /// The caller then reports how it went (<see cref="FailedAsync"/>, <see cref="RefundAsync"/> or
    /// <see cref="SucceededAsync"/>). <paramref name="trustKnownAddresses"/> is false where the guess comes through a
    /// signed-in session (confirming a change on the profile): that session's address proves nothing.
    /// </summary>
    public async Task<Guess?> TryClaimAsync(User user, string address, bool trustKnownAddresses = true)
    {
        var known = trustKnownAddresses && (await KnownAddressesAsync(user.Id)).Contains(address);
        // Each lost round means another guess was counted, so the slow-down is reached within a few rounds; the cap only
        // guards against a flood, where refusing beats letting a guess through uncounted.
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var seen = user.AccessFailedCount;
            var seenUntil = user.LockoutEndUtc;
            if (!known && seenUntil is { } slowedUntil && slowedUntil > now)
            {
                return null;
            }
            var failures = seen + 1;
            var until = failures >= options.AccountFailuresBeforeSlowDown ? now + Delay(failures) : seenUntil;
            if (await db.Users.Where(u => u.Id == user.Id && u.AccessFailedCount == seen)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.AccessFailedCount, failures).SetProperty(u => u.LockoutEndUtc, until)) == 1)
            {
                Accept(user, failures, until);
                return new Guess(seen, seenUntil, failures);
            }
            var current = await db.Users.AsNoTracking().Where(u => u.Id == user.Id)
                .Select(u => new { u.AccessFailedCount, u.LockoutEndUtc }).SingleAsync();
            Accept(user, current.AccessFailedCount, current.LockoutEndUtc);
        }
        return null;
    }

    /// <summary>
    /// The guess was wrong (it is counted already); the owner hears of it when it is the one that slows the account
    /// down. The notice is saved at once, as the count was: it must not wait on a later save the caller may never
    /// make (a wrong password on the profile saves nothing).
    /// </summary>
    public async Task FailedAsync(User user, Guess guess)
    {
        if (guess.Failures == options.AccountFailuresBeforeSlowDown)
        {
            Notify(user);
            await db.SaveChangesAsync();
        }
    }

    /// <summary>
    /// The guess was right but is not a whole sign-in (the password before its second step, a confirmation on the
    /// profile): its count is taken back, unless others have counted since, and the run of failures goes on.
    /// </summary>
    public async Task RefundAsync(User user, Guess guess)
    {
        if (await db.Users.Where(u => u.Id == user.Id && u.AccessFailedCount == guess.Failures)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.AccessFailedCount, guess.FailuresBefore).SetProperty(u => u.LockoutEndUtc, guess.UntilBefore)) == 1)
        {
            Accept(user, guess.FailuresBefore, guess.UntilBefore);
        }
    }

    /// <summary>
    /// The current password, asked through a signed-in session (the profile), under the same slow-down; null when it
    /// is right, else the words to show (a wrong password, or one not checked while the account is slowed down).
    /// </summary>
    public async Task<string?> ConfirmPasswordAsync(UserManager<User> users, User user, string? password)
    {
        if (await TryClaimAsync(user, "", trustKnownAddresses: false) is not { } guess)
        {
            return SlowedDownMessage;
        }
        var confirmed = password is { Length: > 0 and <= PasswordRules.MaxLength } && await users.CheckPasswordAsync(user, password);
        if (confirmed)
        {
            await RefundAsync(user, guess);
        }
        else
        {
            await FailedAsync(user, guess);
        }
        return confirmed ? null : "Current password: that is not it.";
    }

    /// <summary>What a signed-in user is told when their password was not checked because the account is slowed down.</summary>
    public const string SlowedDownMessage = "Current password: not checked, because of many wrong passwords for this account just now. "
        + "Wait a few minutes and try again, or choose a new password with \"Lost your password?\" on the sign-in page.";

    /// <summary>
    /// Ends a run of failures: at a whole sign-in, and when the owner sets a new password through the link mailed to
    /// them, which proves them the owner as well as a sign-in does.
    /// </summary>
    public async Task EndRunAsync(User user)
    {
        if (user.AccessFailedCount != 0 || user.LockoutEndUtc is not null)
        {
            await db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.AccessFailedCount, 0).SetProperty(u => u.LockoutEndUtc, (DateTime?)null));
            Accept(user, 0, null);
        }
    }

    /// <summary>A whole sign-in: the run of failures ends and the address joins the ones not slowed down.</summary>
    public async Task SucceededAsync(User user, string address)
    {
        await EndRunAsync(user);
        var known = await KnownAddressesAsync(user.Id);
        if (known.Count > 0 && known[0] == address)
        {
            return;
        }
        known.Remove(address);
        known.Insert(0, address);
        // One upsert: two first sign-ins at once must not both insert the row (the later list wins, which is harmless).
        await db.UpsertUserMetaAsync(user.Id, KnownAddressesMeta, string.Join(' ', known.Take(KnownAddressesKept)));
    }

    private TimeSpan Delay(int failures)
    {
        var doublings = Math.Min(failures - options.AccountFailuresBeforeSlowDown, 20);
        var delay = TimeSpan.FromSeconds(options.SlowDownFirstSeconds * Math.Pow(2, doublings));
        var longest = TimeSpan.FromMinutes(options.SlowDownLongestMinutes);
        return delay < longest ? delay : longest;
    }

    /// <summary>
    /// The row changed behind the tracker's back; the tracked user takes the new values as unchanged, so no later save
    /// in this request (the activity log's, say) writes them back over what other requests have counted since.
    /// </summary>
    private void Accept(User user, int failures, DateTime? until)
    {
        var entry = db.Entry(user);
        if (entry.State == EntityState.Detached)
        {
            user.AccessFailedCount = failures;
            user.LockoutEndUtc = until;
            return;
        }
        foreach (var (property, value) in new (string, object?)[] { (nameof(User.AccessFailedCount), failures), (nameof(User.LockoutEndUtc), until) })
        {
            var tracked = entry.Property(property);
            tracked.CurrentValue = value;
            tracked.OriginalValue = value;
            tracked.IsModified = false;
        }
    }

    private void Notify(User user) => mail.Enqueue(new OutgoingMail(user.Email, "Sign-in attempts on your account are being slowed down", $"""
        Someone has tried wrong passwords for the account "{user.Login}" {options.AccountFailuresBeforeSlowDown} times in a row.
        From now on, sign-in attempts from addresses this account has not signed in from before are slowed down:
        each must wait a while, up to {options.SlowDownLongestMinutes} minutes. Your account is not locked.

        If it was you, wait a few minutes, or sign in from a device you have used before.
        If it was not you, nothing more is needed; a long, unique password keeps guessing hopeless. To change it,
        use "Lost your password?" on the sign-in page. This is the only message about this run of attempts.
        """));

    private async Task<List<string>> KnownAddressesAsync(int userId) =>
        Split(await db.UserMeta.Where(m => m.UserId == userId && m.Key == KnownAddressesMeta).Select(m => m.Value).FirstOrDefaultAsync());

    private static List<string> Split(string? value) => [.. (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)];
}
