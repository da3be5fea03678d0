using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
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
        HttpContext http, UserManager<User> users, UserStore store, IAntiforgery antiforgery, AppDbContext db, SiteSettingsCache settings)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        var notice = http.Request.Query["done"].ToString() == "disabled" ? "Two-factor sign-in is off." : null;
        return await PageAsync(http, antiforgery, users, store, db, settings, user, notice, errors: [], recoveryCodes: null);
    }

    internal static async Task<IResult> EnableAsync(
        HttpContext http, UserManager<User> users, UserStore store, SignInManager<User> signIn, IAntiforgery antiforgery,
        AppDbContext db, SiteSettingsCache settings, ActivityLog activity, [FromForm(Name = "code")] string? code)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return TypedResults.Redirect(Path);
        }
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Digits(code)))
        {
            return await PageAsync(http, antiforgery, users, store, db, settings, user, notice: null,
                ["Code: that is not the code your app shows now. Check the app's clock, then try the newest code."], recoveryCodes: null);
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.TwoFactorEnabled, user.Login, user.Id);
        return await PageAsync(http, antiforgery, users, store, db, settings, user, "Two-factor sign-in is on.", errors: [], codes);
    }

    internal static async Task<IResult> RenewRecoveryCodesAsync(
        HttpContext http, UserManager<User> users, UserStore store, IAntiforgery antiforgery, AppDbContext db,
        SiteSettingsCache settings, ActivityLog activity, [FromForm(Name = "proof")] string? proof)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return TypedResults.Redirect("/login");
        }
        if (!await users.GetTwoFactorEnabledAsync(user) || !await ConfirmAsync(users, user, proof))
        {
            return await PageAsync(http, antiforgery, users, store, db, settings, user, notice: null, [ProofError], recoveryCodes: null);
        }
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        await activity.RecordAsync(http, ActivityActions.RecoveryCodesRenewed, user.Login, user.Id);
        return await PageAsync(http, antiforgery, users, store, db, settings, user, "New recovery codes made; the old ones no longer work.", errors: [], codes);
    }

    internal static async Task<IResult> DisableAsync(
        HttpContext http, UserManager<User> users, UserStore store, SignInManager<User> signIn, IAntiforgery antiforgery,
        AppDbContext db, SiteSettingsCache settings, ActivityLog activity, [FromForm(Name = "proof")] string? proof)
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
        if (!await ConfirmAsync(users, user, proof))
        {
            return await PageAsync(http, antiforgery, users, store, db, settings, user, notice: null, [ProofError], recoveryCodes: null);
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        // A new key, so the app entry set up before cannot serve again if two-factor is turned back on.
        await users.ResetAuthenticatorKeyAsync(user);
        await store.ReplaceCodesAsync(user, [], http.RequestAborted);
        await users.UpdateAsync(user);
        await signIn.RefreshSignInAsync(user);
        await activity.RecordAsync(http, ActivityActions.TwoFactorDisabled, user.Login, user.Id);
        return TypedResults.Redirect(Path + "?done=disabled");
    }

    private const string ProofError = "Confirm with your current password or a code from your authenticator app.";

    /// <summary>
    /// A change to two-factor takes the password or a current code, so a borrowed session cannot make one. Wrong
    /// answers count toward the same lockout as sign-in, so the proof cannot be guessed at leisure.
    /// </summary>
    private static async Task<bool> ConfirmAsync(UserManager<User> users, User user, string? proof)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return false;
        }
        proof ??= "";
        var digits = Digits(proof);
        var confirmed = digits.Length == 6 && digits.All(char.IsAsciiDigit)
            ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits)
            : proof.Length is > 0 and <= PasswordRules.MaxLength && await users.CheckPasswordAsync(user, proof);
        if (!confirmed)
        {
            await users.AccessFailedAsync(user);
        }
        return confirmed;
    }

    /// <summary>Codes are often typed as "123 456".</summary>
    internal static string Digits(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    private static async Task<ContentHttpResult> PageAsync(
        HttpContext http, IAntiforgery antiforgery, UserManager<User> users, UserStore store, AppDbContext db, SiteSettingsCache settings,
        User user, string? notice, List<string> errors, List<string>? recoveryCodes)
    {
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var messages = PlainPage.Messages(notice, errors);
        var codes = recoveryCodes is null ? "" : $"""
            <h2>Your recovery codes</h2>
            <p>Each code signs you in once if your phone is lost. Keep them somewhere safe: they are shown only now.</p>
            <ul id="recovery-codes">{string.Concat(recoveryCodes.Select(c => $"<li><code>{PlainPage.Encode(c)}</code></li>"))}</ul>
            """;
        string body;
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var left = await store.CountCodesAsync(user, http.RequestAborted);
            body = $"""
                {messages}{codes}
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
                <p><a href="/admin/profile">Back to your profile</a></p>
                """;
        }
        else
        {
            var key = await users.GetAuthenticatorKeyAsync(user);
            if (string.IsNullOrEmpty(key))
            {
                // Stored now but not in use until a code confirms it; showing the page again shows the same key.
                await store.SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), http.RequestAborted);
                await users.UpdateAsync(user);
                key = (await users.GetAuthenticatorKeyAsync(user))!;
            }
            var issuer = (await settings.GetAsync(db)).Title is { Length: > 0 } title ? title : "Masthead";
            var uri = $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(user.Login)}?secret={key}&issuer={Uri.EscapeDataString(issuer)}&digits=6";
            body = $"""
                {messages}
                <p>Two-factor sign-in is <strong>off</strong>. To turn it on, add this site to an authenticator app on your phone
                by scanning the code, or by typing the key below, then enter the six-digit code the app shows.</p>
                <figure><div role="img" aria-label="QR code for your authenticator app">{QrSvg(uri)}</div>
                <figcaption>Key: <code id="authenticator-key">{PlainPage.Encode(Grouped(key))}</code></figcaption></figure>
                <form method="post" action="{Path}">{token}
                <p><label for="code">Code from the app</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" required maxlength="7"></p>
                <p><button type="submit">Turn On Two-Factor Sign-In</button></p>
                </form>
                <p><a href="/admin/profile">Back to your profile</a></p>
                """;
        }
        return PlainPage.Result("Two-Factor Sign-In", body);
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
