using System.Security.Cryptography;
using System.Text.Json;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>One application password as kept in a <see cref="UserMeta"/> row; the password itself is never kept.</summary>
internal sealed record ApplicationPassword(
    Guid Uuid, string Name, string Hash, DateTime CreatedAtUtc, DateTime? LastUsedAtUtc, string LastIp);

/// <summary>
/// Application passwords, as WordPress 5.6 has them: each user may make named passwords for programs (the REST API
/// over HTTP Basic), see when each was last used, and revoke them. The password is shown once; only a hash is kept.
/// </summary>
internal sealed class ApplicationPasswords(AppDbContext db, UserStore store, SiteSettingsCache settingsCache, TimeProvider clock)
{
    public const string MetaPrefix = "masthead_application_password:";
    public const int MaxNameLength = 100;

    /// <summary>The name field's id on the profile, where its error shows.</summary>
    public const string NameField = "application_password_name";
    private const int Length = 24;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>Makes a password named <paramref name="name"/>; the returned text is the only time it is seen.</summary>
    public async Task<string> CreateAsync(User user, string name)
    {
        var password = RandomNumberGenerator.GetString(Alphabet, Length);
        var entry = new ApplicationPassword(Guid.NewGuid(), name, RandomSecrets.Hash(password), clock.GetUtcNow().UtcDateTime, null, "");
        db.UserMeta.Add(new UserMeta { UserId = user.Id, Key = MetaPrefix + entry.Uuid.ToString("D"), Value = JsonSerializer.Serialize(entry) });
        await db.SaveChangesAsync();
        return password;
    }

    public async Task<List<ApplicationPassword>> ListAsync(User user) =>
        [.. (await Rows(user.Id).AsNoTracking().ToListAsync()).Select(Read).OfType<ApplicationPassword>().OrderBy(p => p.CreatedAtUtc)];

    /// <summary>Revokes one of <paramref name="user"/>'s passwords; false when they have none with that uuid.</summary>
    public async Task<bool> RevokeAsync(User user, Guid uuid) =>
        await db.UserMeta.Where(m => m.UserId == user.Id && m.Key == MetaPrefix + uuid.ToString("D")).ExecuteDeleteAsync() > 0;

    public Task<int> RevokeAllAsync(User user) => Rows(user.Id).ExecuteDeleteAsync();

    /// <summary>
    /// The account <paramref name="loginOrEmail"/> names, when <paramref name="password"/> is one of its application
    /// passwords (spaces ignored, as WordPress shows them in groups); records when and from where it was used.
    /// The account's own password is never accepted here.
    /// </summary>
    public async Task<User?> VerifyAsync(string loginOrEmail, string password, HttpContext http)
    {
        var compact = string.Concat(password.Where(c => !char.IsWhiteSpace(c)));
        if (compact.Length != Length || loginOrEmail.Length is 0 or > 100)
        {
            return null;
        }
        var user = await store.FindByLoginOrEmailAsync(loginOrEmail, http.RequestAborted);
        if (user is null)
        {
            return null;
        }
        foreach (var row in await Rows(user.Id).ToListAsync(http.RequestAborted))
        {
            if (Read(row) is not { } entry || !RandomSecrets.Matches(entry.Hash, compact))
            {
                continue;
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var ip = http.Connection.RemoteIpAddress?.ToString() ?? "";
            // A program calling many times a minute should not cost a write each time.
            if (entry.LastUsedAtUtc is not { } last || now - last > TimeSpan.FromMinutes(1) || entry.LastIp != ip)
            {
                row.Value = JsonSerializer.Serialize(entry with { LastUsedAtUtc = now, LastIp = ip });
                await db.SaveChangesAsync(http.RequestAborted);
            }
            return user;
        }
        return null;
    }

    /// <summary>"abcd efgh …", the way WordPress shows a new application password.</summary>
    public static string Grouped(string password) =>
        string.Join(' ', password.Chunk(4).Select(chunk => new string(chunk)));

    // Kept as RandomSecrets hashes rather than with Identity's PBKDF2 hasher: the password is 24 random characters
    // (over 140 bits), and a program may use it on every API request, where a deliberately slow hash costs each call.

    private IQueryable<UserMeta> Rows(int userId) =>
        db.UserMeta.Where(m => m.UserId == userId && m.Key.StartsWith(MetaPrefix));

    private static ApplicationPassword? Read(UserMeta row)
    {
        try
        {
            return JsonSerializer.Deserialize<ApplicationPassword>(row.Value);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The profile's section: the list with dates in the site's format, and a new password to show this once.</summary>
    internal async Task<ApplicationPasswordsModel> ModelAsync(User user, string? newPassword)
    {
        var settings = await settingsCache.GetAsync(db);
        string When(DateTime? utc) => utc is { } at ? PhpDateFormat.Format(settings.ToLocal(at), settings.DateFormat) : "—";
        var rows = (await ListAsync(user))
            .Select(p => new ApplicationPasswordRow(p.Uuid, p.Name, When(p.CreatedAtUtc), When(p.LastUsedAtUtc), p.LastIp is { Length: > 0 } ip ? ip : "—"))
            .ToList();
        return new ApplicationPasswordsModel(rows, newPassword is null ? null : Grouped(newPassword));
    }

    internal static async Task<IResult> CreateFromProfileAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, ApplicationPasswords passwords, IAntiforgery antiforgery, ActivityLog activity,
        AppDbContext db, SiteSettingsCache settings, [FromForm(Name = "name")] string? name)
    {
        var user = me.Account;
        name = (name ?? "").Trim();
        var page = new Profile.Parts(http, antiforgery, passwords, users, db, settings);
        if (name.Length is 0 or > MaxNameLength)
        {
            return await Profile.PageAsync(page, user, notice: null,
                [new(NameField, $"Application password name: write one, up to {MaxNameLength} characters.")]);
        }
        var password = await passwords.CreateAsync(user, name);
        await activity.RecordAsync(http, ActivityActions.ApplicationPasswordCreated, user.Login, user.Id, name);
        // Shown in this answer only, never by a redirect or a later page: only its hash is kept.
        return await Profile.PageAsync(page, user, notice: null, errors: [], newApplicationPassword: password);
    }

    internal static async Task<IResult> RevokeFromProfileAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, ApplicationPasswords passwords, ActivityLog activity, Guid uuid, IFormCollection form)
    {
        var user = me.Account;
        // Only the signed-in user's own rows are looked at, so another user's uuid finds nothing.
        if (!await passwords.RevokeAsync(user, uuid))
        {
            return TypedResults.NotFound();
        }
        await activity.RecordAsync(http, ActivityActions.ApplicationPasswordRevoked, user.Login, user.Id, uuid.ToString("D"));
        return TypedResults.Redirect("/admin/profile?done=application-password-revoked#application-passwords-heading");
    }

    internal static async Task<IResult> RevokeAllFromProfileAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, ApplicationPasswords passwords, ActivityLog activity, IFormCollection form)
    {
        var user = me.Account;
        var count = await passwords.RevokeAllAsync(user);
        await activity.RecordAsync(http, ActivityActions.ApplicationPasswordRevoked, user.Login, user.Id, $"all ({count})");
        return TypedResults.Redirect("/admin/profile?done=application-passwords-revoked#application-passwords-heading");
    }
}

/// <summary>One row of the profile's application password list, its dates already in the site's format.</summary>
public sealed record ApplicationPasswordRow(Guid Uuid, string Name, string Created, string LastUsed, string LastIp);

/// <summary>The profile's application passwords: the list, and the one just made ("abcd efgh …"), shown once.</summary>
public sealed record ApplicationPasswordsModel(IReadOnlyList<ApplicationPasswordRow> Rows, string? NewPassword);
