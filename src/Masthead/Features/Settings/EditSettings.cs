using System.Globalization;
using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Masthead.Features.Settings;

/// <summary>
/// The administrator's settings: General (title, tagline, e-mail, time zone, formats, week start), Reading (posts per
/// page, full text or excerpt, search engines) and Permalinks. A changed permalink structure keeps every old link
/// working: the old structure is remembered and its URLs answer 301.
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
        return Page(http, antiforgery, Values(settings), saved, []);
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

        var errors = Validate(values);
        if (errors.Count > 0)
        {
            return Page(http, antiforgery, values, null, errors);
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
    };

    private static List<string> Validate(Dictionary<string, string> v)
    {
        var errors = new List<string>();
        if (v[SiteSettings.Names.Title].Length is 0 or > 200)
        {
            errors.Add("Site Title: write one, up to 200 characters.");
        }
        if (v[SiteSettings.Names.HomeUrl] is { Length: > 0 } home
            && (home.Length > 200 || !Uri.TryCreate(home, UriKind.Absolute, out var homeUri) || homeUri.Scheme is not ("http" or "https")))
        {
            errors.Add("Site Address (URL): an http or https address such as https://news.example.org.");
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

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, Dictionary<string, string> v, string? notice, List<string> errors)
    {
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
            <p><label for="{SiteSettings.Names.WeekStart}">Week Starts On</label><br><select id="{SiteSettings.Names.WeekStart}" name="{SiteSettings.Names.WeekStart}">{days}</select></p>
            </fieldset>
            <fieldset><legend>Reading</legend>
            {Field(SiteSettings.Names.PostsPerPage, "Blog pages show at most", "number")}
            <p>For each post on the home page and in archives, show:<br>
            <label><input type="radio" name="{SiteSettings.Names.ArchiveDisplay}" value="full"{(excerpt ? "" : " checked")}> Full text</label>
            <label><input type="radio" name="{SiteSettings.Names.ArchiveDisplay}" value="excerpt"{(excerpt ? " checked" : "")}> Excerpt</label></p>
            <p><label><input type="checkbox" name="blog_public_off"{(v[SiteSettings.Names.BlogPublic] == "0" ? " checked" : "")}> Discourage search engines from indexing this site</label></p>
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
