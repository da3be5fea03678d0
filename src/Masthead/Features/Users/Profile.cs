using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>Your profile: public name, author slug, bio, website, e-mail; your password; your other sessions.</summary>
public static class Profile
{
    private const int MaxBioLength = 4000;

    internal static async Task<IResult> ShowAsync(HttpContext http, UserManager<User> users, IAntiforgery antiforgery, ApplicationPasswords passwords)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        var notice = http.Request.Query["done"].ToString() switch
        {
            "profile" => "Profile updated.",
            "password" => "Password changed. Your other sessions end within a minute.",
            "sessions" => "You are logged out everywhere else.",
            "application-password-revoked" => "Application password revoked.",
            "application-passwords-revoked" => "All application passwords revoked.",
            _ => null,
        };
        return await PageAsync(http, antiforgery, passwords, user, notice, errors: []);
    }

    internal static async Task<IResult> SaveAsync(
        HttpContext http, UserManager<User> users, AppDbContext db, IAntiforgery antiforgery, ActivityLog activity,
        ApplicationPasswords passwords, LoginThrottle throttle, [FromForm(Name = "display_name")] string? displayName, [FromForm(Name = "nickname")] string? nicename,
        [FromForm(Name = "email")] string? email, [FromForm(Name = "url")] string? url,
        [FromForm(Name = "description")] string? bio, [FromForm(Name = "current_password")] string? currentPassword)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        displayName = (displayName ?? "").Trim();
        email = (email ?? "").Trim();
        url = (url ?? "").Trim();
        bio = (bio ?? "").Trim();
        var slug = Slug.From(nicename ?? "");
        var errors = new List<string>();
        if (displayName.Length is 0 or > 250)
        {
            errors.Add("Display name: write one, up to 250 characters.");
        }
        if (slug.Length is 0 or > 50)
        {
            errors.Add("Nicename: use letters or digits, up to 50 characters; it names your author archive.");
        }
        else if (await db.Users.AnyAsync(u => u.Slug == slug && u.Id != user.Id))
        {
            errors.Add("Nicename: another user already has that one.");
        }
        var changingEmail = !string.Equals(email, user.Email, StringComparison.OrdinalIgnoreCase);
        if (email.Length > 100 || !MailAddress.TryCreate(email, out _))
        {
            errors.Add("E-mail: enter a valid address.");
        }
        // A new address is where password resets go, so changing it takes the current password; and only after
        // the password is right does the form say whether the address is taken, or a borrowed session could use it
        // to find out who has an account here.
        else if (changingEmail && await throttle.ConfirmPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            errors.Add(wrong == LoginThrottle.SlowedDownMessage ? wrong : "E-mail: to change it, enter your current password.");
        }
        else if (changingEmail && await ManageUsers.EmailTakenAsync(db, email, user.Id))
        {
            errors.Add("E-mail: another user already has that address.");
        }
        if (url.Length > 0 && (url.Length > 200 || !Uri.TryCreate(url, UriKind.Absolute, out var site) || site.Scheme is not ("http" or "https")))
        {
            errors.Add("Website: enter an http or https address, up to 200 characters.");
        }
        if (bio.Length > MaxBioLength)
        {
            errors.Add($"Biographical info: up to {MaxBioLength} characters.");
        }
        if (errors.Count > 0)
        {
            return await PageAsync(http, antiforgery, passwords, user, notice: null, errors);
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
        HttpContext http, UserManager<User> users, SignInManager<User> signIn, IAntiforgery antiforgery, ActivityLog activity,
        ApplicationPasswords passwords, LoginThrottle throttle, [FromForm(Name = "current_password")] string? current,
        [FromForm(Name = "new_password")] string? replacement, [FromForm(Name = "confirm_password")] string? confirmation)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        if (replacement != confirmation)
        {
            return await PageAsync(http, antiforgery, passwords, user, notice: null, ["New password: the two entries differ."]);
        }
        // The current password is checked under the account's slow-down, as every password typed through a session is,
        // so a borrowed session cannot guess it here at the per-address pace.
        if (await throttle.ConfirmPasswordAsync(users, user, current) is { } wrong)
        {
            return await PageAsync(http, antiforgery, passwords, user, notice: null, [wrong]);
        }
        var result = await users.ChangePasswordAsync(user, current ?? "", replacement ?? "");
        if (!result.Succeeded)
        {
            return await PageAsync(http, antiforgery, passwords, user, notice: null,
                [.. result.Errors.Select(e => e.Code == "PasswordMismatch" ? "Current password: that is not it." : e.Description)]);
        }
        // The security stamp changed with the password: keep this session, the others end at their next check.
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.PasswordChanged, user.Login, user.Id);
        return TypedResults.Redirect("/admin/profile?done=password");
    }

    internal static async Task<IResult> LogOutEverywhereAsync(
        HttpContext http, UserManager<User> users, SignInManager<User> signIn, ActivityLog activity, IFormCollection form)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        await users.UpdateSecurityStampAsync(user);
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.SessionsEnded, user.Login, user.Id);
        return TypedResults.Redirect("/admin/profile?done=sessions");
    }

    internal static async Task<ContentHttpResult> PageAsync(
        HttpContext http, IAntiforgery antiforgery, ApplicationPasswords passwords, User user, string? notice, List<string> errors,
        string? newApplicationPassword = null)
    {
        var applicationPasswords = await passwords.SectionAsync(http, antiforgery, user, newApplicationPassword);
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var messages = PlainPage.Messages(notice, errors);
        var body = $"""
            {messages}
            <p>Logged in as <strong>{PlainPage.Encode(user.Login)}</strong>, role {PlainPage.Encode(user.Role)}. <a href="/admin">Dashboard</a></p>
            <form method="post" action="/admin/profile">{token}
            <p><label for="display_name">Display name publicly as</label><br><input id="display_name" name="display_name" value="{PlainPage.Encode(user.DisplayName)}" required maxlength="250"></p>
            <p><label for="nickname">Nicename (your author archive: /author/…/)</label><br><input id="nickname" name="nickname" value="{PlainPage.Encode(user.Slug)}" required maxlength="50"></p>
            <p><label for="email">E-mail</label><br><input id="email" name="email" type="email" value="{PlainPage.Encode(user.Email)}" required maxlength="100"></p>
            <p><label for="profile_password">Current password (needed only to change the e-mail address)</label><br><input id="profile_password" name="current_password" type="password" autocomplete="current-password" maxlength="{PasswordRules.MaxLength}"></p>
            <p><label for="url">Website</label><br><input id="url" name="url" type="url" value="{PlainPage.Encode(user.Url)}" maxlength="200"></p>
            <p><label for="description">Biographical info</label><br><textarea id="description" name="description" rows="5" cols="40" maxlength="{MaxBioLength}">{PlainPage.Encode(user.Bio)}</textarea></p>
            <p><button type="submit">Update Profile</button></p>
            </form>
            <h2>Password</h2>
            <form method="post" action="/admin/profile/password">{token}
            <p><label for="current_password">Current password</label><br><input id="current_password" name="current_password" type="password" autocomplete="current-password" required maxlength="{PasswordRules.MaxLength}"></p>
            <p><label for="new_password">New password (at least {PasswordRules.MinLength} characters)</label><br><input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="{PasswordRules.MinLength}" maxlength="{PasswordRules.MaxLength}"></p>
            <p><label for="confirm_password">Repeat the new password</label><br><input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required maxlength="{PasswordRules.MaxLength}"></p>
            <p><button type="submit">Change Password</button></p>
            </form>
            <h2>Two-factor sign-in</h2>
            <p><a href="/admin/profile/two-factor">Set up an authenticator app, or change how you use it</a></p>
            <h2>Sessions</h2>
            <form method="post" action="/admin/profile/sessions">{token}<p><button type="submit">Log Out Everywhere Else</button></p></form>
            {applicationPasswords}
            """;
        return PlainPage.Result("Profile", body);
    }
}
