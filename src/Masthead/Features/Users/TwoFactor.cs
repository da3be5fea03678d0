using System.Globalization;
using System.Security.Cryptography;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Masthead.Features.Users;

/// <summary>
/// Two-step sign-in with an authenticator app (TOTP, RFC 6238) and ten one-time recovery codes, set up from the
/// profile. Identity does the checking; this file holds the pages. Turning it on or off changes the security stamp,
/// so other sessions end within a minute.
/// </summary>
public static class TwoFactor
{
    private const int RecoveryCodeCount = 10;
    private const string Path = "/admin/profile/two-factor";

    internal static async Task<IResult> ShowAsync(
        HttpContext http, UserManager<User> users, UserStore store, IAntiforgery antiforgery, AppDbContext db, SiteSettingsCache settings,
        IDataProtectionProvider protection)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        var notice = http.Request.Query["done"].ToString() == "disabled" ? "Two-factor sign-in is off." : null;
        return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, notice, errors: [], recoveryCodes: null);
    }

    /// <summary>
    /// Turns two-factor on, or sets up a new app when the stored key can no longer be read. It takes the current
    /// password (a borrowed session cannot tie the account to someone else's phone) and a code from the key the page
    /// offered, which is stored only now.
    /// </summary>
    internal static async Task<IResult> EnableAsync(
        HttpContext http, UserManager<User> users, UserStore store, SignInManager<User> signIn, IAntiforgery antiforgery,
        AppDbContext db, SiteSettingsCache settings, ActivityLog activity, IDataProtectionProvider protection, OneTimeCodes oneTimeCodes, LoginThrottle throttle,
        [FromForm(Name = "code")] string? code, [FromForm(Name = "current_password")] string? password,
        [FromForm(Name = "candidate")] string? candidate)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        var replacing = await store.NeedsNewAuthenticatorAsync(user, http.RequestAborted);
        if (await users.GetTwoFactorEnabledAsync(user) && !replacing)
        {
            return TypedResults.Redirect(Path);
        }
        var page = new PageParts(http, antiforgery, users, store, db, settings, protection);
        var key = UnprotectCandidate(protection, user, candidate);
        string? error = null;
        // The password first: a wrong one must not use up the code's time step.
        if (await throttle.ConfirmPasswordAsync(users, user, password) is { } wrong)
        {
            error = wrong;
        }
        else if (key is null)
        {
            error = "The setup page was open too long. Add the new key below to your app, then enter its code.";
        }
        else if (!await oneTimeCodes.ValidateWithKeyAsync(user, key, Digits(code)))
        {
            error = "Code: that is not the code for the key on this page. Each time this page opens it shows a new key: if you "
                + "scanned an earlier one, remove that entry from your app and scan the code below. Otherwise check the app's clock.";
        }
        if (error is not null)
        {
            return await PageAsync(page, user, notice: null, [error], recoveryCodes: null, candidateKey: key);
        }
        await store.SetAuthenticatorKeyAsync(user, key!, http.RequestAborted);
        // Saves the key and the flag together and changes the security stamp.
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, replacing ? ActivityActions.AuthenticatorReplaced : ActivityActions.TwoFactorEnabled, user.Login, user.Id);
        return await PageAsync(page, user, replacing ? "Your new authenticator app is set up." : "Two-factor sign-in is on.", errors: [], codes);
    }

    internal static async Task<IResult> RenewRecoveryCodesAsync(
        HttpContext http, UserManager<User> users, UserStore store, IAntiforgery antiforgery, AppDbContext db,
        SiteSettingsCache settings, ActivityLog activity, IDataProtectionProvider protection, LoginThrottle throttle,
        [FromForm(Name = "proof")] string? proof)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        if (!await users.GetTwoFactorEnabledAsync(user) || !await ConfirmAsync(users, throttle, user, proof))
        {
            return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, notice: null, [ProofError], recoveryCodes: null);
        }
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        await activity.RecordAsync(http, ActivityActions.RecoveryCodesRenewed, user.Login, user.Id);
        return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, "New recovery codes made; the old ones no longer work.", errors: [], codes);
    }

    internal static async Task<IResult> DisableAsync(
        HttpContext http, UserManager<User> users, UserStore store, SignInManager<User> signIn, IAntiforgery antiforgery,
        AppDbContext db, SiteSettingsCache settings, ActivityLog activity, IDataProtectionProvider protection, LoginThrottle throttle,
        [FromForm(Name = "proof")] string? proof)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            return TypedResults.Redirect(Path);
        }
        if (!await ConfirmAsync(users, throttle, user, proof))
        {
            return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, notice: null, [ProofError], recoveryCodes: null);
        }
        await TurnOffAsync(users, store, user, http.RequestAborted);
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.TwoFactorDisabled, user.Login, user.Id);
        return TypedResults.Redirect(Path + "?done=disabled");
    }

    /// <summary>
    /// Two-factor off, the key and the recovery codes gone (the app entry set up before cannot serve again if it is
    /// turned back on), and a new security stamp, so every other session ends at its next check.
    /// </summary>
    internal static async Task TurnOffAsync(UserManager<User> users, UserStore store, User user, CancellationToken cancellationToken)
    {
        await store.RemoveAuthenticatorKeyAsync(user, cancellationToken);
        await store.ReplaceCodesAsync(user, [], cancellationToken);
        // Saves all three with the new stamp.
        await users.SetTwoFactorEnabledAsync(user, false);
    }

    private const string ProofError = "Confirm with your current password or a code from your authenticator app.";

    /// <summary>
    /// A change to two-factor takes the password or a current code, so a borrowed session cannot make one. Wrong
    /// answers count toward the same slow-down as sign-in, and here even the usual address is slowed down, so the
    /// proof cannot be guessed at leisure from a borrowed session.
    /// </summary>
    private static async Task<bool> ConfirmAsync(UserManager<User> users, LoginThrottle throttle, User user, string? proof)
    {
        if (await throttle.TryClaimAsync(user, "", trustKnownAddresses: false) is not { } guess)
        {
            return false;
        }
        proof ??= "";
        var digits = Digits(proof);
        var confirmed = digits.Length == 6 && digits.All(char.IsAsciiDigit)
            ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits)
            : proof.Length is > 0 and <= PasswordRules.MaxLength && await users.CheckPasswordAsync(user, proof);
        if (confirmed)
        {
            await throttle.RefundAsync(user, guess);
        }
        else
        {
            await throttle.FailedAsync(user, guess);
        }
        return confirmed;
    }

    /// <summary>
    /// The key offered on the setup page travels in the form, encrypted for this user and their current security
    /// stamp, for fifteen minutes; nothing is stored until the code from it comes back, so showing the page changes
    /// nothing and an old page cannot be used once two-factor has been set up.
    /// </summary>
    private static ITimeLimitedDataProtector CandidateKeys(IDataProtectionProvider protection, User user) =>
        protection.CreateProtector("Masthead.Users.CandidateAuthenticatorKey", user.Id.ToString(CultureInfo.InvariantCulture), user.SecurityStamp)
            .ToTimeLimitedDataProtector();

    private static readonly TimeSpan CandidateLifetime = TimeSpan.FromMinutes(15);

    private static string? UnprotectCandidate(IDataProtectionProvider protection, User user, string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 1000)
        {
            return null;
        }
        try
        {
            return CandidateKeys(protection, user).Unprotect(candidate);
        }
        catch (CryptographicException)
        {
            // Expired, made for another user or stamp, or tampered with: the page offers a fresh key instead.
            return null;
        }
    }

    /// <summary>What every two-factor page needs to draw itself.</summary>
    private sealed record PageParts(HttpContext Http, IAntiforgery Antiforgery, UserManager<User> Users, UserStore Store,
        AppDbContext Db, SiteSettingsCache Settings, IDataProtectionProvider Protection);

    /// <summary>Codes are often typed as "123 456".</summary>
    internal static string Digits(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    private static async Task<ContentHttpResult> PageAsync(
        PageParts page, User user, string? notice, List<string> errors, List<string>? recoveryCodes, string? candidateKey = null)
    {
        var (http, users, store) = (page.Http, page.Users, page.Store);
        var token = PlainPage.AntiforgeryField(http, page.Antiforgery);
        var codes = recoveryCodes is null ? "" : $"""
            <h2>Your recovery codes</h2>
            <p>Each code signs you in once if your phone is lost. Keep them somewhere safe: they are shown only now.</p>
            <ul id="recovery-codes">{string.Concat(recoveryCodes.Select(c => $"<li><code>{PlainPage.Encode(c)}</code></li>"))}</ul>
            """;
        string body;
        if (await store.NeedsNewAuthenticatorAsync(user, http.RequestAborted))
        {
            var left = await store.CountCodesAsync(user, http.RequestAborted);
            body = $"""
                {PlainPage.Messages(notice, errors)}
                <p role="alert">Your authenticator app could not be checked (this site lost the key it was set up with), so for now
                only your recovery codes sign you in; {left} are left. Set the app up again: remove this site's old entry from it, then
                add the new key below.</p>
                {await SetupFormAsync(page, user, token, candidateKey, "Set Up the New Authenticator")}
                """;
        }
        else if (await users.GetTwoFactorEnabledAsync(user))
        {
            var left = await store.CountCodesAsync(user, http.RequestAborted);
            body = $"""
                {PlainPage.Messages(notice, errors)}{codes}
                <p>Two-factor sign-in is <strong>on</strong>: after your password, you enter the code your authenticator app shows.
                {left} recovery codes left.</p>
                <h2>New recovery codes</h2>
                <form method="post" action="{Path}/recovery-codes">{token}
                <p><label for="renew_proof">Current password or authenticator code</label><br><input id="renew_proof" name="proof" type="password" autocomplete="current-password" required maxlength="{PasswordRules.MaxLength}"></p>
                <p><button type="submit">Make New Recovery Codes</button></p>
                </form>
                <h2>Turn off</h2>
                <form method="post" action="{Path}/disable">{token}
                <p><label for="disable_proof">Current password or authenticator code</label><br><input id="disable_proof" name="proof" type="password" autocomplete="current-password" required maxlength="{PasswordRules.MaxLength}"></p>
                <p><button type="submit">Turn Off Two-Factor Sign-In</button></p>
                </form>
                """;
        }
        else
        {
            body = $"""
                {PlainPage.Messages(notice, errors)}
                <p>Two-factor sign-in is <strong>off</strong>. To turn it on, add this site to an authenticator app on your phone
                by scanning the code, or by typing the key below, then enter the six-digit code the app shows.</p>
                {await SetupFormAsync(page, user, token, candidateKey, "Turn On Two-Factor Sign-In")}
                """;
        }
        return PlainPage.Result("Two-Factor Sign-In", body + "<p><a href=\"/admin/profile\">Back to your profile</a></p>");
    }

    /// <summary>A new key as a QR code and as text, and the form that confirms it with a code and the password.</summary>
    private static async Task<string> SetupFormAsync(PageParts page, User user, string token, string? candidateKey, string button)
    {
        var key = candidateKey ?? page.Users.GenerateNewAuthenticatorKey();
        var candidate = CandidateKeys(page.Protection, user).Protect(key, CandidateLifetime);
        var issuer = (await page.Settings.GetAsync(page.Db)).Title is { Length: > 0 } title ? title : "Masthead";
        var uri = $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(user.Login)}?secret={key}&issuer={Uri.EscapeDataString(issuer)}&digits=6";
        return $"""
            <figure><div role="img" aria-label="QR code for your authenticator app">{QrSvg(uri)}</div>
            <figcaption>Key: <code id="authenticator-key">{PlainPage.Encode(Grouped(key))}</code></figcaption></figure>
            <form method="post" action="{Path}">{token}
            <input type="hidden" name="candidate" value="{PlainPage.Encode(candidate)}">
            <p><label for="code">Code from the app</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" required maxlength="7"></p>
            <p><label for="enable_password">Current password</label><br><input id="enable_password" name="current_password" type="password" autocomplete="current-password" required maxlength="{PasswordRules.MaxLength}"></p>
            <p><button type="submit">{PlainPage.Encode(button)}</button></p>
            </form>
            """;
    }

    /// <summary>"JBSW Y3DP …": easier to type into an app than 32 letters in a row.</summary>
    private static string Grouped(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - (i * 4)))));

    private static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(4);
    }
}
