using System.Globalization;
using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Settings;

/// <summary>How the home page and archives show each post.</summary>
public enum ArchiveDisplay { Full, Excerpt }

/// <summary>The site's settings as typed values, read from the options table with WordPress's defaults.</summary>
public sealed record SiteSettings(
    string Title,
    string Tagline,
    int PostsPerPage,
    string PermalinkStructure,
    TimeZoneInfo TimeZone,
    string DateFormat,
    string TimeFormat,
    ArchiveDisplay ArchiveDisplay,
    string Theme,
    string Language,
    string HomeUrl,
    string AdminEmail,
    int WeekStart,
    bool DiscourageSearchEngines,
    IReadOnlyList<string> PermalinkHistory,
    int FeedItems,
    bool FeedExcerptOnly,
    int FrontPageId,
    int PostsPageId,
    DiscussionSettings Discussion)
{
    /// <summary>WordPress option names, so an import or a REST client finds them where it expects.</summary>
    public static class Names
    {
        public const string Title = "blogname";
        public const string Tagline = "blogdescription";
        public const string PostsPerPage = "posts_per_page";
        public const string PermalinkStructure = "permalink_structure";
        public const string TimeZone = "timezone_string";
        public const string DateFormat = "date_format";
        public const string TimeFormat = "time_format";
        public const string ArchiveDisplay = "masthead_archive_display";
        public const string Theme = "stylesheet";
        public const string Language = "WPLANG";
        public const string HomeUrl = "home";
        public const string AdminEmail = "admin_email";
        public const string WeekStart = "start_of_week";
        public const string BlogPublic = "blog_public";
        /// <summary>Earlier permalink structures, newest first, one a line: their URLs still answer with a 301.</summary>
        public const string PermalinkHistory = "masthead_permalink_history";
        public const string FeedItems = "posts_per_rss";
        /// <summary>"1": feeds carry excerpts; "0": the full text.</summary>
        public const string FeedExcerptOnly = "rss_use_excerpt";
        /// <summary>"posts" (the latest posts) or "page" (<see cref="PageOnFront"/>).</summary>
        public const string ShowOnFront = "show_on_front";
        public const string PageOnFront = "page_on_front";
        public const string PageForPosts = "page_for_posts";
    }

    public const string DefaultPermalinkStructure = "/%year%/%monthnum%/%day%/%postname%/";

    /// <summary>
    /// A site address as stored: "https://host[:port]", from an absolute http or https URL with nothing after the host
    /// (no path, query, fragment or user name); null for anything else.
    /// </summary>
    public static string? SiteAddressFrom(string? text)
    {
        text = (text ?? "").Trim();
        return text.Length is > 0 and <= 200 && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.Host.Length > 0 && uri.UserInfo.Length == 0 && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
    }

    public static SiteSettings FromOptions(IReadOnlyDictionary<string, string> options)
    {
        string Get(string name, string fallback) =>
            options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : fallback;

        var perPage = int.TryParse(Get(Names.PostsPerPage, "10"), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? Math.Clamp(n, 1, 100) : 10;
        var timeZone = TimeZoneInfo.TryFindSystemTimeZoneById(Get(Names.TimeZone, "UTC"), out var zone) ? zone : TimeZoneInfo.Utc;
        return new SiteSettings(
            Title: Get(Names.Title, "Masthead"),
            Tagline: options.GetValueOrDefault(Names.Tagline, ""),
            PostsPerPage: perPage,
            PermalinkStructure: Get(Names.PermalinkStructure, DefaultPermalinkStructure),
            TimeZone: timeZone,
            DateFormat: Get(Names.DateFormat, "F j, Y"),
            TimeFormat: Get(Names.TimeFormat, "g:i a"),
            ArchiveDisplay: Get(Names.ArchiveDisplay, "full") == "excerpt" ? ArchiveDisplay.Excerpt : ArchiveDisplay.Full,
            Theme: Get(Names.Theme, "masthead"),
            Language: Get(Names.Language, "en-US"),
            HomeUrl: Uri.TryCreate(Get(Names.HomeUrl, ""), UriKind.Absolute, out var home) && home.Scheme is "http" or "https"
                ? home.GetLeftPart(UriPartial.Authority) : "",
            AdminEmail: Get(Names.AdminEmail, ""),
            WeekStart: int.TryParse(Get(Names.WeekStart, "1"), NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w is >= 0 and <= 6 ? w : 1,
            DiscourageSearchEngines: Get(Names.BlogPublic, "1") == "0",
            PermalinkHistory: [.. Get(Names.PermalinkHistory, "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            FeedItems: int.TryParse(Get(Names.FeedItems, "10"), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? Math.Clamp(f, 1, 100) : 10,
            FeedExcerptOnly: Get(Names.FeedExcerptOnly, "0") == "1",
            // A static front page only counts when one is chosen; the posts page only alongside it, as in WordPress.
            FrontPageId: Get(Names.ShowOnFront, "posts") == "page" ? PageId(Names.PageOnFront) : 0,
            PostsPageId: Get(Names.ShowOnFront, "posts") == "page" ? PageId(Names.PageForPosts) : 0,
            Discussion: DiscussionSettings.FromOptions(options));

        int PageId(string name) => int.TryParse(Get(name, "0"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
    }

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZone);

    /// <summary>
    /// The instant a local wall-clock time names. A time the clocks skip (midnight in zones that spring forward at
    /// midnight) means the first instant after the jump.
    /// </summary>
    public DateTime ToUtc(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        for (var i = 0; i < 8 && TimeZone.IsInvalidTime(local); i++)
        {
            local = local.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }
}

/// <summary>Reads settings once per site change.</summary>
public sealed class SiteSettingsCache(IChangeBus changes, TimeProvider clock) : IDisposable
{
    private readonly VersionedCache<SiteSettings> _cache = new(changes, clock, set => set.Any<OptionChanged>() || set.Any<ThemeChanged>());

    public void Dispose() => _cache.Dispose();

    public ValueTask<SiteSettings> GetAsync(AppDbContext db) =>
        _cache.GetAsync(async () =>
        {
            var options = await db.Options.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Value);
            return SiteSettings.FromOptions(options);
        });
}

public static class SettingsFeature
{
    public static void MapSettings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/robots.txt", EditSettings.RobotsAsync);
    }

    public static void MapSettingsScreens(this RouteGroupBuilder admin)
    {
        admin.MapGet("/settings", EditSettings.ShowAsync).RequireAuthorization(Users.Capabilities.ManageOptions);
        admin.MapPost("/settings", EditSettings.SaveAsync).RequireAuthorization(Users.Capabilities.ManageOptions);
        admin.MapGet("/settings/preview", EditSettings.Preview).RequireAuthorization(Users.Capabilities.ManageOptions);
    }

    public static void AddSettings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SiteSettingsCache>();
    }

    /// <summary>Sets an option, adding it if absent; the caller saves.</summary>
    public static async Task SetOptionAsync(this AppDbContext db, string name, string value)
    {
        var option = await db.Options.FindAsync(name);
        if (option is null)
        {
            db.Options.Add(new SiteOption { Name = name, Value = value });
        }
        else
        {
            option.Value = value;
        }
    }
}
