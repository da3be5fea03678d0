using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>Your profile: public name, author slug, bio, website, e-mail; your password; your other sessions.</summary>
public static class Profile
{
    public const int MaxBioLength = 4000;

    internal static async Task<IResult> ShowAsync(HttpContext http, SignedInUser me, UserManager<User> users, IAntiforgery antiforgery, ApplicationPasswords passwords,
        AppDbContext db, SiteSettingsCache settings)
    {
        var user = me.Account;
        var notice = http.Request.Query["done"].ToString() switch
        {
            "profile" => "Profile updated.",
            "password" => "Password changed. Your other sessions end within a minute.",
            "sessions" => "You are logged out everywhere else.",
            "application-password-revoked" => "Application password revoked.",
            "application-passwords-revoked" => "All application passwords revoked.",
            _ => null,
        };
        return await PageAsync(new(http, antiforgery, passwords, users, db, settings), user, notice, errors: []);
    }

    internal static async Task<IResult> SaveAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, ActivityLog activity,
        ApplicationPasswords passwords, LoginThrottle throttle, [FromForm(Name = "display_name")] string? displayName, [FromForm(Name = "nickname")] string? nicename,
        [FromForm(Name = "email")] string? email, [FromForm(Name = "url")] string? url,
        [FromForm(Name = "description")] string? bio, [FromForm(Name = "current_password")] string? currentPassword)
    {
        var user = me.Account;
        displayName = (displayName ?? "").Trim();
        email = (email ?? "").Trim();
        url = (url ?? "").Trim();
        bio = (bio ?? "").Trim();
        nicename = (nicename ?? "").Trim();
        var slug = Slug.From(nicename);
        var errors = new List<FieldError>();
        void Fail(string field, string message) => errors.Add(new FieldError(field, message));
        if (displayName.Length is 0 or > 250)
        {
            Fail("display_name", "Display name: write one, up to 250 characters.");
        }
        if (slug.Length is 0 or > 50)
        {
            Fail("nickname", "Nicename: use letters or digits, up to 50 characters; it names your author archive.");
        }
        else if (await db.Users.AnyAsync(u => u.Slug == slug && u.Id != user.Id))
        {
            Fail("nickname", "Nicename: another user already has that one.");
        }
        var changingEmail = !string.Equals(email, user.Email, StringComparison.OrdinalIgnoreCase);
        if (email.Length > 100 || !MailAddress.TryCreate(email, out _))
        {
            Fail("email", "E-mail: enter a valid address.");
        }
        // A new address is where password resets go, so changing it takes the current password; and only after
        // the password is right does the form say whether the address is taken, or a borrowed session could use it
        // to find out who has an account here.
        else if (changingEmail && await throttle.ConfirmPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            Fail("profile_password", wrong == LoginThrottle.SlowedDownMessage ? wrong : "E-mail: to change it, enter your current password.");
        }
        else if (changingEmail && await ManageUsers.EmailTakenAsync(db, email, user.Id))
        {
            Fail("email", "E-mail: another user already has that address.");
        }
        if (url.Length > 0 && (url.Length > 200 || !Uri.TryCreate(url, UriKind.Absolute, out var site) || site.Scheme is not ("http" or "https")))
        {
            Fail("url", "Website: enter an http or https address, up to 200 characters.");
        }
        if (bio.Length > MaxBioLength)
        {
            Fail("description", $"Biographical info: up to {MaxBioLength} characters.");
        }
        if (errors.Count > 0)
        {
            // Back with everything as typed (never the password), so nothing is lost to one mistake.
            return await PageAsync(new(http, antiforgery, passwords, users, db, settings), user, notice: null, errors,
                entered: new ProfileForm(displayName, nicename, email, url, bio));
        }
        user.DisplayName = displayName;
        user.Slug = slug;
        user.Email = email;
        user.Url = url;
        user.Bio = bio;
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, ActivityActions.ProfileUpdated, user.Login, user.Id);
        return TypedResults.Redirect("/admin/profile?done=profile");
    }

    internal static async Task<IResult> ChangePasswordAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, SignInManager<User> signIn, IAntiforgery antiforgery, ActivityLog activity,
        ApplicationPasswords passwords, LoginThrottle throttle, AppDbContext db, SiteSettingsCache settings, [FromForm(Name = "current_password")] string? current,
        [FromForm(Name = "new_password")] string? replacement, [FromForm(Name = "confirm_password")] string? confirmation)
    {
        var user = me.Account;
        var page = new Parts(http, antiforgery, passwords, users, db, settings);
        if (replacement != confirmation)
        {
            return await PageAsync(page, user, notice: null, [new("confirm_password", "New password: the two entries differ.")]);
        }
        // The current password is checked under the account's slow-down, as every password typed through a session is,
        // so a borrowed session cannot guess it here at the per-address pace.
        if (await throttle.ConfirmPasswordAsync(users, user, current) is { } wrong)
        {
            return await PageAsync(page, user, notice: null, [new("current_password", wrong)]);
        }
        var result = await users.ChangePasswordAsync(user, current ?? "", replacement ?? "");
        if (!result.Succeeded)
        {
            return await PageAsync(page, user, notice: null,
                [.. result.Errors.Select(e => e.Code == "PasswordMismatch"
                    ? new FieldError("current_password", "Current password: that is not it.")
                    : new FieldError("new_password", e.Description))]);
        }
        // The security stamp changed with the password: keep this session, the others end at their next check.
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.PasswordChanged, user.Login, user.Id);
        return TypedResults.Redirect("/admin/profile?done=password");
    }

    internal static async Task<IResult> LogOutEverywhereAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, SignInManager<User> signIn, ActivityLog activity, IFormCollection form)
    {
        var user = me.Account;
        await users.UpdateSecurityStampAsync(user);
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.SessionsEnded, user.Login, user.Id);
        return TypedResults.Redirect("/admin/profile?done=sessions");
    }

    /// <summary>What drawing the profile screen takes, passed on by each handler that may show it.</summary>
    internal sealed record Parts(HttpContext Http, IAntiforgery Antiforgery, ApplicationPasswords Passwords, UserManager<User> Users,
        AppDbContext Db, SiteSettingsCache Settings);

    internal static async Task<RazorComponentResult> PageAsync(
        Parts page, User user, string? notice, List<FieldError> errors, ProfileForm? entered = null,
        string? newApplicationPassword = null)
    {
        var chrome = await AdminChrome.ForAsync(page.Http, page.Db, page.Settings, page.Antiforgery);
        return AdminFeature.Screen<ProfileScreen>(new ProfileModel(
            chrome, user.Login, user.Role, notice, errors,
            entered ?? new ProfileForm(user.DisplayName, user.Slug, user.Email, user.Url, user.Bio),
            await page.Users.GetTwoFactorEnabledAsync(user),
            await page.Passwords.ModelAsync(user, newApplicationPassword)));
    }
}

/// <summary>The profile form's fields, as stored or as typed (never a password).</summary>
public sealed record ProfileForm(string DisplayName, string Nicename, string Email, string Url, string Bio);

/// <summary>The profile screen: the form, the Account Management section and its application passwords.</summary>
public sealed record ProfileModel(
    AdminChrome Chrome, string Login, string Role, string? Notice, IReadOnlyList<FieldError> Errors, ProfileForm Entered,
    bool TwoFactorOn, ApplicationPasswordsModel ApplicationPasswords)
{
    public string? ErrorFor(string field) => FieldError.For(Errors, field);

    public string? Invalid(string field) => ErrorFor(field) is null ? null : "true";

    public string? DescribedBy(string field, string? help = null) =>
        string.Join(' ', new[] { ErrorFor(field) is null ? null : FormRow.ErrorId(field), help }.OfType<string>()) is { Length: > 0 } ids ? ids : null;
}
