using System.Globalization;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Activity;

/// <summary>The activity log for administrators: newest first, 50 entries a page, filtered by kind, searched, sorted.</summary>
public static class ShowActivity
{
    public const int PerPage = 50;

    /// <summary>One entry as the screen shows it, its time in the site's zone and formats.</summary>
    public sealed record ActivityRow(string When, string Actor, string Action, string Detail, string Address);

    /// <summary>A kind of event and how many the log holds, for the filter links.</summary>
    public sealed record ActionCount(string Action, int Count);

    public sealed record ActivityScreenModel(
        AdminChrome Chrome, IReadOnlyList<ActivityRow> Entries, IReadOnlyList<ActionCount> Actions, string? Action, string Search,
        ListSort Sort, int Page, int PageCount, int Total)
    {
        public string UrlOf(string? action = null, ListSort? sort = null, int page = 1) =>
            ListUrl.Of("/admin/activity", [("action", action), ("s", Search), .. (sort ?? Sort).Query(DefaultSort), ("paged", ListUrl.Page(page))]);
    }

    /// <summary>Newest first, as a log is read.</summary>
    public static readonly ListSort DefaultSort = new("when", Descending: true);

    internal static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settingsCache, IAntiforgery antiforgery)
    {
        var settings = await settingsCache.GetAsync(db);
        var query = http.Request.Query;
        var page = int.TryParse(query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        var search = query["s"].ToString().Trim();
        search = search.Length > 100 ? search[..100] : search;
        var sort = ListSort.From(http.Request, DefaultSort, "when", "who");

        var actions = await db.Set<ActivityEntry>().GroupBy(e => e.Action).OrderBy(g => g.Key)
            .Select(g => new ActionCount(g.Key, g.Count())).ToListAsync();
        var action = actions.FirstOrDefault(a => a.Action == query["action"].ToString())?.Action;

        var entries = db.Set<ActivityEntry>().AsNoTracking();
        if (action is not null)
        {
            entries = entries.Where(e => e.Action == action);
        }
        if (search.Length > 0)
        {
            // ToUpper() here is SQL's upper() (Unicode-aware on SQLite through DatabaseSetup), so case never matters.
#pragma warning disable CA1304, CA1311, CA1862
            var uppered = search.ToUpperInvariant();
            entries = entries.Where(e => e.Actor.ToUpper().Contains(uppered) || e.Detail.ToUpper().Contains(uppered) || e.Address.Contains(search));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var total = await entries.CountAsync();
        var pages = Math.Max(1, (total + PerPage - 1) / PerPage);
        if (page > pages)
        {
            return TypedResults.NotFound();
        }
        entries = (sort.Column, sort.Descending) switch
        {
            ("who", false) => entries.OrderBy(e => e.Actor).ThenByDescending(e => e.AtUtc).ThenByDescending(e => e.Id),
            ("who", true) => entries.OrderByDescending(e => e.Actor).ThenByDescending(e => e.AtUtc).ThenByDescending(e => e.Id),
            (_, false) => entries.OrderBy(e => e.AtUtc).ThenBy(e => e.Id),
            _ => entries.OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id),
        };
        var shown = await entries.Skip((page - 1) * PerPage).Take(PerPage).ToListAsync();
        var format = $"{settings.DateFormat} {settings.TimeFormat}";
        var rows = shown.Select(e => new ActivityRow(PhpDateFormat.Format(settings.ToLocal(e.AtUtc), format), e.Actor, e.Action, e.Detail, e.Address)).ToList();
        var chrome = await AdminChrome.ForAsync(http, db, settingsCache, antiforgery);
        return AdminFeature.Screen<ActivityScreen>(new ActivityScreenModel(chrome, rows, actions, action, search, sort, page, pages, total));
    }
}

public static class ActivityFeature
{
    public static void AddActivity(this IHostApplicationBuilder builder) => builder.Services.AddScoped<ActivityLog>();

    public static void MapActivity(this RouteGroupBuilder admin) =>
        admin.MapGet("/activity", ShowActivity.ShowAsync).RequireAuthorization(Capabilities.ManageOptions);
}
