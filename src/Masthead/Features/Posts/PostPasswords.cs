using System.Globalization;
using System.Security.Cryptography;
using Masthead.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Posts;

/// <summary>
/// Password-protected posts, as WordPress does them: the reader gives the password once, and a cookie remembers the
/// last one given for ten days. The cookie holds the password encrypted and signed by the site's data-protection
/// keys, so it can be neither read nor forged.
/// </summary>
public static class PostPasswords
{
    public const string CookieName = "masthead_postpass";
    private const string Purpose = "Masthead.PostPassword";

    public static void MapPostPasswords(this IEndpointRouteBuilder app) =>
        // No antiforgery token: the form sits on public, cacheable pages, and a forged submission can only make a
        // visitor's own browser remember a password they did not type.
        app.MapPost("/postpass", Unlock).DisableAntiforgery();

    /// <summary>The password form that stands in for a protected post's text.</summary>
    public static string Form(int postId, string returnTo)
    {
        var id = postId.ToString(CultureInfo.InvariantCulture);
        return $"""
            <form class="post-password-form" method="post" action="/postpass">
            <p>This content is password protected. To view it, please enter the password below.</p>
            <p><label for="pwbox-{id}">Password</label> <input name="post_password" id="pwbox-{id}" type="password" maxlength="{Post.MaxPasswordLength}" autocomplete="off" required>
            <input type="hidden" name="redirect_to" value="{System.Net.WebUtility.HtmlEncode(returnTo)}"> <button type="submit">Enter</button></p>
            </form>
            """;
    }

    /// <summary>The password this reader gave last, or null.</summary>
    public static string? Given(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie) || cookie.Length is 0 or > 2048)
        {
            return null;
        }
        try
        {
            return Protector(http).Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            // A cookie from rotated-out keys or a tampered one counts as no password given.
            return null;
        }
    }

    private static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static RedirectHttpResult Unlock(HttpContext http, [FromForm(Name = "post_password")] string? password, [FromForm(Name = "redirect_to")] string? returnTo)
    {
        password ??= "";
        if (password.Length is > 0 and <= Post.MaxPasswordLength)
        {
            http.Response.Cookies.Append(CookieName, Protector(http).Protect(password), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = http.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(10),
                Path = "/",
            });
        }
        return TypedResults.Redirect(ReturnPath.Safe(returnTo, "/"));
    }
}
