using System.Globalization;
using Masthead.Data;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Activity;

/// <summary>The activity log for administrators, newest first, 50 entries a page.</summary>
public static class ShowActivity
{
    public const int PerPage = 50;

    internal static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settingsCache)
    {
        var settings = await settingsCache.GetAsync(db);
        var page = int.TryParse(http.Request.Query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        var total = await db.Set<ActivityEntry>().CountAsync();
        var pages = Math.Max(1, (total + PerPage - 1) / PerPage);
        if (page > pages)
        {
            return TypedResults.NotFound();
        }
        var entries = await db.Set<ActivityEntry>().AsNoTracking()
            .OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id)
            .Skip((page - 1) * PerPage).Take(PerPage)
            .ToListAsync();

        var rows = entries.Count == 0
            ? "<tr><td colspan=\"4\">Nothing has happened yet.</td></tr>"
            : string.Concat(entries.Select(e => $"<tr><td>{PlainPage.Encode(PhpDateFormat.Format(settings.ToLocal(e.AtUtc), $"{settings.DateFormat} {settings.TimeFormat}"))}</td>"
                + $"<td>{PlainPage.Encode(e.Actor)}</td><td>{PlainPage.Encode(e.Action)}{(e.Detail.Length > 0 ? ": " + PlainPage.Encode(e.Detail) : "")}</td><td>{PlainPage.Encode(e.Address)}</td></tr>"));
        var nav = pages == 1 ? "" : $"<nav aria-label=\"Pages\"><p>Page {page} of {pages}. "
            + (page > 1 ? $"<a href=\"/admin/activity?paged={page - 1}\">Newer</a> " : "")
            + (page < pages ? $"<a href=\"/admin/activity?paged={page + 1}\">Older</a>" : "") + "</p></nav>";
        var body = $"""
            <p><a href="/admin">Dashboard</a></p>
            <table><caption>Who did what, when, from where</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">From</th></tr></thead>
            <tbody>{rows}</tbody></table>
            {nav}
            """;
        return PlainPage.Result("Activity Log", body);
    }
}

public static class ActivityFeature
{
    public static void AddActivity(this IHostApplicationBuilder builder) => builder.Services.AddScoped<ActivityLog>();

    public static void MapActivity(this IEndpointRouteBuilder app) =>
        app.MapGet("/admin/activity", ShowActivity.ShowAsync).RequireAuthorization(Capabilities.ManageOptions);
}
