using System.Globalization;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Activity;

/// <summary>The activity log for administrators, newest first, 50 entries a page.</summary>
public static class ShowActivity
{
    public const int PerPage = 50;

    /// <summary>One entry as the screen shows it, its time in the site's zone and formats.</summary>
    public sealed record ActivityRow(string When, string Actor, string Action, string Detail, string Address);

    public sealed record ActivityScreenModel(AdminChrome Chrome, IReadOnlyList<ActivityRow> Entries, int Page, int PageCount, int Total);

    internal static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settingsCache, IAntiforgery antiforgery)
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
        var format = $"{settings.DateFormat} {settings.TimeFormat}";
        var rows = entries.Select(e => new ActivityRow(PhpDateFormat.Format(settings.ToLocal(e.AtUtc), format), e.Actor, e.Action, e.Detail, e.Address)).ToList();
        var chrome = await AdminChrome.ForAsync(http, db, settingsCache, antiforgery);
        return AdminFeature.Screen<ActivityScreen>(new ActivityScreenModel(chrome, rows, page, pages, total));
    }
}

public static class ActivityFeature
{
    public static void AddActivity(this IHostApplicationBuilder builder) => builder.Services.AddScoped<ActivityLog>();

    public static void MapActivity(this IEndpointRouteBuilder app) =>
        app.MapGet("/admin/activity", ShowActivity.ShowAsync).RequireAuthorization(Capabilities.ManageOptions);
}
