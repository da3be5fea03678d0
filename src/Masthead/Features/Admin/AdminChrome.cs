using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;

namespace Masthead.Features.Admin;

/// <summary>What the admin shell around every screen needs from the request: who is signed in, where they are.</summary>
/// <param name="SiteTitle">The site's name, linking to the site from the top bar.</param>
/// <param name="DisplayName">The signed-in user's name as the byline shows it.</param>
/// <param name="Role">Their role, which decides the menu.</param>
/// <param name="CurrentPath">The screen's path, marked current in the menu.</param>
/// <param name="Antiforgery">The token the shell's own forms (Log Out) and the screen's forms carry.</param>
public sealed record AdminChrome(string SiteTitle, string DisplayName, string Role, string CurrentPath, AntiforgeryTokenSet Antiforgery)
{
    public bool Can(string capability) => Roles.Can(Role, capability);

    /// <summary>The comments waiting for this user's moderation: the bubble beside Comments in the menu.</summary>
    public int PendingComments { get; init; }

    /// <summary>The initials shown in the top bar in place of a picture.</summary>
    public string Initials => Words.Initials(DisplayName);

    public static async Task<AdminChrome> ForAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery)
    {
        var site = await settings.GetAsync(db);
        var user = http.User;
        var pending = CommentPermissions.CanUseScreen(user) && http.RequestServices.GetService<CommentStateCountsCache>() is { } counts
            ? (await counts.GetAsync(db)).PendingFor(user) : 0;
        return new AdminChrome(
            site.Title,
            user.FindFirstValue("display_name") ?? user.Identity?.Name ?? "",
            user.FindFirstValue(ClaimTypes.Role) ?? "",
            http.Request.Path.Value ?? "/admin",
            antiforgery.GetAndStoreTokens(http))
        { PendingComments = pending };
    }
}
