using System.Globalization;
using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Settings;

/// <summary>
/// The administrator's settings: General (title, tagline, e-mail, time zone, formats, week start), Reading (front page,
/// posts per page, full text or excerpt, feeds, search engines), Discussion and Permalinks. A changed permalink
/// structure keeps every old link working: the old structure is remembered and its URLs answer 301.
/// </summary>
public static class EditSettings
{
    public static readonly IReadOnlyList<(string Structure, string Label)> CommonStructures =
    [
        (SiteSettings.DefaultPermalinkStructure, "Day and name"),
        ("/%year%/%monthnum%/%postname%/", "Month and name"),
        ("/archives/%post_id%", "Numeric"),
        ("/%postname%/", "Post name"),
        ("/%category%/%postname%/", "Category and name"),
    ];

    /// <summary>WordPress's date format choices ("December 1, 2026", "2026-12-01", "12/01/2026", "01/12/2026").</summary>
    public static readonly IReadOnlyList<string> DateFormats = ["F j, Y", "Y-m-d", "m/d/Y", "d/m/Y"];

    /// <summary>WordPress's time format choices ("1:50 pm", "1:50 PM", "13:50").</summary>
    public static readonly IReadOnlyList<string> TimeFormats = ["g:i a", "g:i A", "H:i"];

    /// <summary>The radio value that means "the format is in the text field beside it".</summary>
    public const string Custom = "custom";

    internal static async Task<RazorComponentResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache cache, IAntiforgery antiforgery,
        TimeProvider clock)
    {
        var settings = await cache.GetAsync(db);
        var saved = http.Request.Query.ContainsKey("updated") ? "Settings saved." : null;
        return await ScreenAsync(http, db, cache, antiforgery, clock, Values(settings), saved, []);
    }

    internal static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, SiteSettingsCache cache, IAntiforgery antiforgery,
        ActivityLog activity, TimeProvider clock, IFormCollection form)
    {
        var current = await cache.GetAsync(db);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Values(current).Keys)
        {
            values[name] = form[name].ToString().Trim();
        }
        // "Custom" radios carry their value in the text field beside them; any other value is the format itself.
        foreach (var (name, custom) in new[]
        {
            (SiteSettings.Names.PermalinkStructure, "permalink_custom"),
            (SiteSettings.Names.DateFormat, "date_format_custom"),
            (SiteSettings.Names.TimeFormat, "time_format_custom"),
        })
        {
            if (values[name] == Custom)
            {
                values[name] = form[custom].ToString().Trim();
            }
        }
        values[SiteSettings.Names.BlogPublic] = form.ContainsKey("blog_public_off") ? "0" : "1";
        values[DiscussionSettings.Names.DefaultCommentStatus] = form.ContainsKey(DiscussionSettings.Names.DefaultCommentStatus) ? "open" : "closed";
        foreach (var name in DiscussionSettings.Switches.Keys)
        {
            values[name] = form.ContainsKey(name) ? "1" : "0";
        }

        var pages = await PublishedPagesAsync(db);
        var errors = Validate(values, pages);
        if (errors.Count > 0)
        {
            return await ScreenAsync(http, db, cache, antiforgery, clock, values, null, errors);
        }
        var structure = values[SiteSettings.Names.PermalinkStructure];
        if (structure != current.PermalinkStructure)
        {
            var history = current.PermalinkHistory.Prepend(current.PermalinkStructure).Where(s => s != structure).Distinct().Take(20);
            await db.SetOptionAsync(SiteSettings.Names.PermalinkHistory, string.Join('\n', history));
        }
        foreach (var (name, value) in values)
        {
            await db.SetOptionAsync(name, value);
        }
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, "changed the settings", http.User.Identity?.Name ?? "", detail: structure != current.PermalinkStructure ? $"permalinks now {structure}" : "");
        return TypedResults.Redirect("/admin/settings?updated=true");
    }

    /// <summary><c>robots.txt</c>: the admin is never for crawlers; with "discourage search engines" nothing is.</summary>
    /// <summary>
    /// What a date format or a time zone gives right now, as plain text, for the Settings screen's script to show while
    /// someone types a custom format or picks a zone (WordPress asks its server the same way). Reads nothing stored.
    /// </summary>
    internal static IResult Preview(HttpContext http, TimeProvider clock)
    {
        var query = http.Request.Query;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(query["timezone"].ToString(), out var found) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone);
        var format = query["format"].ToString();
        return Results.Text(format.Length is > 0 and <= 50 ? PhpDateFormat.Format(local, format)
            : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), "text/plain; charset=utf-8");
    }

    internal static async Task<IResult> RobotsAsync(AppDbContext db, SiteSettingsCache cache)
    {
        var settings = await cache.GetAsync(db);
        return TypedResults.Text(settings.DiscourageSearchEngines ? "User-agent: *\nDisallow: /\n" : "User-agent: *\nDisallow: /admin/\n");
    }

    private static async Task<RazorComponentResult> ScreenAsync(HttpContext http, AppDbContext db, SiteSettingsCache cache, IAntiforgery antiforgery,
        TimeProvider clock, Dictionary<string, string> values, string? notice, List<FieldError> errors)
    {
        var settings = await cache.GetAsync(db);
        // The examples show this site's own address; before one is stored, the address the admin is using.
        var address = settings.HomeUrl.Length > 0 ? settings.HomeUrl : $"{http.Request.Scheme}://{http.Request.Host}";
        return AdminFeature.Screen<SettingsScreen>(new SettingsModel(
            await AdminChrome.ForAsync(http, db, cache, antiforgery), notice, errors, values, await PublishedPagesAsync(db),
            clock.GetUtcNow().UtcDateTime, settings.TimeZone, address));
    }

    /// <summary>Published pages by id, the choices for the front page and the posts page.</summary>
    private static Task<Dictionary<int, string>> PublishedPagesAsync(AppDbContext db) =>
        db.Posts.Where(p => p.Type == Posts.PostType.Page && p.Status == Posts.PostStatus.Publish)
            .OrderBy(p => p.Title).ToDictionaryAsync(p => p.Id, p => p.Title);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Values(SiteSettings s) => new(StringComparer.Ordinal)
    {
        [SiteSettings.Names.Title] = s.Title,
        [SiteSettings.Names.Tagline] = s.Tagline,
        [SiteSettings.Names.HomeUrl] = s.HomeUrl,
        [SiteSettings.Names.AdminEmail] = s.AdminEmail,
        [SiteSettings.Names.TimeZone] = s.TimeZone.Id,
        [SiteSettings.Names.DateFormat] = s.DateFormat,
        [SiteSettings.Names.TimeFormat] = s.TimeFormat,
        [SiteSettings.Names.WeekStart] = s.WeekStart.ToString(CultureInfo.InvariantCulture),
        [SiteSettings.Names.PostsPerPage] = s.PostsPerPage.ToString(CultureInfo.InvariantCulture),
        [SiteSettings.Names.ArchiveDisplay] = s.ArchiveDisplay == ArchiveDisplay.Excerpt ? "excerpt" : "full",
        [SiteSettings.Names.BlogPublic] = s.DiscourageSearchEngines ? "0" : "1",
        [SiteSettings.Names.PermalinkStructure] = s.PermalinkStructure,
        [SiteSettings.Names.FeedItems] = Number(s.FeedItems),
        [SiteSettings.Names.FeedExcerptOnly] = s.FeedExcerptOnly ? "1" : "0",
        [SiteSettings.Names.ShowOnFront] = s.FrontPageId > 0 ? "page" : "posts",
        [SiteSettings.Names.PageOnFront] = Number(s.FrontPageId),
        [SiteSettings.Names.PageForPosts] = Number(s.PostsPageId),
        [DiscussionSettings.Names.DefaultCommentStatus] = s.Discussion.CommentsOpenByDefault ? "open" : "closed",
        [DiscussionSettings.Names.RequireNameEmail] = s.Discussion.RequireNameAndEmail ? "1" : "0",
        [DiscussionSettings.Names.CommentRegistration] = s.Discussion.RegisteredUsersOnly ? "1" : "0",
        [DiscussionSettings.Names.CloseCommentsForOldPosts] = s.Discussion.CloseAfterDays is null ? "0" : "1",
        [DiscussionSettings.Names.CloseCommentsDaysOld] = Number(s.Discussion.CloseAfterDays ?? 14),
        [DiscussionSettings.Names.ThreadComments] = s.Discussion.ThreadDepth > 1 ? "1" : "0",
        [DiscussionSettings.Names.ThreadCommentsDepth] = Number(Math.Max(2, s.Discussion.ThreadDepth)),
        [DiscussionSettings.Names.PageComments] = s.Discussion.CommentsPerPage is null ? "0" : "1",
        [DiscussionSettings.Names.CommentsPerPage] = Number(s.Discussion.CommentsPerPage ?? 50),
        [DiscussionSettings.Names.CommentModeration] = s.Discussion.HoldEveryComment ? "1" : "0",
        [DiscussionSettings.Names.CommentPreviouslyApproved] = s.Discussion.TrustPreviouslyApproved ? "1" : "0",
        [DiscussionSettings.Names.CommentMaxLinks] = Number(s.Discussion.HoldAtLinks),
        [DiscussionSettings.Names.ModerationKeys] = string.Join('\n', s.Discussion.ModerationWords),
        [DiscussionSettings.Names.DisallowedKeys] = string.Join('\n', s.Discussion.DisallowedWords),
        [DiscussionSettings.Names.CommentsNotify] = s.Discussion.EmailAuthorOnComment ? "1" : "0",
        [DiscussionSettings.Names.ModerationNotify] = s.Discussion.EmailModeratorOnHold ? "1" : "0",
        [DiscussionSettings.Names.CommentOrder] = s.Discussion.NewestFirst ? "desc" : "asc",
        [DiscussionSettings.Names.DefaultCommentsPage] = s.Discussion.LastPageFirst ? "newest" : "oldest",
    };

    /// <summary>What is wrong with the form, each message tied to the field it is about, in the screen's order.</summary>
    private static List<FieldError> Validate(Dictionary<string, string> v, Dictionary<int, string> pages)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string message) => errors.Add(new FieldError(field, message));
        bool InRange(string name, int min, int max) =>
            int.TryParse(v[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max;

        if (v[SiteSettings.Names.Title].Length is 0 or > 200)
        {
            Fail(SiteSettings.Names.Title, "Site Title: write one, up to 200 characters.");
        }
        if (v[SiteSettings.Names.Tagline].Length > 500)
        {
            Fail(SiteSettings.Names.Tagline, "Tagline: up to 500 characters.");
        }
        if (v[SiteSettings.Names.HomeUrl] is { Length: > 0 } home && SiteSettings.SiteAddressFrom(home) is null)
        {
            Fail(SiteSettings.Names.HomeUrl, "Site Address (URL): an http or https address with nothing after the host, such as https://news.example.org.");
        }
        if (v[SiteSettings.Names.AdminEmail] is { Length: > 0 } email && (email.Length > 100 || !MailAddress.TryCreate(email, out _)))
        {
            Fail(SiteSettings.Names.AdminEmail, "Administration Email Address: enter a valid address.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(v[SiteSettings.Names.TimeZone], out _))
        {
            Fail(SiteSettings.Names.TimeZone, "Timezone: choose a time zone such as UTC or America/New_York.");
        }
        if (v[SiteSettings.Names.DateFormat].Length is 0 or > 50)
        {
            Fail(SiteSettings.Names.DateFormat, "Date Format: choose one, or write your own of up to 50 characters.");
        }
        if (v[SiteSettings.Names.TimeFormat].Length is 0 or > 50)
        {
            Fail(SiteSettings.Names.TimeFormat, "Time Format: choose one, or write your own of up to 50 characters.");
        }
        if (!int.TryParse(v[SiteSettings.Names.WeekStart], NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day > 6)
        {
            Fail(SiteSettings.Names.WeekStart, "Week Starts On: choose a day.");
        }
        ValidateReading(v, pages, Fail, InRange);
        ValidateDiscussion(v, Fail, InRange);
        try
        {
            var structure = v[SiteSettings.Names.PermalinkStructure];
            if (!structure.StartsWith('/') || structure.Length > 200)
            {
                throw new FormatException("A permalink structure starts with / and is up to 200 characters.");
            }
            _ = new PermalinkStructure(structure);
        }
        catch (FormatException e)
        {
            Fail(SiteSettings.Names.PermalinkStructure, $"Permalink structure: {e.Message}");
        }
        return errors;
    }

    private static void ValidateReading(Dictionary<string, string> v, Dictionary<int, string> pages, Action<string, string> fail,
        Func<string, int, int, bool> inRange)
    {
        if (v[SiteSettings.Names.ShowOnFront] is not ("posts" or "page"))
        {
            fail(SiteSettings.Names.ShowOnFront, "Your homepage displays: your latest posts or a static page.");
        }
        else if (v[SiteSettings.Names.ShowOnFront] == "page")
        {
            var front = int.TryParse(v[SiteSettings.Names.PageOnFront], NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
            var posts = int.TryParse(v[SiteSettings.Names.PageForPosts], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            if (!pages.ContainsKey(front))
            {
                fail(SiteSettings.Names.PageOnFront, "Homepage: choose a published page.");
            }
            if (posts != 0 && (!pages.ContainsKey(posts) || posts == front))
            {
                fail(SiteSettings.Names.PageForPosts, "Posts page: choose a published page other than the homepage, or none.");
            }
        }
        if (!inRange(SiteSettings.Names.PostsPerPage, 1, 100))
        {
            fail(SiteSettings.Names.PostsPerPage, "Blog pages show at most: a number from 1 to 100.");
        }
        if (v[SiteSettings.Names.ArchiveDisplay] is not ("full" or "excerpt"))
        {
            fail(SiteSettings.Names.ArchiveDisplay, "For each post, show: full text or excerpt.");
        }
        if (!inRange(SiteSettings.Names.FeedItems, 1, 100))
        {
            fail(SiteSettings.Names.FeedItems, "Syndication feeds show the most recent: a number from 1 to 100.");
        }
        if (v[SiteSettings.Names.FeedExcerptOnly] is not ("0" or "1"))
        {
            fail(SiteSettings.Names.FeedExcerptOnly, "For each post in a feed, include: full text or excerpt.");
        }
    }

    private static void ValidateDiscussion(Dictionary<string, string> v, Action<string, string> fail, Func<string, int, int, bool> inRange)
    {
        foreach (var (name, min, max, label) in new[]
        {
            (DiscussionSettings.Names.CloseCommentsDaysOld, 1, 3650, "Close comments after: a number of days from 1 to 3,650."),
            (DiscussionSettings.Names.ThreadCommentsDepth, 2, 10, "Threaded comments: from 2 to 10 levels deep."),
            (DiscussionSettings.Names.CommentsPerPage, 1, 500, "Top level comments per page: from 1 to 500."),
            (DiscussionSettings.Names.CommentMaxLinks, 0, 100, "Links that hold a comment: from 0 to 100."),
        })
        {
            if (!inRange(name, min, max))
            {
                fail(name, label);
            }
        }
        if (v[DiscussionSettings.Names.CommentOrder] is not ("asc" or "desc"))
        {
            fail(DiscussionSettings.Names.CommentOrder, "Comments at the top of each page: older or newer.");
        }
        if (v[DiscussionSettings.Names.DefaultCommentsPage] is not ("newest" or "oldest"))
        {
            fail(DiscussionSettings.Names.DefaultCommentsPage, "Page displayed by default: the last or the first page.");
        }
        foreach (var (name, label) in new[]
        {
            (DiscussionSettings.Names.ModerationKeys, "Comment Moderation"), (DiscussionSettings.Names.DisallowedKeys, "Disallowed Comment Keys"),
        })
        {
            if (v[name].Length > 20_000)
            {
                fail(name, $"{label}: up to 20,000 characters.");
            }
        }
    }
}

/// <summary>What the settings screen shows: the values (as stored, or as typed when they were refused) and their previews.</summary>
/// <param name="Chrome">The admin shell's part.</param>
/// <param name="Notice">"Settings saved.", after a save.</param>
/// <param name="Errors">What was refused, each next to its field and all of them at the top.</param>
/// <param name="Values">Each option by its WordPress name.</param>
/// <param name="Pages">Published pages, for the homepage and posts page.</param>
/// <param name="NowUtc">The moment the previews and the local time show.</param>
/// <param name="StoredZone">The site's time zone as saved.</param>
/// <param name="SiteAddress">This site's address, for the permalink examples.</param>
public sealed record SettingsModel(
    AdminChrome Chrome, string? Notice, IReadOnlyList<FieldError> Errors, IReadOnlyDictionary<string, string> Values,
    IReadOnlyDictionary<int, string> Pages, DateTime NowUtc, TimeZoneInfo StoredZone, string SiteAddress)
{
    public string this[string name] => Values.GetValueOrDefault(name, "");

    public string? ErrorFor(string field) => FieldError.For(Errors, field);

    /// <summary>Points a control at its error, when it has one.</summary>
    public string? DescribedBy(string field) => ErrorFor(field) is null ? null : FormRow.ErrorId(field);

    public bool On(string name) => this[name] is "1" or "open";

    /// <summary>The zone the form names (when it names a real one), else the stored one: the previews use it.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(this[SiteSettings.Names.TimeZone], out var zone) ? zone : StoredZone;

    public DateTime LocalNow => TimeZoneInfo.ConvertTimeFromUtc(NowUtc, Zone);

    public string Preview(string format) => PhpDateFormat.Format(LocalNow, format);

    /// <summary>A sample post's address under <paramref name="structure"/>; empty when the structure is not a valid one.</summary>
    public string ExampleUrl(string structure)
    {
        try
        {
            return structure.StartsWith('/')
                ? SiteAddress + new PermalinkStructure(structure).PathFor(new PermalinkPost(123, "sample-post", LocalNow, "news", "editor"))
                : "";
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
