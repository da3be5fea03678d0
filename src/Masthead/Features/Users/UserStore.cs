using System.Globalization;
using System.Security.Cryptography;
using Masthead.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>
/// ASP.NET Core Identity over Masthead's own <see cref="User"/> table: passwords and security stamps (no lockout store:
/// Identity's hard lockout is replaced by <see cref="LoginThrottle"/>, which slows guessing down instead),
/// with the DbContext as the unit of work. Logins compare case-insensitively, as WordPress's do. Two-factor state
/// lives in <see cref="UserMeta"/> rows (WordPress keeps such things in usermeta too), so it needed no new columns.
/// </summary>
internal sealed class UserStore(AppDbContext db, IDataProtectionProvider protection) :
    IUserPasswordStore<User>, IUserSecurityStampStore<User>,
    IUserAuthenticatorKeyStore<User>, IUserTwoFactorStore<User>, IUserTwoFactorRecoveryCodeStore<User>
{
    internal const string AuthenticatorKeyMeta = "masthead_authenticator_key";
    internal const string TwoFactorEnabledMeta = "masthead_two_factor_enabled";
    internal const string RecoveryCodesMeta = "masthead_recovery_codes";

    // A copied database (a backup, a leaked dump) alone must not let anyone compute codes: the key is encrypted
    // with the data-protection keys, which live apart from the database.
    private readonly IDataProtector _authenticatorKeys = protection.CreateProtector("Masthead.Users.AuthenticatorKey");

    public async Task<IdentityResult> CreateAsync(User user, CancellationToken cancellationToken)
    {
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(User user, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(User user, CancellationToken cancellationToken)
    {
        db.Users.Remove(user);
        await db.SaveChangesAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public Task<User?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        int.TryParse(userId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken)
            : Task.FromResult<User?>(null);

    // ToUpper() in these queries is SQL's upper(), translated by EF; culture rules do not apply in the database.
#pragma warning disable CA1304, CA1311, CA1862
    public Task<User?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        db.Users.FirstOrDefaultAsync(u => u.Login.ToUpper() == normalizedUserName, cancellationToken);

    /// <summary>The account a sign-in form names, by login or by e-mail address, as WordPress accepts either.</summary>
    public Task<User?> FindByLoginOrEmailAsync(string loginOrEmail, CancellationToken cancellationToken)
    {
        var upper = loginOrEmail.Trim().ToUpperInvariant();
        return db.Users.FirstOrDefaultAsync(u => u.Login.ToUpper() == upper || u.Email.ToUpper() == upper, cancellationToken);
    }
#pragma warning restore CA1304, CA1311, CA1862

    public Task<string> GetUserIdAsync(User user, CancellationToken cancellationToken) =>
        Task.FromResult(user.Id.ToString(CultureInfo.InvariantCulture));

    public Task<string?> GetUserNameAsync(User user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.Login);

    public Task SetUserNameAsync(User user, string? userName, CancellationToken cancellationToken)
    {
        user.Login = userName ?? user.Login;
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedUserNameAsync(User user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(user.Login.ToUpperInvariant());

    // The login is compared case-insensitively at query time; there is no separate normalized column to keep.
    public Task SetNormalizedUserNameAsync(User user, string? normalizedName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetPasswordHashAsync(User user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash ?? "";
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(User user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.PasswordHash);

    public Task<bool> HasPasswordAsync(User user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash.Length > 0);

    public Task SetSecurityStampAsync(User user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(User user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public async Task SetAuthenticatorKeyAsync(User user, string key, CancellationToken cancellationToken) =>
        await SetMetaAsync(user, AuthenticatorKeyMeta, _authenticatorKeys.Protect(key), cancellationToken);

    public async Task<string?> GetAuthenticatorKeyAsync(User user, CancellationToken cancellationToken)
    {
        var stored = await GetMetaAsync(user, AuthenticatorKeyMeta, cancellationToken);
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }
        try
        {
            return _authenticatorKeys.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            // The data-protection keys were lost: no code can be checked. Two-factor stays on all the same (see
            // OneTimeCodes.CanGenerateTwoFactorTokenAsync), so only a recovery code signs in, and then the owner is
            // asked to set the app up again (NeedsNewAuthenticatorAsync).
            return null;
        }
    }

    /// <summary>Two-factor is on but no code can be checked: the key is missing or was encrypted with lost keys.</summary>
    internal async Task<bool> NeedsNewAuthenticatorAsync(User user, CancellationToken cancellationToken) =>
        await GetTwoFactorEnabledAsync(user, cancellationToken) && string.IsNullOrEmpty(await GetAuthenticatorKeyAsync(user, cancellationToken));

    /// <summary>Forgets the key; UserManager saves with the user, as for the other setters.</summary>
    internal Task RemoveAuthenticatorKeyAsync(User user, CancellationToken cancellationToken) =>
        SetMetaAsync(user, AuthenticatorKeyMeta, null, cancellationToken);

    public async Task SetTwoFactorEnabledAsync(User user, bool enabled, CancellationToken cancellationToken) =>
        await SetMetaAsync(user, TwoFactorEnabledMeta, enabled ? "1" : null, cancellationToken);

    public async Task<bool> GetTwoFactorEnabledAsync(User user, CancellationToken cancellationToken) =>
        await GetMetaAsync(user, TwoFactorEnabledMeta, cancellationToken) == "1";

    // Recovery codes are kept only as hashes (see RandomSecrets), case and surrounding spaces ignored.
    public async Task ReplaceCodesAsync(User user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        await SetMetaAsync(user, RecoveryCodesMeta, string.Join(';', recoveryCodes.Select(c => RandomSecrets.Hash(Normalize(c)))), cancellationToken);

    public async Task<bool> RedeemCodeAsync(User user, string code, CancellationToken cancellationToken)
    {
        var hashes = await GetRecoveryHashesAsync(user, cancellationToken);
        var match = hashes.FirstOrDefault(h => RandomSecrets.Matches(h, Normalize(code)));
        if (match is null)
        {
            return false;
        }
        var before = string.Join(';', hashes);
        hashes.Remove(match);
        var after = string.Join(';', hashes);
        // One conditional statement: of two requests redeeming the same code at once, only one finds the old list.
        var redeemed = await db.UserMeta
            .Where(m => m.UserId == user.Id && m.Key == RecoveryCodesMeta && m.Value == before)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Value, after), cancellationToken) == 1;
        if (db.UserMeta.Local.FirstOrDefault(m => m.UserId == user.Id && m.Key == RecoveryCodesMeta) is { } tracked)
        {
            // The row changed behind the tracker's back; forget the stale copy so nothing writes it back.
            db.Entry(tracked).State = EntityState.Detached;
        }
        return redeemed;
    }

    public async Task<int> CountCodesAsync(User user, CancellationToken cancellationToken) =>
        (await GetRecoveryHashesAsync(user, cancellationToken)).Count;

    private async Task<List<string>> GetRecoveryHashesAsync(User user, CancellationToken cancellationToken) =>
        [.. (await GetMetaAsync(user, RecoveryCodesMeta, cancellationToken) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)];

    private static string Normalize(string code) => code.Trim().ToUpperInvariant();

    private async Task<string?> GetMetaAsync(User user, string key, CancellationToken cancellationToken) =>
        await FindMetaAsync(user, key, cancellationToken) is { } row && db.Entry(row).State != EntityState.Deleted ? row.Value : null;

    /// <summary>Adds, changes or (for null) removes a meta row; UserManager saves it with the user in UpdateAsync.</summary>
    private async Task SetMetaAsync(User user, string key, string? value, CancellationToken cancellationToken)
    {
        var row = await FindMetaAsync(user, key, cancellationToken);
        if (value is null)
        {
            if (row is not null)
            {
                db.UserMeta.Remove(row);
            }
        }
        else if (row is null)
        {
            db.UserMeta.Add(new UserMeta { UserId = user.Id, Key = key, Value = value });
        }
        else
        {
            row.Value = value;
            if (db.Entry(row).State == EntityState.Deleted)
            {
                db.Entry(row).State = EntityState.Modified;
            }
        }
    }

    private async Task<UserMeta?> FindMetaAsync(User user, string key, CancellationToken cancellationToken) =>
        // Local first: a value set earlier in this request and not saved yet is the current one.
        db.UserMeta.Local.FirstOrDefault(m => m.UserId == user.Id && m.Key == key)
        ?? await db.UserMeta.FirstOrDefaultAsync(m => m.UserId == user.Id && m.Key == key, cancellationToken);

    public void Dispose()
    {
        // The DbContext belongs to the request scope.
    }
}
