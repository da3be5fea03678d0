using System.Globalization;
using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Hosting;
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

    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    internal static async Task<ContentHttpResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache cache, IAntiforgery antiforgery)
    {
        var settings = await cache.GetAsync(db);
        var saved = http.Request.Query.ContainsKey("updated") ? "Settings saved." : null;
        return Page(http, antiforgery, Values(settings), await PublishedPagesAsync(db), saved, []);
    }

    internal static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, SiteSettingsCache cache, IAntiforgery antiforgery,
        ActivityLog activity, IFormCollection form)
    {
        var current = await cache.GetAsync(db);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Values(current).Keys)
        {
            values[name] = form[name].ToString().Trim();
        }
        if (values[SiteSettings.Names.PermalinkStructure] == "custom")
        {
            values[SiteSettings.Names.PermalinkStructure] = form["permalink_custom"].ToString().Trim();
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
            return Page(http, antiforgery, values, pages, null, errors);
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
    internal static async Task<IResult> RobotsAsync(AppDbContext db, SiteSettingsCache cache)
    {
        var settings = await cache.GetAsync(db);
        return TypedResults.Text(settings.DiscourageSearchEngines ? "User-agent: *\nDisallow: /\n" : "User-agent: *\nDisallow: /admin/\n");
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
    };

    private static List<string> Validate(Dictionary<string, string> v, Dictionary<int, string> pages)
    {
        var errors = new List<string>();
        bool InRange(string name, int min, int max) =>
            int.TryParse(v[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max;
        if (!InRange(SiteSettings.Names.FeedItems, 1, 100))
        {
            errors.Add("Syndication feeds show the most recent: a number from 1 to 100.");
        }
        if (v[SiteSettings.Names.FeedExcerptOnly] is not ("0" or "1"))
        {
            errors.Add("For each post in a feed, include: full text or excerpt.");
        }
        if (v[SiteSettings.Names.ShowOnFront] is not ("posts" or "page"))
        {
            errors.Add("Your homepage displays: your latest posts or a static page.");
        }
        else if (v[SiteSettings.Names.ShowOnFront] == "page")
        {
            var front = int.TryParse(v[SiteSettings.Names.PageOnFront], NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
            var posts = int.TryParse(v[SiteSettings.Names.PageForPosts], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            if (!pages.ContainsKey(front))
            {
                errors.Add("Homepage: choose a published page.");
            }
            if (posts != 0 && (!pages.ContainsKey(posts) || posts == front))
            {
                errors.Add("Posts page: choose a published page other than the homepage, or none.");
            }
        }
        if (!InRange(DiscussionSettings.Names.CloseCommentsDaysOld, 1, 3650) || !InRange(DiscussionSettings.Names.ThreadCommentsDepth, 2, 10)
            || !InRange(DiscussionSettings.Names.CommentsPerPage, 1, 500) || !InRange(DiscussionSettings.Names.CommentMaxLinks, 0, 100))
        {
            errors.Add("Discussion: days from 1 to 3,650, thread depth from 2 to 10, comments per page from 1 to 500, links from 0 to 100.");
        }
        if (v[DiscussionSettings.Names.ModerationKeys].Length > 20_000 || v[DiscussionSettings.Names.DisallowedKeys].Length > 20_000)
        {
            errors.Add("Comment Moderation and Disallowed Comment Keys: up to 20,000 characters each.");
        }
        if (v[SiteSettings.Names.Title].Length is 0 or > 200)
        {
            errors.Add("Site Title: write one, up to 200 characters.");
        }
        if (v[SiteSettings.Names.HomeUrl] is { Length: > 0 } home && SiteSettings.SiteAddressFrom(home) is null)
        {
            errors.Add("Site Address (URL): an http or https address with nothing after the host, such as https://news.example.org.");
        }
        if (v[SiteSettings.Names.Tagline].Length > 500)
        {
            errors.Add("Tagline: up to 500 characters.");
        }
        if (v[SiteSettings.Names.AdminEmail] is { Length: > 0 } email && (email.Length > 100 || !MailAddress.TryCreate(email, out _)))
        {
            errors.Add("Administration Email Address: enter a valid address.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(v[SiteSettings.Names.TimeZone], out _))
        {
            errors.Add("Timezone: choose a time zone such as UTC or America/New_York.");
        }
        if (v[SiteSettings.Names.DateFormat].Length is 0 or > 50 || v[SiteSettings.Names.TimeFormat].Length is 0 or > 50)
        {
            errors.Add("Date and time formats: write one of each, up to 50 characters.");
        }
        if (!int.TryParse(v[SiteSettings.Names.WeekStart], NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day > 6)
        {
            errors.Add("Week Starts On: choose a day.");
        }
        if (!int.TryParse(v[SiteSettings.Names.PostsPerPage], NumberStyles.None, CultureInfo.InvariantCulture, out var perPage) || perPage is < 1 or > 100)
        {
            errors.Add("Blog pages show at most: a number from 1 to 100.");
        }
        if (v[SiteSettings.Names.ArchiveDisplay] is not ("full" or "excerpt"))
        {
            errors.Add("For each post, show: full text or excerpt.");
        }
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
            errors.Add($"Permalink structure: {e.Message}");
        }
        return errors;
    }

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, Dictionary<string, string> v, Dictionary<int, string> pages,
        string? notice, List<string> errors)
    {
        string Box(string name, string label) =>
            $"<label><input type=\"checkbox\" name=\"{name}\" value=\"1\"{(v[name] is "1" or "open" ? " checked" : "")}> {label}</label>";
        string Check(string name, string label) => $"<p>{Box(name, label)}</p>";
        string Small(string name, string label) =>
            $"<label for=\"{name}\">{label}</label> <input id=\"{name}\" name=\"{name}\" type=\"number\" value=\"{PlainPage.Encode(v[name])}\" size=\"4\">";
        string PageSelect(string name, string label, string none) =>
            $"<p><label for=\"{name}\">{label}</label> <select id=\"{name}\" name=\"{name}\"><option value=\"0\">{none}</option>{string.Concat(pages.Select(p => $"<option value=\"{p.Key}\"{(v[name] == Number(p.Key) ? " selected" : "")}>{PlainPage.Encode(p.Value.Length == 0 ? "(no title)" : p.Value)}</option>"))}</select></p>";
        var staticFront = v[SiteSettings.Names.ShowOnFront] == "page";
        var feedExcerpt = v[SiteSettings.Names.FeedExcerptOnly] == "1";
        string Field(string name, string label, string type = "text") =>
            $"<p><label for=\"{name}\">{label}</label><br><input id=\"{name}\" name=\"{name}\" type=\"{type}\" value=\"{PlainPage.Encode(v[name])}\"></p>";
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var structure = v[SiteSettings.Names.PermalinkStructure];
        var isCommon = CommonStructures.Any(c => c.Structure == structure);
        var structures = string.Concat(CommonStructures.Select(c =>
            $"<p><label><input type=\"radio\" name=\"{SiteSettings.Names.PermalinkStructure}\" value=\"{PlainPage.Encode(c.Structure)}\"{(c.Structure == structure ? " checked" : "")}> {PlainPage.Encode(c.Label)}: <code>{PlainPage.Encode(c.Structure)}</code></label></p>"));
        var days = string.Concat(Days.Select((d, i) =>
            $"<option value=\"{i}\"{(v[SiteSettings.Names.WeekStart] == i.ToString(CultureInfo.InvariantCulture) ? " selected" : "")}>{d}</option>"));
        var excerpt = v[SiteSettings.Names.ArchiveDisplay] == "excerpt";
        var body = $"""
            {PlainPage.Messages(notice, errors)}
            <p><a href="/admin">Dashboard</a></p>
            <form method="post" action="/admin/settings">{token}
            <fieldset><legend>General</legend>
            {Field(SiteSettings.Names.Title, "Site Title")}
            {Field(SiteSettings.Names.Tagline, "Tagline")}
            {Field(SiteSettings.Names.HomeUrl, "Site Address (URL), used in links the site sends", "url")}
            {Field(SiteSettings.Names.AdminEmail, "Administration Email Address", "email")}
            {Field(SiteSettings.Names.TimeZone, "Timezone (for example UTC, Europe/Paris, America/New_York)")}
            {Field(SiteSettings.Names.DateFormat, "Date Format (as WordPress writes it: F j, Y)")}
            {Field(SiteSettings.Names.TimeFormat, "Time Format (g:i a)")}
            <p><label for="{SiteSettings.Names.WeekStart}">Week Starts On</label><br><select id="{SiteSettings.Names.WeekStart}" name="{SiteSettings.Names.WeekStart}" aria-describedby="week-start-note">{days}</select>
            <br><small id="week-start-note">Kept for the calendar widget and date pickers, which are still to come; nothing uses it yet.</small></p>
            </fieldset>
            <fieldset><legend>Reading</legend>
            {Field(SiteSettings.Names.PostsPerPage, "Blog pages show at most", "number")}
            <p>For each post on the home page and in archives, show:<br>
            <label><input type="radio" name="{SiteSettings.Names.ArchiveDisplay}" value="full"{(excerpt ? "" : " checked")}> Full text</label>
            <label><input type="radio" name="{SiteSettings.Names.ArchiveDisplay}" value="excerpt"{(excerpt ? " checked" : "")}> Excerpt</label></p>
            <p>Your homepage displays:<br>
            <label><input type="radio" name="{SiteSettings.Names.ShowOnFront}" value="posts"{(staticFront ? "" : " checked")}> Your latest posts</label>
            <label><input type="radio" name="{SiteSettings.Names.ShowOnFront}" value="page"{(staticFront ? " checked" : "")}> A static page (choose below)</label></p>
            {PageSelect(SiteSettings.Names.PageOnFront, "Homepage", "— Select —")}
            {PageSelect(SiteSettings.Names.PageForPosts, "Posts page", "— None —")}
            <p><small id="feed-note">The two feed settings below are kept for the RSS and Atom feeds, which are still to come; nothing uses them yet.</small></p>
            {Field(SiteSettings.Names.FeedItems, "Syndication feeds show the most recent", "number")}
            <p>For each post in a feed, include:<br>
            <label><input type="radio" name="{SiteSettings.Names.FeedExcerptOnly}" value="0"{(feedExcerpt ? "" : " checked")}> Full text</label>
            <label><input type="radio" name="{SiteSettings.Names.FeedExcerptOnly}" value="1"{(feedExcerpt ? " checked" : "")}> Excerpt</label></p>
            <p><label><input type="checkbox" name="blog_public_off"{(v[SiteSettings.Names.BlogPublic] == "0" ? " checked" : "")}> Discourage search engines from indexing this site</label></p>
            </fieldset>
            <fieldset><legend>Discussion</legend>
            <p><small id="discussion-note">Readers cannot post comments yet: that arrives with the comments feature, which uses these settings. Until then
            only "Allow people to submit comments on new posts" (a new post's comment status) and the threading depth (how comments nest
            on a post's page) take effect.</small></p>
            {Check(DiscussionSettings.Names.DefaultCommentStatus, "Allow people to submit comments on new posts")}
            {Check(DiscussionSettings.Names.RequireNameEmail, "Comment author must fill out name and email")}
            {Check(DiscussionSettings.Names.CommentRegistration, "Users must be registered and logged in to comment")}
            <p>{Box(DiscussionSettings.Names.CloseCommentsForOldPosts, "Automatically close comments on old posts")} {Small(DiscussionSettings.Names.CloseCommentsDaysOld, "Close after this many days")}</p>
            <p>{Box(DiscussionSettings.Names.ThreadComments, "Enable threaded (nested) comments")} {Small(DiscussionSettings.Names.ThreadCommentsDepth, "Levels deep")}</p>
            <p>{Box(DiscussionSettings.Names.PageComments, "Break comments into pages")} {Small(DiscussionSettings.Names.CommentsPerPage, "Top level comments per page")}</p>
            {Check(DiscussionSettings.Names.CommentModeration, "Comment must be manually approved")}
            {Check(DiscussionSettings.Names.CommentPreviouslyApproved, "Comment author must have a previously approved comment")}
            <p>{Small(DiscussionSettings.Names.CommentMaxLinks, "Hold a comment in the queue if it contains this many links or more")}</p>
            <p><label for="{DiscussionSettings.Names.ModerationKeys}">Comment Moderation: words, names, addresses or IPs that hold a comment for moderation, one per line</label><br>
            <textarea id="{DiscussionSettings.Names.ModerationKeys}" name="{DiscussionSettings.Names.ModerationKeys}" rows="4" cols="50">{PlainPage.Encode(v[DiscussionSettings.Names.ModerationKeys])}</textarea></p>
            <p><label for="{DiscussionSettings.Names.DisallowedKeys}">Disallowed Comment Keys: comments containing any of these go to the trash, one per line</label><br>
            <textarea id="{DiscussionSettings.Names.DisallowedKeys}" name="{DiscussionSettings.Names.DisallowedKeys}" rows="4" cols="50">{PlainPage.Encode(v[DiscussionSettings.Names.DisallowedKeys])}</textarea></p>
            {Check(DiscussionSettings.Names.CommentsNotify, "Email me whenever anyone posts a comment")}
            {Check(DiscussionSettings.Names.ModerationNotify, "Email me whenever a comment is held for moderation")}
            </fieldset>
            <fieldset><legend>Permalinks</legend>
            {structures}
            <p><label><input type="radio" name="{SiteSettings.Names.PermalinkStructure}" value="custom"{(isCommon ? "" : " checked")}> Custom structure:</label>
            <label for="permalink_custom" class="screen-reader-text">Custom structure</label><input id="permalink_custom" name="permalink_custom" value="{PlainPage.Encode(isCommon ? "" : structure)}"></p>
            <p>Old links keep working: after a change, each post's previous address answers with a permanent redirect.</p>
            </fieldset>
            <p><button type="submit">Save Changes</button></p>
            </form>
            """;
        return PlainPage.Result("Settings", body);
    }
}
