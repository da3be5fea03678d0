using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Users;

/// <summary>
/// Sign-in and sign-out. Every failure gets the same words and the same work (a password hash is checked even for an
/// unknown name), so the form never tells whether an account exists or is locked.
/// </summary>
public static class LogIn
{
    private const string Failure = "The username, e-mail address or password is not right, or the account is locked for a while. Try again.";

    // A hash to check against when no account matches, so unknown names cost the same time as wrong passwords.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<User>().HashPassword(new User(), Guid.NewGuid().ToString()));

    internal static IResult ShowForm(HttpContext http, IAntiforgery antiforgery, [FromQuery(Name = "redirect_to")] string? redirectTo) =>
        Form(http, antiforgery, login: "", redirectTo, error: null);

    internal static async Task<IResult> SubmitAsync(
        HttpContext http, IAntiforgery antiforgery, UserStore users, SignInManager<User> signIn, IPasswordHasher<User> hasher,
        ActivityLog activity, AppDbContext db, SiteSettingsCache settings,
        [FromForm(Name = "log")] string? login, [FromForm(Name = "pwd")] string? password,
        [FromForm(Name = "rememberme")] string? remember, [FromForm(Name = "redirect_to")] string? redirectTo)
    {
        login = (login ?? "").Trim();
        password ??= "";
        // Identity's hasher accepts long inputs; a cap keeps a megabyte "password" from costing a megabyte of hashing.
        if (login.Length is 0 or > 100 || password.Length is 0 or > 4096)
        {
            return Form(http, antiforgery, login, redirectTo, Failure);
        }
        var user = await users.FindByLoginOrEmailAsync(login, http.RequestAborted);
        if (user is null)
        {
            hasher.VerifyHashedPassword(new User(), DecoyHash.Value, password);
            await activity.RecordAsync(http, ActivityActions.LoginFailed, login);
            return Form(http, antiforgery, login, redirectTo, Failure);
        }
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: remember is not null, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            // Identity skips the hash for a locked account; do the same work so the answer takes the same time.
            hasher.VerifyHashedPassword(user, DecoyHash.Value, password);
        }
        await activity.RecordAsync(http, result.Succeeded ? ActivityActions.LoggedIn : ActivityActions.LoginFailed, user.Login, user.Id,
            result.IsLockedOut ? "account locked" : "");
        if (result.Succeeded && user.Role == Roles.Administrator && (await settings.GetAsync(db)).HomeUrl.Length == 0)
        {
            // As WordPress's install screen does, the address an administrator first signs in at becomes the site's
            // address; mail links are built from it, never from whatever Host header a request carries.
            await db.SetOptionAsync(SiteSettings.Names.HomeUrl, $"{http.Request.Scheme}://{http.Request.Host}");
            await db.SaveChangesAsync();
        }
        return result.Succeeded
            ? TypedResults.LocalRedirect(SafeReturnPath(redirectTo))
            : Form(http, antiforgery, login, redirectTo, Failure);
    }

    internal static async Task<IResult> LogOutAsync(HttpContext http, SignInManager<User> signIn, ActivityLog activity, IFormCollection form)
    {
        if (http.User.Identity?.Name is { } name)
        {
            await activity.RecordAsync(http, ActivityActions.LoggedOut, name);
        }
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/login?loggedout=true");
    }

    /// <summary>Only a path on this site; anything that could leave it (//host, /\host, a scheme) goes to the admin.</summary>
    internal static string SafeReturnPath(string? path) =>
        path is { Length: > 0 } p && p[0] == '/' && (p.Length == 1 || (p[1] != '/' && p[1] != '\\'))
            && !p.Any(char.IsControl)
            ? p
            : "/admin";

    private static ContentHttpResult Form(HttpContext http, IAntiforgery antiforgery, string login, string? redirectTo, string? error)
    {
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var loggedOut = error is not null ? ""
            : http.Request.Query.ContainsKey("loggedout") ? "<p role=\"status\">You are now logged out.</p>"
            : http.Request.Query.ContainsKey("reset") ? "<p role=\"status\">Your password has been reset. Log in with it.</p>"
            : "";
        var alert = error is null ? "" : $"<p role=\"alert\"><strong>Error:</strong> {PlainPage.Encode(error)}</p>";
        var body = $"""
            {loggedOut}{alert}
            <form method="post" action="/login">
            {token}
            <input type="hidden" name="redirect_to" value="{PlainPage.Encode(SafeReturnPath(redirectTo))}">
            <p><label for="user_login">Username or Email Address</label><br>
            <input type="text" name="log" id="user_login" value="{PlainPage.Encode(login)}" autocomplete="username" required maxlength="100"></p>
            <p><label for="user_pass">Password</label><br>
            <input type="password" name="pwd" id="user_pass" autocomplete="current-password" required maxlength="4096"></p>
            <p><label><input type="checkbox" name="rememberme" value="forever"> Remember Me</label></p>
            <p><button type="submit">Log In</button></p>
            </form>
            <p><a href="/login/lost">Lost your password?</a></p>
            <p><a href="/">&larr; Go to the site</a></p>
            """;
        return PlainPage.Result("Log In", body);
    }
}
