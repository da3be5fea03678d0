using Masthead.Data;
using Masthead.Features.Mail;
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
internal sealed class LoginThrottle(AppDbContext db, TimeProvider clock, Outbox mail, AccountsOptions options)
{
    internal const string KnownAddressesMeta = "masthead_signin_addresses";
    private const int KnownAddressesKept = 10;

    /// <summary>The client's address as the throttle and the per-address limit see it.</summary>
    internal static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// Whether a guess at this account may be checked now. <paramref name="trustKnownAddresses"/> is false where the
    /// guess comes through a signed-in session (confirming a change on the profile): that session's address proves nothing.
    /// </summary>
    public async Task<bool> MayTryAsync(User user, string address, bool trustKnownAddresses = true)
    {
        if (user.LockoutEndUtc is not { } until || until <= clock.GetUtcNow().UtcDateTime)
        {
            return true;
        }
        return trustKnownAddresses && (await KnownAddressesAsync(user.Id)).Contains(address);
    }

    public async Task FailedAsync(User user)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var seen = user.AccessFailedCount;
            var failures = seen + 1;
            var until = failures >= options.AccountFailuresBeforeSlowDown
                ? clock.GetUtcNow().UtcDateTime + Delay(failures)
                : user.LockoutEndUtc;
            var counted = await db.Users.Where(u => u.Id == user.Id && u.AccessFailedCount == seen)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.AccessFailedCount, failures).SetProperty(u => u.LockoutEndUtc, until)) == 1;
            if (counted)
            {
                Accept(user, failures, until);
                if (failures == options.AccountFailuresBeforeSlowDown)
                {
                    Notify(user);
                }
                return;
            }
            // Another request counted at the same moment: count on top of what it wrote.
            var current = await db.Users.AsNoTracking().Where(u => u.Id == user.Id)
                .Select(u => new { u.AccessFailedCount, u.LockoutEndUtc }).SingleAsync();
            Accept(user, current.AccessFailedCount, current.LockoutEndUtc);
        }
    }

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
        var row = await db.UserMeta.FirstOrDefaultAsync(m => m.UserId == user.Id && m.Key == KnownAddressesMeta);
        var known = Split(row?.Value);
        if (known.Count > 0 && known[0] == address)
        {
            return;
        }
        known.Remove(address);
        known.Insert(0, address);
        var value = string.Join(' ', known.Take(KnownAddressesKept));
        if (row is null)
        {
            db.UserMeta.Add(new UserMeta { UserId = user.Id, Key = KnownAddressesMeta, Value = value });
        }
        else
        {
            row.Value = value;
        }
        await db.SaveChangesAsync();
    }

    private TimeSpan Delay(int failures)
    {
        var doublings = Math.Min(failures - options.AccountFailuresBeforeSlowDown, 20);
        var delay = TimeSpan.FromSeconds(options.SlowDownFirstSeconds * Math.Pow(2, doublings));
        var longest = TimeSpan.FromMinutes(options.SlowDownLongestMinutes);
        return delay < longest ? delay : longest;
    }

    /// <summary>The row changed behind the tracker's back; the tracked user takes the new values as unchanged.</summary>
    private void Accept(User user, int failures, DateTime? until)
    {
        var entry = db.Entry(user);
        entry.Property(u => u.AccessFailedCount).CurrentValue = failures;
        entry.Property(u => u.LockoutEndUtc).CurrentValue = until;
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.AccessFailedCount).OriginalValue = failures;
            entry.Property(u => u.LockoutEndUtc).OriginalValue = until;
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
