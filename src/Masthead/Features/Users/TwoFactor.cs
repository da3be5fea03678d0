using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
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
        HttpContext http, SignedInUser me, UserManager<User> users, UserStore store, IAntiforgery antiforgery, AppDbContext db, SiteSettingsCache settings,
        IDataProtectionProvider protection)
    {
        var user = me.Account;
        var notice = http.Request.Query["done"].ToString() == "disabled" ? "Two-factor sign-in is off." : null;
        return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, notice, errors: [], recoveryCodes: null);
    }

    /// <summary>
    /// Turns two-factor on, or sets up a new app when the stored key can no longer be read. It takes the current
    /// password (a borrowed session cannot tie the account to someone else's phone) and a code from the key the page
    /// offered, which is stored only now.
    /// </summary>
    internal static async Task<IResult> EnableAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, UserStore store, SignInManager<User> signIn, IAntiforgery antiforgery,
        AppDbContext db, SiteSettingsCache settings, ActivityLog activity, IDataProtectionProvider protection, OneTimeCodes oneTimeCodes, LoginThrottle throttle,
        [FromForm(Name = "code")] string? code, [FromForm(Name = "current_password")] string? password,
        [FromForm(Name = "candidate")] string? candidate)
    {
        var user = me.Account;
        var replacing = await store.NeedsNewAuthenticatorAsync(user, http.RequestAborted);
        if (await users.GetTwoFactorEnabledAsync(user) && !replacing)
        {
            return TypedResults.Redirect(Path);
        }
        var page = new PageParts(http, antiforgery, users, store, db, settings, protection);
        var key = UnprotectCandidate(protection, user, candidate);
        FieldError? error = null;
        // The password first: a wrong one must not use up the code's time step.
        if (await throttle.ConfirmPasswordAsync(users, user, password) is { } wrong)
        {
            error = new("enable_password", wrong);
        }
        else if (key is null)
        {
            error = new("code", "The setup page was open too long. Add the new key below to your app, then enter its code.");
        }
        else if (!await oneTimeCodes.ValidateWithKeyAsync(user, key, Digits(code)))
        {
            error = new("code", "Code: that is not the code for the key on this page. Each time this page opens it shows a new key: if you "
                + "scanned an earlier one, remove that entry from your app and scan the code below. Otherwise check the app's clock.");
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
        HttpContext http, SignedInUser me, UserManager<User> users, UserStore store, IAntiforgery antiforgery, AppDbContext db,
        SiteSettingsCache settings, ActivityLog activity, IDataProtectionProvider protection, LoginThrottle throttle,
        [FromForm(Name = "proof")] string? proof)
    {
        var user = me.Account;
        if (!await users.GetTwoFactorEnabledAsync(user) || !await ConfirmAsync(users, throttle, user, proof))
        {
            return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, notice: null, [new("renew_proof", ProofError)], recoveryCodes: null);
        }
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        await activity.RecordAsync(http, ActivityActions.RecoveryCodesRenewed, user.Login, user.Id);
        return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, "New recovery codes made; the old ones no longer work.", errors: [], codes);
    }

    internal static async Task<IResult> DisableAsync(
        HttpContext http, SignedInUser me, UserManager<User> users, UserStore store, SignInManager<User> signIn, IAntiforgery antiforgery,
        AppDbContext db, SiteSettingsCache settings, ActivityLog activity, IDataProtectionProvider protection, LoginThrottle throttle,
        [FromForm(Name = "proof")] string? proof)
    {
        var user = me.Account;
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            return TypedResults.Redirect(Path);
        }
        if (!await ConfirmAsync(users, throttle, user, proof))
        {
            return await PageAsync(new(http, antiforgery, users, store, db, settings, protection), user, notice: null, [new("disable_proof", ProofError)], recoveryCodes: null);
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

    private static async Task<RazorComponentResult> PageAsync(
        PageParts page, User user, string? notice, List<FieldError> errors, List<string>? recoveryCodes, string? candidateKey = null)
    {
        var (http, users, store) = (page.Http, page.Users, page.Store);
        var state = await store.NeedsNewAuthenticatorAsync(user, http.RequestAborted) ? TwoFactorState.NeedsNewApp
            : await users.GetTwoFactorEnabledAsync(user) ? TwoFactorState.On
            : TwoFactorState.Off;
        var left = state == TwoFactorState.Off ? 0 : await store.CountCodesAsync(user, http.RequestAborted);
        var setup = state == TwoFactorState.On ? null : await SetupAsync(page, user, candidateKey);
        return AdminFeature.Screen<TwoFactorScreen>(new TwoFactorModel(
            await AdminChrome.ForAsync(http, page.Db, page.Settings, page.Antiforgery), notice, errors, state, left, recoveryCodes, setup));
    }

    /// <summary>A new key as a QR code and as text, and its encrypted copy for the form that confirms it.</summary>
    private static async Task<AuthenticatorSetup> SetupAsync(PageParts page, User user, string? candidateKey)
    {
        var key = candidateKey ?? page.Users.GenerateNewAuthenticatorKey();
        var candidate = CandidateKeys(page.Protection, user).Protect(key, CandidateLifetime);
        var issuer = (await page.Settings.GetAsync(page.Db)).Title is { Length: > 0 } title ? title : "Masthead";
        var uri = $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(user.Login)}?secret={key}&issuer={Uri.EscapeDataString(issuer)}&digits=6";
        var (path, size) = QrPath(uri);
        return new AuthenticatorSetup(Grouped(key), candidate, path, size);
    }

    /// <summary>"JBSW Y3DP …": easier to type into an app than 32 letters in a row.</summary>
    private static string Grouped(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - (i * 4)))));

    /// <summary>
    /// The QR code as SVG path data (one unit square per dark module, the quiet zone included) and its width in
    /// modules: the screen draws it, so no markup is made here.
    /// </summary>
    private static (string Path, int Size) QrPath(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var rows = data.ModuleMatrix;
        var path = new StringBuilder();
        for (var y = 0; y < rows.Count; y++)
        {
            for (var x = 0; x < rows[y].Length; x++)
            {
                if (rows[y][x])
                {
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }
        return (path.ToString(), rows.Count);
    }
}

/// <summary>Where the user's two-factor sign-in stands.</summary>
public enum TwoFactorState { Off, On, NeedsNewApp }

/// <summary>An authenticator key being offered: as text, encrypted for the form, and as a QR code's path.</summary>
/// <param name="GroupedKey">The key in groups of four.</param>
/// <param name="Candidate">The key encrypted for this user and stamp, sent back with the code.</param>
/// <param name="QrPath">SVG path data of the QR code's dark modules.</param>
/// <param name="QrSize">The QR code's width and height in modules.</param>
public sealed record AuthenticatorSetup(string GroupedKey, string Candidate, string QrPath, int QrSize);

/// <summary>The two-factor screen: its state, what went wrong, new recovery codes (shown once) and the key being set up.</summary>
public sealed record TwoFactorModel(
    AdminChrome Chrome, string? Notice, IReadOnlyList<FieldError> Errors, TwoFactorState State, int CodesLeft,
    IReadOnlyList<string>? RecoveryCodes, AuthenticatorSetup? Setup)
{
    public string? ErrorFor(string field) => FieldError.For(Errors, field);
}
