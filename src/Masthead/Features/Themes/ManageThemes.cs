using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Themes;

/// <summary>
/// The Themes screen (administrators: <c>switch_themes</c>): the themes found on disk, the active one marked, and
/// Activate for the others. A theme that does not load (a missing parent, a broken manifest) is refused with the reason
/// before the site would show it.
/// </summary>
public static class ManageThemes
{
    public static void MapManageThemes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/themes", ShowAsync).RequireAuthorization(Capabilities.SwitchThemes);
        admin.MapPost("/themes", ActivateAsync).RequireAuthorization(Capabilities.SwitchThemes);
    }

    public sealed record ThemeCard(string Slug, string Name, string Version, string Description, string? Parent, bool Active);

    public sealed record ThemesScreenModel(AdminChrome Chrome, IReadOnlyList<ThemeCard> Themes, string? Notice, IReadOnlyList<string> Errors);

    private static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, ThemeCatalog catalog, IAntiforgery antiforgery) =>
        await ScreenAsync(http, db, settings, antiforgery, catalog, http.Request.Query.ContainsKey("activated") ? "New theme activated." : null, []);

    private static async Task<IResult> ActivateAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, ThemeCatalog catalog,
        IAntiforgery antiforgery, ActivityLog activity, [FromForm(Name = "theme")] string? slug)
    {
        slug ??= "";
        try
        {
            // Loading the theme and its parent chain now turns one that cannot render into a message here, not a broken site.
            catalog.Get(slug);
        }
        catch (InvalidDataException e)
        {
            return await ScreenAsync(http, db, settings, antiforgery, catalog, null, [$"That theme cannot be used: {e.Message}"], StatusCodes.Status400BadRequest);
        }
        await db.SetOptionAsync(SiteSettings.Names.Theme, slug);
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, "switched the theme", http.User.Identity?.Name ?? "", detail: slug);
        return TypedResults.Redirect("/admin/themes?activated=1");
    }

    private static async Task<IResult> ScreenAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        ThemeCatalog catalog, string? notice, List<string> errors, int statusCode = StatusCodes.Status200OK)
    {
        var active = (await settings.GetAsync(db)).Theme;
        var themes = catalog.Available()
            .Select(t => new ThemeCard(t.Slug, t.Manifest.Name, t.Manifest.Version, t.Manifest.Description, t.Manifest.Parent, t.Slug == active))
            .ToList();
        var chrome = await AdminChrome.ForAsync(http, db, settings, antiforgery);
        return AdminFeature.Screen<ThemesScreen>(new ThemesScreenModel(chrome, themes, notice, errors), statusCode);
    }
}
