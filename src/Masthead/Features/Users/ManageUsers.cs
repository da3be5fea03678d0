using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
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
    internal static async Task<IResult> ListAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        [FromQuery(Name = "role")] string? role) =>
        await PageAsync(http, db, settings, antiforgery, role, notice: http.Request.Query["done"].ToString() switch
        {
            "added" => "User added.",
            "role" => "Role changed.",
            "nothing" => "Nothing changed: choose a role and tick at least one other user.",
            "deleted" => "User deleted; their posts now belong to the user you chose.",
            "two-factor" => "Two-factor sign-in is off for that user; their sessions end within a minute.",
            _ => null,
        }, errors: [], entered: null, password: null);

    internal static async Task<IResult> AddAsync(HttpContext http, AppDbContext db, UserManager<User> users, SiteSettingsCache settings, IAntiforgery antiforgery,
        ActivityLog activity, TimeProvider clock,
        [FromForm(Name = "user_login")] string? login, [FromForm(Name = "email")] string? email,
        [FromForm(Name = "display_name")] string? displayName, [FromForm(Name = "role")] string? role,
        [FromForm(Name = "pass1")] string? password)
    {
        login = (login ?? "").Trim();
        email = (email ?? "").Trim();
        displayName = (displayName ?? "").Trim();
        var errors = new List<FieldError>();
        if (!LoginPattern().IsMatch(login))
        {
            errors.Add(new("user_login", "Username: 1 to 60 letters, digits, spaces or . _ - @"));
        }
        else if (await LoginTakenAsync(db, login))
        {
            errors.Add(new("user_login", "Username: that one is taken."));
        }
        if (email.Length > 100 || !MailAddress.TryCreate(email, out _))
        {
            errors.Add(new("email", "Email: enter a valid address."));
        }
        else if (await EmailTakenAsync(db, email, exceptUserId: 0))
        {
            errors.Add(new("email", "Email: another user has that address."));
        }
        if (role is null || !Roles.All.Contains(role))
        {
            errors.Add(new("role", "Role: choose one."));
        }
        if (errors.Count > 0)
        {
            return await PageAsync(http, db, settings, antiforgery, null, null, errors, new NewUser(login, email, displayName, role ?? Roles.Subscriber), password);
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
            return await PageAsync(http, db, settings, antiforgery, null, null, [.. result.Errors.Select(e => new FieldError("pass1", $"Password: {e.Description}"))],
                new NewUser(login, email, displayName, role ?? Roles.Subscriber), password);
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
        if (user is null || !await ChangeRoleOfAsync(http, db, users, activity, user, role))
        {
            return TypedResults.BadRequest();
        }
        await transaction.CommitAsync();
        return TypedResults.Redirect("/admin/users?done=role");
    }

    /// <summary>"Change role to…" for the ticked users, yourself left out, in one transaction: all change, or none.</summary>
    internal static async Task<IResult> ChangeRolesAsync(HttpContext http, AppDbContext db, UserManager<User> users, ActivityLog activity, IFormCollection form)
    {
        var role = form["new_role"].ToString();
        var ids = BulkChoice.Ids(form, "users[]").Where(id => !IsSelf(http, id)).ToList();
        if (!Roles.All.Contains(role) || ids.Count == 0)
        {
            return TypedResults.Redirect("/admin/users?done=nothing");
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var user in await db.Users.Where(u => ids.Contains(u.Id)).OrderBy(u => u.Id).ToListAsync())
        {
            if (!await ChangeRoleOfAsync(http, db, users, activity, user, role))
            {
                return TypedResults.BadRequest();
            }
        }
        await transaction.CommitAsync();
        return TypedResults.Redirect("/admin/users?done=role");
    }

    /// <summary>Gives <paramref name="user"/> the role, inside the caller's transaction; false when the site would be left without an administrator.</summary>
    private static async Task<bool> ChangeRoleOfAsync(HttpContext http, AppDbContext db, UserManager<User> users, ActivityLog activity, User user, string role)
    {
        // Two administrators demoting each other at the same moment must not leave the site with none.
        if (user.Role == Roles.Administrator && role != Roles.Administrator && await LockAdministratorsAsync(db) <= 1)
        {
            return false;
        }
        var previous = user.Role;
        user.Role = role;
        // A new stamp makes every session of that user pick up the new role within a minute (writes at once).
        if (!(await users.UpdateSecurityStampAsync(user)).Succeeded)
        {
            return false;
        }
        await activity.RecordAsync(http, "changed a role", Actor(http), detail: $"{user.Login}: {previous} to {role}");
        return true;
    }

    internal static async Task<IResult> DeleteAsync(HttpContext http, AppDbContext db, ActivityLog activity,
        int id, [FromForm(Name = "reassign_user")] int reassignTo)
    {
        // All in one transaction: a user is never gone while their posts still point at them.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await db.Users.FindAsync(id);
        // Content goes to someone who may write; a user who wrote nothing needs no one to take it.
        var writers = Writers();
        if (user is null || IsSelf(http, id)
            || await db.Posts.AnyAsync(p => p.AuthorId == id) && (reassignTo == id || !await db.Users.AnyAsync(u => u.Id == reassignTo && writers.Contains(u.Role))))
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

    public const int PerPage = 20;

    /// <summary>What the Add New User form holds besides the password.</summary>
    public sealed record NewUser(string Login, string Email, string DisplayName, string Role);

    public sealed record UserRow(int Id, string Login, string DisplayName, string Email, string Role, int Posts, bool TwoFactor, bool IsSelf);

    /// <summary>By username, A to Z, as WordPress lists users.</summary>
    public static readonly ListSort DefaultSort = new("username", Descending: false);

    public sealed record UsersModel(
        AdminChrome Chrome, string? Notice, IReadOnlyList<FieldError> FieldErrors, IReadOnlyList<(string Role, int Count)> Views, string? Role,
        string Search, ListSort Sort, IReadOnlyList<UserRow> Rows, int Page, int PageCount, int Total, NewUser Entered, string Password)
    {
        public List<string> Errors => FieldError.Messages(FieldErrors);

        public string? ErrorFor(string field) => FieldError.For(FieldErrors, field);

        public bool CanReset => Chrome.Can(Capabilities.EditUsers);
        public bool CanPromote => Chrome.Can(Capabilities.PromoteUsers);
        public bool CanDelete => Chrome.Can(Capabilities.DeleteUsers);
        public bool CanCreate => Chrome.Can(Capabilities.CreateUsers);

        public string PageUrl(int n) => UrlOf(Sort, n);

        public string UrlOf(ListSort sort, int page = 1) =>
            ListUrl.Of("/admin/users", [("role", Role), ("s", Search), .. sort.Query(DefaultSort), ("paged", ListUrl.Page(page))]);
    }

    public sealed record DeleteUserModel(AdminChrome Chrome, int Id, string Login, string DisplayName, int Posts, IReadOnlyList<(int Id, string Login)> Others);

    /// <summary>The roles whose users may write posts, and so may be given someone else's.</summary>
    internal static List<string> Writers() => [.. Roles.All.Where(r => Roles.Can(r, Capabilities.EditPosts))];

    /// <summary>Asks whom the user's posts go to, with one picker, before anything is deleted.</summary>
    internal static async Task<IResult> ConfirmDeleteAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, int id)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new { u.Id, u.Login, u.DisplayName, Posts = db.Posts.Count(p => p.AuthorId == u.Id && (p.Type == PostType.Post || p.Type == PostType.Page)) })
            .SingleOrDefaultAsync();
        if (user is null || IsSelf(http, id))
        {
            return TypedResults.NotFound();
        }
        // Only those who may write can be given posts (no subscriber), and only when there is something to give.
        var writers = Writers();
        var others = user.Posts == 0 ? [] : await db.Users.AsNoTracking().Where(u => u.Id != id && writers.Contains(u.Role))
            .OrderBy(u => u.Login).Select(u => new { u.Id, u.Login }).ToListAsync();
        return AdminFeature.Screen<DeleteUserScreen>(new DeleteUserModel(
            await AdminChrome.ForAsync(http, db, settings, antiforgery), user.Id, user.Login, user.DisplayName, user.Posts,
            [.. others.Select(o => (o.Id, o.Login))]));
    }

    private static async Task<RazorComponentResult> PageAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        string? role, string? notice, IReadOnlyList<FieldError> errors, NewUser? entered, string? password)
    {
        role = Roles.All.Contains(role) ? role : null;
        var search = http.Request.Query["s"].ToString().Trim();
        var counts = await db.Users.GroupBy(u => u.Role).Select(g => new { Role = g.Key, Count = g.Count() }).ToListAsync();
        var matching = db.Users.AsNoTracking().Where(u => role == null || u.Role == role);
        if (search.Length > 0)
        {
            // ToUpper() here is SQL's upper() (Unicode-aware on SQLite through DatabaseSetup), so case never matters.
#pragma warning disable CA1304, CA1311, CA1862
            var uppered = search.ToUpperInvariant();
            matching = matching.Where(u => u.Login.ToUpper().Contains(uppered) || u.Email.ToUpper().Contains(uppered)
                || u.DisplayName.ToUpper().Contains(uppered));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var total = await matching.CountAsync();
        var pages = Math.Max(1, (total + PerPage - 1) / PerPage);
        var page = Math.Clamp(int.TryParse(http.Request.Query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1, 1, pages);
        var me = PostPermissions.UserId(http.User);
        var sort = ListSort.From(http.Request, DefaultSort, "username", "name", "email");
        var ordered = (sort.Column, sort.Descending) switch
        {
            ("name", false) => matching.OrderBy(u => u.DisplayName).ThenBy(u => u.Login),
            ("name", true) => matching.OrderByDescending(u => u.DisplayName).ThenBy(u => u.Login),
            ("email", false) => matching.OrderBy(u => u.Email),
            ("email", true) => matching.OrderByDescending(u => u.Email),
            (_, true) => matching.OrderByDescending(u => u.Login),
            _ => matching.OrderBy(u => u.Login),
        };
        var rows = await ordered
            .Skip((page - 1) * PerPage).Take(PerPage)
            .Select(u => new UserRow(
                u.Id, u.Login, u.DisplayName, u.Email, u.Role,
                db.Posts.Count(p => p.AuthorId == u.Id && p.Type == PostType.Post),
                db.UserMeta.Any(m => m.UserId == u.Id && m.Key == UserStore.TwoFactorEnabledMeta && m.Value == "1"),
                u.Id == me))
            .ToListAsync();
        var views = Roles.All.Where(r => counts.Any(c => c.Role == r)).Select(r => (r, counts.Single(c => c.Role == r).Count)).ToList();
        return AdminFeature.Screen<UsersScreen>(new UsersModel(
            await AdminChrome.ForAsync(http, db, settings, antiforgery), notice, errors, views, role, search, sort, rows, page, pages, total,
            entered ?? new NewUser("", "", "", Roles.Subscriber),
            // A fresh strong password on each showing, kept nowhere; after a refusal, the one the administrator sent back stays
            // in their own form, so the password they may already have passed on is not silently replaced.
            password ?? RandomSecrets.Password()));
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd} ._\-@]{1,60}$")]
    internal static partial Regex LoginPattern();
}
