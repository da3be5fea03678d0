using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Mail;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Users;

/// <summary>
/// "Lost your password?": a link by e-mail that sets a new one. The answer never says whether an account exists;
/// a link works once (it is bound to the security stamp, which the reset changes) and for an hour.
/// </summary>
public static partial class LostPassword
{
    private const string Sent = "If that account exists, a link to choose a new password is on its way to its e-mail address.";

    /// <summary>The request form (with a token), or the answer after it was sent (with <see cref="Sent"/>).</summary>
    public sealed record RequestModel(AntiforgeryTokenSet? Antiforgery, string? Sent);

    public sealed record ResetModel(AntiforgeryTokenSet Antiforgery, string Login, string Key, string? Error);

    internal static IResult ShowRequestForm(HttpContext http, IAntiforgery antiforgery) =>
        AdminFeature.Screen<LostPasswordScreen>(new RequestModel(antiforgery.GetAndStoreTokens(http), null));

    /// <summary>What the outbox calls a reset message still to be written; its input is the name the form was given.</summary>
    internal const string MailKind = "lost-password";

    /// <summary>
    /// The request does the same for every name: it queues a message to be written later and writes one activity
    /// entry, in one save. Whether the account exists, its token and its message are all found out and made by the
    /// mail worker after the answer has gone, so neither the answer nor its timing can tell a real account from a
    /// made-up one.
    /// </summary>
    internal static async Task<IResult> RequestAsync(
        HttpContext http, Outbox mail, ActivityLog activity, [FromForm(Name = "user_login")] string? login)
    {
        var name = (login ?? "").Trim();
        if (name.Length is > 0 and <= 100)
        {
            await mail.EnqueueToComposeAsync(MailKind, name, http.RequestAborted);
        }
        // Saves the queued message with the entry.
        await activity.RecordAsync(http, ActivityActions.PasswordResetRequested, name);
        return AdminFeature.Screen<LostPasswordScreen>(new RequestModel(null, Sent));
    }

    /// <summary>In the mail worker: the reset message for the account the form named, or nothing if there is none.</summary>
    internal static async Task<OutgoingMail?> ComposeResetMailAsync(IServiceProvider services, string name, CancellationToken cancellationToken)
    {
        if (await services.GetRequiredService<UserStore>().FindByLoginOrEmailAsync(name, cancellationToken) is not { } user)
        {
            return null;
        }
        // The link names the site's stored address, never the Host header a request carries: anyone can send any
        // Host (even from the server itself, through a proxy), and a reset link to their host hands them the account.
        var db = services.GetRequiredService<AppDbContext>();
        if ((await services.GetRequiredService<SiteSettingsCache>().GetAsync(db)).HomeUrl is not { Length: > 0 } siteAddress)
        {
            LogNoSiteAddress(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LostPassword)));
            return null;
        }
        var key = await services.GetRequiredService<UserManager<User>>().GeneratePasswordResetTokenAsync(user);
        var link = $"{siteAddress}/login/reset?login={Uri.EscapeDataString(user.Login)}&key={Uri.EscapeDataString(key)}";
        return new OutgoingMail(user.Email, "Password reset", $"""
            Someone asked to reset the password of the account "{user.Login}".
            If it was not you, ignore this message and nothing will change.

            To choose a new password, open this link within an hour:
            {link}
            """);
    }

    internal static IResult ShowResetForm(HttpContext http, IAntiforgery antiforgery,
        [FromQuery(Name = "login")] string? login, [FromQuery(Name = "key")] string? key) =>
        ResetForm(http, antiforgery, login, key, error: null);

    internal static async Task<IResult> ResetAsync(
        HttpContext http, IAntiforgery antiforgery, UserManager<User> users, ActivityLog activity, LoginThrottle throttle,
        [FromForm(Name = "login")] string? login, [FromForm(Name = "key")] string? key,
        [FromForm(Name = "pass1")] string? password, [FromForm(Name = "pass2")] string? confirmation)
    {
        if (password != confirmation)
        {
            return ResetForm(http, antiforgery, login, key, "The two passwords differ.");
        }
        var user = login is { Length: > 0 and <= 100 } ? await users.FindByNameAsync(login) : null;
        var result = user is null
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken" })
            : await users.ResetPasswordAsync(user, key ?? "", password ?? "");
        if (!result.Succeeded)
        {
            var invalidLink = result.Errors.Any(e => e.Code == "InvalidToken");
            return ResetForm(http, antiforgery, login, key, invalidLink
                ? "This link is not valid any more: it was used already or is over an hour old. Ask for a new one."
                : string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        await throttle.EndRunAsync(user!);
        await activity.RecordAsync(http, ActivityActions.PasswordReset, user!.Login, user.Id);
        return TypedResults.Redirect("/login?reset=true");
    }

    private static RazorComponentResult ResetForm(HttpContext http, IAntiforgery antiforgery, string? login, string? key, string? error) =>
        AdminFeature.Screen<ResetPasswordScreen>(new ResetModel(antiforgery.GetAndStoreTokens(http), login ?? "", key ?? "", error));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A password reset was asked for, but no site address is stored, so no link was sent. Set it in Settings → General (or MASTHEAD_SITE_URL before the first run); links are never built from the request's Host header.")]
    private static partial void LogNoSiteAddress(ILogger logger);


}
