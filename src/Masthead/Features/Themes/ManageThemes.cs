using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Masthead.Hosting;
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
    public static void MapManageThemes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/themes", ShowAsync).RequireAuthorization(Capabilities.SwitchThemes);
        app.MapPost("/admin/themes", ActivateAsync).RequireAuthorization(Capabilities.SwitchThemes);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, ThemeCatalog catalog, IAntiforgery antiforgery) =>
        Page(http, antiforgery, catalog, (await settings.GetAsync(db)).Theme,
            http.Request.Query.ContainsKey("activated") ? "New theme activated." : null, []);

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
            return Page(http, antiforgery, catalog, (await settings.GetAsync(db)).Theme, null, [$"That theme cannot be used: {e.Message}"], StatusCodes.Status400BadRequest);
        }
        await db.SetOptionAsync(SiteSettings.Names.Theme, slug);
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, "switched the theme", http.User.Identity?.Name ?? "", detail: slug);
        return TypedResults.Redirect("/admin/themes?activated=1");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, ThemeCatalog catalog, string active, string? notice, List<string> errors,
        int statusCode = StatusCodes.Status200OK)
    {
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var rows = string.Concat(catalog.Available().Select(t => $"""
            <tr><th scope="row">{PlainPage.Encode(t.Manifest.Name)}</th><td>{PlainPage.Encode(t.Manifest.Version)}</td><td>{PlainPage.Encode(t.Manifest.Description)}{(t.Manifest.Parent is { } parent ? $" (child of {PlainPage.Encode(parent)})" : "")}</td>
            <td>{(t.Slug == active ? "<strong>Active</strong>" : $"<form method=\"post\" action=\"/admin/themes\">{token}<input type=\"hidden\" name=\"theme\" value=\"{PlainPage.Encode(t.Slug)}\"><button type=\"submit\" aria-label=\"Activate {PlainPage.Encode(t.Manifest.Name)}\">Activate</button></form>")}</td></tr>
            """));
        return PlainPage.Result("Themes", $"""
            {PlainPage.Messages(notice, errors)}
            <p><a href="/admin">Dashboard</a></p>
            <table><caption>Installed themes</caption><thead><tr><th scope="col">Theme</th><th scope="col">Version</th><th scope="col">Description</th><th scope="col">Action</th></tr></thead>
            <tbody>{rows}</tbody></table>
            <p>Themes are folders with a <code>theme.json</code> under <code>themes/</code> beside the program, or under a folder named in the <code>Themes:ExtraFolders</code> setting.</p>
            """, statusCode);
    }
}
