using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Setup;

/// <summary>Whether this node still waits for /setup; checked on every request, so it lives in memory.</summary>
public sealed class SetupState
{
    /// <summary>The role of the account that owns the sample content until /setup claims it; it grants nothing.</summary>
    public const string PlaceholderRole = "pending_setup";
    public const string PlaceholderLogin = "setup-pending";

    private volatile bool _waiting;

    public bool Waiting => _waiting;

    public void Wait() => _waiting = true;

    public void Complete() => _waiting = false;
}

/// <summary>
/// The first-run screen, like WordPress's install screen: site title, the administrator's username, e-mail and
/// password, and whether search engines are welcome. It works only while the site has no administrator.
/// </summary>
public static class SetUpSite
{
    internal static Task RedirectUntilSetUp(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path;
        if (!http.RequestServices.GetRequiredService<SetupState>().Waiting
            || path.StartsWithSegments("/setup") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/theme-assets")
            || path.StartsWithSegments("/admin-assets"))
        {
            return next(http);
        }
        // 303 for every method: whatever was asked, the next step is a GET of the set-up screen.
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = "/setup";
        http.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    internal static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SetupState state, IAntiforgery antiforgery, SiteSettingsCache settings)
    {
        if (!await StillWaitingAsync(db, state))
        {
            return TypedResults.Redirect("/login");
        }
        // Only a suggestion, shown to the person setting up to confirm: the address this request came to may be a
        // forged Host header or an internal name behind a proxy, so it is never stored unseen.
        var stored = (await settings.GetAsync(db)).HomeUrl;
        var address = stored.Length > 0 ? stored : SiteSettings.SiteAddressFrom($"{http.Request.Scheme}://{http.Request.Host}") ?? "";
        return Form(http, antiforgery, new SetupForm("Masthead", "admin", "", address, false), errors: []);
    }

    internal static async Task<IResult> SubmitAsync(
        HttpContext http, AppDbContext db, SetupState state, IAntiforgery antiforgery, UserManager<User> users,
        SignInManager<User> signIn, ActivityLog activity,
        [FromForm(Name = "weblog_title")] string? title, [FromForm(Name = "user_name")] string? login,
        [FromForm(Name = "admin_email")] string? email, [FromForm(Name = "admin_password")] string? password,
        [FromForm(Name = "admin_password2")] string? confirmation, [FromForm(Name = "blog_public")] string? blogPublic,
        [FromForm(Name = "site_url")] string? siteUrl)
    {
        if (!await StillWaitingAsync(db, state))
        {
            return TypedResults.Redirect("/login");
        }
        var form = new SetupForm((title ?? "").Trim(), (login ?? "").Trim(), (email ?? "").Trim(), (siteUrl ?? "").Trim(), blogPublic == "0");
        password ??= "";
        var errors = new List<string>();
        if (form.Title.Length is 0 or > 200)
        {
            errors.Add("Site title: write one, up to 200 characters.");
        }
        var siteAddress = SiteSettings.SiteAddressFrom(form.SiteAddress);
        if (siteAddress is null)
        {
            errors.Add("Site address: the http or https address readers use, with nothing after the host, such as https://news.example.org.");
        }
        var placeholder = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Role == SetupState.PlaceholderRole);
        if (placeholder is null)
        {
            return TypedResults.Redirect("/login");
        }
        if (!ManageUsers.LoginPattern().IsMatch(form.Login) || form.Login == SetupState.PlaceholderLogin)
        {
            errors.Add("Username: 1 to 60 letters, digits, spaces or . _ - @");
        }
        else if (await ManageUsers.EmailTakenAsync(db, form.Login, placeholder.Id))
        {
            errors.Add("Username: another account has that name.");
        }
        if (form.Email.Length > 100 || !MailAddress.TryCreate(form.Email, out _))
        {
            errors.Add("Your e-mail: enter a valid address.");
        }
        else if (await ManageUsers.EmailTakenAsync(db, form.Email, placeholder.Id))
        {
            errors.Add("Your e-mail: another account has that address.");
        }
        if (password != confirmation)
        {
            errors.Add("Password: the two entries differ.");
        }
        // The same rules as every password change: length, the common-password list, not the username.
        var candidate = new User { Id = placeholder.Id, Login = form.Login, Email = form.Email };
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, candidate, password);
            errors.AddRange(result.Errors.Select(e => $"Password: {e.Description}"));
        }
        if (errors.Count > 0)
        {
            return Form(http, antiforgery, form, errors);
        }
        // The claim and the site's settings land together or not at all: never an administrator on an unnamed site.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            if (!await ClaimAsync(db, placeholder.Id, form.Login, form.Email, users.PasswordHasher.HashPassword(candidate, password)))
            {
                // Someone else's submission got there first.
                return TypedResults.Redirect("/login");
            }
            await db.SetOptionAsync(SiteSettings.Names.Title, form.Title);
            await db.SetOptionAsync(SiteSettings.Names.AdminEmail, form.Email);
            await db.SetOptionAsync(SiteSettings.Names.BlogPublic, form.DiscourageSearchEngines ? "0" : "1");
            // The address the person setting up confirmed; mailed links and canonical URLs are built from it alone.
            await db.SetOptionAsync(SiteSettings.Names.HomeUrl, siteAddress!);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        state.Complete();
        var admin = await db.Users.SingleAsync(u => u.Id == placeholder.Id);
        await activity.RecordAsync(http, ActivityActions.SiteSetUp, admin.Login, admin.Id, form.Title);
        await signIn.SignInAsync(admin, isPersistent: false);
        return TypedResults.Redirect("/admin");
    }

    /// <summary>
    /// Turns the placeholder account into the administrator in one conditional UPDATE: of two submissions at the
    /// same moment, the database lets exactly one find the placeholder still a placeholder.
    /// </summary>
    internal static async Task<bool> ClaimAsync(AppDbContext db, int placeholderId, string login, string email, string passwordHash) =>
        await db.Users.Where(u => u.Id == placeholderId && u.Role == SetupState.PlaceholderRole)
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.Role, Roles.Administrator)
                .SetProperty(u => u.Login, login)
                // The byline and the dashboard greet the administrator by the name they chose, as WordPress does.
                .SetProperty(u => u.DisplayName, login)
                .SetProperty(u => u.Email, email)
                .SetProperty(u => u.PasswordHash, passwordHash)
                .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N"))) == 1;

    /// <summary>Another node may have finished set-up; the database decides, and this node stops waiting then.</summary>
    private static async Task<bool> StillWaitingAsync(AppDbContext db, SetupState state)
    {
        if (state.Waiting && !await db.Users.AnyAsync(u => u.Role == Roles.Administrator))
        {
            return true;
        }
        state.Complete();
        return false;
    }

    public sealed record SetupForm(string Title, string Login, string Email, string SiteAddress, bool DiscourageSearchEngines);

    public sealed record SetupModel(AntiforgeryTokenSet Antiforgery, SetupForm Form, IReadOnlyList<string> Errors);

    private static RazorComponentResult Form(HttpContext http, IAntiforgery antiforgery, SetupForm form, List<string> errors)
    {
        http.Response.Headers.CacheControl = "no-store";
        return AdminFeature.Screen<SetupScreen>(new SetupModel(antiforgery.GetAndStoreTokens(http), form, errors));
    }
}
