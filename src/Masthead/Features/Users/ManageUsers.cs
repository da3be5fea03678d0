using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>
/// Users, for administrators: the list by role, adding someone with a role, changing a role, and deleting a user
/// with their posts handed to someone else. Nobody can change their own role or delete themselves here.
/// </summary>
public static partial class ManageUsers
{
    internal static async Task<ContentHttpResult> ListAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery,
        [FromQuery(Name = "role")] string? role) =>
        await PageAsync(http, db, antiforgery, role, notice: http.Request.Query["done"].ToString() switch
        {
            "added" => "User added.",
            "role" => "Role changed.",
            "deleted" => "User deleted; their posts now belong to the user you chose.",
            "two-factor" => "Two-factor sign-in is off for that user; their sessions end within a minute.",
            _ => null,
        }, errors: []);

    internal static async Task<IResult> AddAsync(HttpContext http, AppDbContext db, UserManager<User> users, IAntiforgery antiforgery,
        ActivityLog activity, TimeProvider clock,
        [FromForm(Name = "user_login")] string? login, [FromForm(Name = "email")] string? email,
        [FromForm(Name = "display_name")] string? displayName, [FromForm(Name = "role")] string? role,
        [FromForm(Name = "pass1")] string? password)
    {
        login = (login ?? "").Trim();
        email = (email ?? "").Trim();
        displayName = (displayName ?? "").Trim();
        var errors = new List<string>();
        if (!LoginPattern().IsMatch(login))
        {
            errors.Add("Username: 1 to 60 letters, digits, spaces or . _ - @");
        }
        else if (await LoginTakenAsync(db, login))
        {
            errors.Add("Username: that one is taken.");
        }
        if (email.Length > 100 || !MailAddress.TryCreate(email, out _))
        {
            errors.Add("Email: enter a valid address.");
        }
        else if (await EmailTakenAsync(db, email, exceptUserId: 0))
        {
            errors.Add("Email: another user has that address.");
        }
        if (role is null || !Roles.All.Contains(role))
        {
            errors.Add("Role: choose one.");
        }
        if (errors.Count > 0)
        {
            return await PageAsync(http, db, antiforgery, null, null, errors);
        }
        var name = displayName.Length > 0 ? displayName : login;
        var user = new User
        {
            Login = login,
            Email = email,
            DisplayName = name.Length > 250 ? name[..250] : name,
            Slug = await FreeSlugAsync(db, name),
            Role = role!,
            RegisteredAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        var result = await users.CreateAsync(user, password ?? "");
        if (!result.Succeeded)
        {
            return await PageAsync(http, db, antiforgery, null, null, [.. result.Errors.Select(e => $"Password: {e.Description}")]);
        }
        await activity.RecordAsync(http, "added a user", Actor(http), detail: $"{login} as {role}");
        return TypedResults.Redirect("/admin/users?done=added");
    }

    internal static async Task<IResult> ChangeRoleAsync(HttpContext http, AppDbContext db, UserManager<User> users, ActivityLog activity,
        int id, [FromForm(Name = "role")] string? role)
    {
        if (role is null || !Roles.All.Contains(role) || IsSelf(http, id))
        {
            return TypedResults.BadRequest();
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await db.Users.FindAsync(id);
        if (user is null)
        {
            return TypedResults.BadRequest();
        }
        // Two administrators demoting each other at the same moment must not leave the site with none.
        if (user.Role == Roles.Administrator && role != Roles.Administrator && await LockAdministratorsAsync(db) <= 1)
        {
            return TypedResults.BadRequest();
        }
        var previous = user.Role;
        user.Role = role;
        // A new stamp makes every session of that user pick up the new role within a minute (writes at once).
        var saved = await users.UpdateSecurityStampAsync(user);
        if (!saved.Succeeded)
        {
            return TypedResults.BadRequest();
        }
        await transaction.CommitAsync();
        await activity.RecordAsync(http, "changed a role", Actor(http), detail: $"{user.Login}: {previous} to {role}");
        return TypedResults.Redirect("/admin/users?done=role");
    }

    internal static async Task<IResult> DeleteAsync(HttpContext http, AppDbContext db, ActivityLog activity,
        int id, [FromForm(Name = "reassign_user")] int reassignTo)
    {
        // All in one transaction: a user is never gone while their posts still point at them.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await db.Users.FindAsync(id);
        if (user is null || IsSelf(http, id) || reassignTo == id || !await db.Users.AnyAsync(u => u.Id == reassignTo))
        {
            return TypedResults.BadRequest();
        }
        // The site always keeps an administrator, even when two of them remove each other at once.
        if (user.Role == Roles.Administrator && await LockAdministratorsAsync(db) <= 1)
        {
            return TypedResults.BadRequest();
        }
        await db.Posts.Where(p => p.AuthorId == id).ExecuteUpdateAsync(set => set.SetProperty(p => p.AuthorId, reassignTo));
        await db.Comments.Where(c => c.UserId == id).ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, (int?)null));
        db.Users.Remove(user);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await activity.RecordAsync(http, "deleted a user", Actor(http), detail: user.Login);
        return TypedResults.Redirect("/admin/users?done=deleted");
    }

    /// <summary>
    /// Counts the administrators and holds their rows until the transaction ends, so the count cannot change under
    /// the caller: PostgreSQL locks the rows (a second demotion waits, then sees one administrator fewer); SQLite
    /// transactions already take the write lock when they begin, so the count is read alone there.
    /// </summary>
    internal static async Task<int> LockAdministratorsAsync(AppDbContext db) => db.Database.IsNpgsql()
        ? (await db.Database.SqlQuery<int>($"""SELECT "Id" AS "Value" FROM "Users" WHERE "Role" = {Roles.Administrator} FOR UPDATE""").ToListAsync()).Count
        : await db.Users.CountAsync(u => u.Role == Roles.Administrator);

    /// <summary>
    /// For someone who lost both phone and recovery codes: an administrator turns their two-factor off (key and
    /// recovery codes gone, security stamp changed) so they can sign in with the password and set it up again.
    /// Not for oneself: one's own two-factor is changed on the profile, which asks for the password.
    /// </summary>
    internal static async Task<IResult> ResetTwoFactorAsync(HttpContext http, AppDbContext db, UserManager<User> users, UserStore store,
        ActivityLog activity, int id)
    {
        var user = await db.Users.FindAsync(id);
        if (user is null || IsSelf(http, id) || !await users.GetTwoFactorEnabledAsync(user))
        {
            return TypedResults.BadRequest();
        }
        await TwoFactor.TurnOffAsync(users, store, user, http.RequestAborted);
        await activity.RecordAsync(http, ActivityActions.TwoFactorReset, Actor(http), detail: user.Login);
        return TypedResults.Redirect("/admin/users?done=two-factor");
    }

    /// <summary>Whether another account has this address or login, in any letter case, as sign-in matches both.</summary>
    internal static Task<bool> EmailTakenAsync(AppDbContext db, string email, int exceptUserId)
    {
        var upper = email.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // SQL's upper(), translated by EF
        return db.Users.AnyAsync(u => u.Id != exceptUserId && (u.Email.ToUpper() == upper || u.Login.ToUpper() == upper));
#pragma warning restore CA1304, CA1311, CA1862
    }

    /// <summary>A free author-archive slug made from a name (WordPress's nicename, at most 50 characters).</summary>
    internal static Task<string> FreeSlugAsync(AppDbContext db, string name) =>
        Slug.UniqueAsync(Slug.From(name) is { Length: > 0 } s ? s : "user", UserConfiguration.SlugLength,
            prefix => db.Users.Where(u => u.Slug.StartsWith(prefix)).Select(u => u.Slug).ToListAsync());

    /// <summary>
    /// Whether a login is any account's login or e-mail address, in any letter case: sign-in takes either, so a
    /// login equal to someone's address would make that address name two accounts.
    /// </summary>
    internal static Task<bool> LoginTakenAsync(AppDbContext db, string login)
    {
        var upper = login.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // SQL's upper(), translated by EF
        return db.Users.AnyAsync(u => u.Login.ToUpper() == upper || u.Email.ToUpper() == upper);
#pragma warning restore CA1304, CA1311, CA1862
    }

    private static bool IsSelf(HttpContext http, int id) =>
        http.User.FindFirstValue(ClaimTypes.NameIdentifier) == id.ToString(CultureInfo.InvariantCulture);

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "";

    private static async Task<ContentHttpResult> PageAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery,
        string? role, string? notice, List<string> errors)
    {
        var counts = await db.Users.GroupBy(u => u.Role).Select(g => new { Role = g.Key, Count = g.Count() }).ToListAsync();
        var list = await db.Users.AsNoTracking()
            .Where(u => role == null || u.Role == role)
            .OrderBy(u => u.Login)
            .Select(u => new
            {
                u.Id,
                u.Login,
                u.DisplayName,
                u.Email,
                u.Role,
                Posts = db.Posts.Count(p => p.AuthorId == u.Id && p.Type == PostType.Post),
                TwoFactor = db.UserMeta.Any(m => m.UserId == u.Id && m.Key == UserStore.TwoFactorEnabledMeta && m.Value == "1"),
            })
            .ToListAsync();
        var everyone = await db.Users.AsNoTracking().OrderBy(u => u.Login).Select(u => new { u.Id, u.Login }).ToListAsync();
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var canReset = Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.EditUsers);
        string TwoFactorCell(int id, string login, bool on) =>
            !on ? "Off"
            : !canReset || IsSelf(http, id) ? "On"
            : $"On <form method=\"post\" action=\"/admin/users/{id}/two-factor/reset\">{token}<button type=\"submit\" aria-label=\"Reset two-factor of {PlainPage.Encode(login)}\">Reset two-factor</button></form>";
        string RoleOptions(string? selected) => string.Concat(Roles.All.Select(r => $"<option value=\"{r}\"{(r == selected ? " selected" : "")}>{CultureInfo.InvariantCulture.TextInfo.ToTitleCase(r)}</option>"));
        var views = "<a href=\"/admin/users\">All</a> (" + counts.Sum(c => c.Count) + ")"
            + string.Concat(Roles.All.Where(r => counts.Any(c => c.Role == r))
                .Select(r => $" | <a href=\"/admin/users?role={r}\">{CultureInfo.InvariantCulture.TextInfo.ToTitleCase(r)}</a> ({counts.Single(c => c.Role == r).Count})"));
        var rows = string.Concat(list.Select(u => $"""
            <tr><td>{PlainPage.Encode(u.Login)}</td><td>{PlainPage.Encode(u.DisplayName)}</td><td>{PlainPage.Encode(u.Email)}</td><td>{u.Posts}</td><td>{TwoFactorCell(u.Id, u.Login, u.TwoFactor)}</td>
            <td>{(IsSelf(http, u.Id) ? PlainPage.Encode(u.Role) : $"<form method=\"post\" action=\"/admin/users/{u.Id}/role\">{token}<label class=\"screen-reader-text\" for=\"role-{u.Id}\">Role of {PlainPage.Encode(u.Login)}</label><select id=\"role-{u.Id}\" name=\"role\">{RoleOptions(u.Role)}</select> <button type=\"submit\">Change</button></form>")}</td>
            <td>{(IsSelf(http, u.Id) ? "" : $"<form method=\"post\" action=\"/admin/users/{u.Id}/delete\">{token}<label for=\"reassign-{u.Id}\">Give their posts to</label> <select id=\"reassign-{u.Id}\" name=\"reassign_user\">{string.Concat(everyone.Where(o => o.Id != u.Id).Select(o => $"<option value=\"{o.Id}\">{PlainPage.Encode(o.Login)}</option>"))}</select> <button type=\"submit\">Delete</button></form>")}</td></tr>
            """));
        var body = $"""
            {PlainPage.Messages(notice, errors, "Not added:")}
            <p><a href="/admin">Dashboard</a></p>
            <p>{views}</p>
            <table><caption>Users</caption><thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Posts</th><th scope="col">Two-factor</th><th scope="col">Role</th><th scope="col">Delete</th></tr></thead>
            <tbody>{(rows.Length == 0 ? "<tr><td colspan=\"7\">No users with that role.</td></tr>" : rows)}</tbody></table>
            <h2>Add New User</h2>
            <form method="post" action="/admin/users">{token}
            <p><label for="user_login">Username</label><br><input id="user_login" name="user_login" required maxlength="60"></p>
            <p><label for="email">Email</label><br><input id="email" name="email" type="email" required maxlength="100"></p>
            <p><label for="display_name">Display name</label><br><input id="display_name" name="display_name" maxlength="250"></p>
            <p><label for="pass1">Password (at least {PasswordRules.MinLength} characters)</label><br><input id="pass1" name="pass1" type="password" autocomplete="new-password" required minlength="{PasswordRules.MinLength}" maxlength="{PasswordRules.MaxLength}"></p>
            <p><label for="role">Role</label><br><select id="role" name="role">{RoleOptions(Roles.Subscriber)}</select></p>
            <p><button type="submit">Add New User</button></p>
            </form>
            """;
        return PlainPage.Result("Users", body);
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd} ._\-@]{1,60}$")]
    internal static partial Regex LoginPattern();
}
