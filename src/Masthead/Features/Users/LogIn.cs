using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Masthead.Features.Users;

/// <summary>
/// Sign-in and sign-out. Every failure gets the same words and the same work (a password hash is checked even for an
/// unknown name), so the form never tells whether an account exists or is slowed down (<see cref="LoginThrottle"/>).
/// </summary>
public static class LogIn
{
    private const string Failure = "The username, e-mail address or password is not right, or the account is slowed down for a while. Try again.";

    // A hash to check against when no account matches, so unknown names cost the same time as wrong passwords.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<User>().HashPassword(new User(), Guid.NewGuid().ToString()));

    internal static IResult ShowForm(HttpContext http, IAntiforgery antiforgery, [FromQuery(Name = "redirect_to")] string? redirectTo) =>
        Form(http, antiforgery, login: "", redirectTo, error: null);

    internal static async Task<IResult> SubmitAsync(
        HttpContext http, IAntiforgery antiforgery, UserStore users, SignInManager<User> signIn, IPasswordHasher<User> hasher,
        ActivityLog activity, LoginThrottle throttle,
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
        var address = LoginThrottle.Address(http);
        if (await throttle.TryClaimAsync(user, address) is not { } guess)
        {
            // Not checked at all, so guessing while the account is slowed down learns nothing; the hash is still
            // computed, so the answer takes the time a check takes.
            hasher.VerifyHashedPassword(user, DecoyHash.Value, password);
            await activity.RecordAsync(http, ActivityActions.LoginFailed, user.Login, user.Id, "account slowed down; guess not checked");
            return Form(http, antiforgery, login, redirectTo, Failure);
        }
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: remember is not null, lockoutOnFailure: false);
        if (result.RequiresTwoFactor)
        {
            // The password was right; Identity holds who is signing in in a short-lived cookie until the code comes.
            // The run of failures goes on until the code is right too.
            await throttle.RefundAsync(user, guess);
            return TypedResults.Redirect($"/login/two-factor?redirect_to={Uri.EscapeDataString(SafeReturnPath(redirectTo))}"
                + (remember is not null ? "&rememberme=forever" : ""));
        }
        if (result.Succeeded)
        {
            await throttle.SucceededAsync(user, address);
        }
        else
        {
            await throttle.FailedAsync(user, guess);
        }
        await activity.RecordAsync(http, result.Succeeded ? ActivityActions.LoggedIn : ActivityActions.LoginFailed, user.Login, user.Id);
        return result.Succeeded
            ? TypedResults.LocalRedirect(SafeReturnPath(redirectTo))
            : Form(http, antiforgery, login, redirectTo, Failure);
    }

    internal static async Task<IResult> ShowCodeFormAsync(HttpContext http, IAntiforgery antiforgery, SignInManager<User> signIn, UserStore store,
        [FromQuery(Name = "redirect_to")] string? redirectTo, [FromQuery(Name = "rememberme")] string? remember) =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user
            ? TypedResults.Redirect("/login")
            : CodeForm(http, antiforgery, redirectTo, remember, error: null,
                recoveryOnly: await store.NeedsNewAuthenticatorAsync(user, http.RequestAborted));

    internal static async Task<IResult> SubmitCodeAsync(
        HttpContext http, IAntiforgery antiforgery, SignInManager<User> signIn, UserManager<User> users, UserStore store, ActivityLog activity,
        LoginThrottle throttle, [FromForm(Name = "code")] string? code,
        [FromForm(Name = "rememberme")] string? remember, [FromForm(Name = "redirect_to")] string? redirectTo)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            // The five minutes between password and code ran out, or there was no password step at all.
            return TypedResults.Redirect("/login");
        }
        // Two-factor is on but the app's key cannot be read: only a recovery code can pass, and the page says so.
        var recoveryOnly = await store.NeedsNewAuthenticatorAsync(user, http.RequestAborted);
        var given = TwoFactor.Digits(code);
        var usesRecoveryCode = !(given.Length == 6 && given.All(char.IsAsciiDigit));
        var address = LoginThrottle.Address(http);
        SignInResult result;
        Guess? guess = null;
        if (given.Length is 0 or > 64)
        {
            result = SignInResult.Failed;
        }
        else if ((guess = await throttle.TryClaimAsync(user, address)) is null)
        {
            // Slowed down (see LoginThrottle): not checked, and not counted.
            result = SignInResult.LockedOut;
        }
        else if (!usesRecoveryCode)
        {
            result = await signIn.TwoFactorAuthenticatorSignInAsync(given, isPersistent: remember is not null, rememberClient: false);
        }
        else
        {
            // Recovery codes are stored as "XXXXX-XXXXX", and typed with or without the dash.
            var formatted = given.Length == 10 ? $"{given[..5]}-{given[5..]}" : given;
            result = await signIn.TwoFactorRecoveryCodeSignInAsync(formatted.ToUpperInvariant());
        }
        if (!result.Succeeded)
        {
            if (guess is not null)
            {
                await throttle.FailedAsync(user, guess);
            }
            await activity.RecordAsync(http, ActivityActions.LoginFailed, user.Login, user.Id,
                result.IsLockedOut ? "account slowed down; code not checked" : recoveryOnly ? "authenticator key unreadable; needs a recovery code" : "wrong two-factor code");
            return CodeForm(http, antiforgery, redirectTo, remember, CodeFailure, recoveryOnly);
        }
        await throttle.SucceededAsync(user, address);
        if (usesRecoveryCode)
        {
            await activity.RecordAsync(http, ActivityActions.RecoveryCodeUsed, user.Login, user.Id,
                $"{await users.CountRecoveryCodesAsync(user)} left");
        }
        await activity.RecordAsync(http, ActivityActions.LoggedIn, user.Login, user.Id);
        if (recoveryOnly)
        {
            // Every sign-in until then uses up a recovery code; the two-factor page asks for a new app first thing.
            await activity.RecordAsync(http, ActivityActions.AuthenticatorUnreadable, user.Login, user.Id,
                "the stored key could not be decrypted; asked to set up a new authenticator");
            return TypedResults.LocalRedirect("/admin/profile/two-factor");
        }
        return TypedResults.LocalRedirect(SafeReturnPath(redirectTo));
    }

    private const string CodeFailure = "That code is not right, or the account is slowed down for a while. Try the newest code.";

    public sealed record CodeModel(AntiforgeryTokenSet Antiforgery, string RedirectTo, bool Remember, string? Error, bool RecoveryOnly);

    private static RazorComponentResult CodeForm(HttpContext http, IAntiforgery antiforgery, string? redirectTo, string? remember, string? error,
        bool recoveryOnly) =>
        AdminFeature.Screen<TwoFactorCodeScreen>(new CodeModel(
            antiforgery.GetAndStoreTokens(http), SafeReturnPath(redirectTo), remember is not null, error, recoveryOnly));

    internal static async Task<IResult> LogOutAsync(HttpContext http, SignInManager<User> signIn, ActivityLog activity, IFormCollection form)
    {
        if (http.User.Identity?.Name is { } name)
        {
            await activity.RecordAsync(http, ActivityActions.LoggedOut, name);
        }
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/login?loggedout=true");
    }

    /// <summary>Where a sign-in goes on: the path asked for when it is one on this site, else the admin.</summary>
    private static string SafeReturnPath(string? path) => ReturnPath.Safe(path, "/admin");

    public sealed record LogInModel(AntiforgeryTokenSet Antiforgery, string Login, string RedirectTo, string? Status, string? Error);

    private static RazorComponentResult Form(HttpContext http, IAntiforgery antiforgery, string login, string? redirectTo, string? error)
    {
        var status = error is not null ? null
            : http.Request.Query.ContainsKey("loggedout") ? "You are now logged out."
            : http.Request.Query.ContainsKey("reset") ? "Your password has been reset. Log in with it."
            : null;
        return AdminFeature.Screen<LogInScreen>(new LogInModel(antiforgery.GetAndStoreTokens(http), login, SafeReturnPath(redirectTo), status, error));
    }
}
