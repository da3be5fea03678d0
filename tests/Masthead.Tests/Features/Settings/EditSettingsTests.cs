using System.Net;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Masthead.Tests.Features.Settings;

public abstract class EditSettingsTests
{
    protected abstract DatabaseKind Kind { get; }

    private static async Task<HttpClient> AdminAsync(TestSite site)
    {
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        return client;
    }

    [Fact]
    public async Task Settings_StoredButNotYetUsed_AreLabelledSoOnTheScreen()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);

        var page = TestSite.Parse(await admin.GetStringAsync("/admin/settings"));

        // No setting silently does nothing: each one that waits for a later feature says so beside it.
        Assert.Contains("nothing uses it yet", page.QuerySelector("#week-start-note")?.TextContent, StringComparison.Ordinal);
        Assert.Contains("nothing uses them yet", page.QuerySelector("#feed-note")?.TextContent, StringComparison.Ordinal);
        // The Discussion settings all work now that readers post comments, so they carry no such note.
        Assert.Null(page.QuerySelector("#discussion-note"));
    }

    [Fact]
    public async Task Settings_NewPermalinkStructure_ServesNewLinksAndRedirectsOldOnes()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        using var before = await site.Client().GetAsync("/?p=1");
        var oldUrl = before.Headers.Location!.OriginalString;

        using var saved = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings",
            f => f[SiteSettings.Names.PermalinkStructure] = "/%postname%/");

        Assert.Equal("/admin/settings?updated=true", saved.Headers.Location?.OriginalString);
        var post = await site.PageAsync("/hello-world/");
        Assert.Equal("Hello world!", post.QuerySelector("main h1")?.TextContent);
        using var old = await site.Client().GetAsync(oldUrl);
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal("/hello-world/", old.Headers.Location?.OriginalString);

        // A second change still redirects links from the first structure.
        (await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings",
            f => f[SiteSettings.Names.PermalinkStructure] = "/archives/%post_id%")).Dispose();
        using var oldest = await site.Client().GetAsync(oldUrl);
        Assert.Equal("/archives/1", oldest.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Settings_StaticFrontPage_ServesThePageAtHome_AndThePostsPageListsPosts()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        // Canonical links are absolute, so only a site with a stored address has them.
        await site.SetOptionAsync(SiteSettings.Names.HomeUrl, "https://news.example.org");
        var welcome = await site.AddPostAsync("Welcome", p => p.Type = Masthead.Features.Posts.PostType.Page);
        var news = await site.AddPostAsync("News", p => p.Type = Masthead.Features.Posts.PostType.Page);

        using var refused = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f => f[SiteSettings.Names.ShowOnFront] = "page");
        using var saved = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f =>
        {
            f[SiteSettings.Names.ShowOnFront] = "page";
            f[SiteSettings.Names.PageOnFront] = welcome.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            f[SiteSettings.Names.PageForPosts] = news.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });

        Assert.Contains("Homepage: choose a published page.", TestSite.Parse(await refused.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var home = await site.PageAsync("/");
        Assert.Equal("Welcome", home.QuerySelector("main h1")!.TextContent.Trim());
        Assert.Equal("https://news.example.org/", home.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        using var ownAddress = await site.Client().GetAsync("/welcome/");
        Assert.Equal(HttpStatusCode.MovedPermanently, ownAddress.StatusCode);
        Assert.Equal("/", ownAddress.Headers.Location?.OriginalString);
        var postsPage = await site.PageAsync("/news/");
        Assert.Contains("Hello world!", postsPage.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_Discussion_IsSavedUnderWordPressNames_AndNewPostsFollowIt()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);

        using var saved = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f =>
        {
            f.Remove(DiscussionSettings.Names.DefaultCommentStatus);
            f[DiscussionSettings.Names.CommentModeration] = "1";
            f[DiscussionSettings.Names.CommentMaxLinks] = "5";
            f[DiscussionSettings.Names.DisallowedKeys] = "casino\nfree money";
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var options = await site.DbAsync(db => db.Options.ToDictionaryAsync(o => o.Name, o => o.Value));
        Assert.Equal("closed", options[DiscussionSettings.Names.DefaultCommentStatus]);
        Assert.Equal("1", options[DiscussionSettings.Names.CommentModeration]);
        Assert.Equal("5", options[DiscussionSettings.Names.CommentMaxLinks]);
        Assert.Equal("1", options[DiscussionSettings.Names.RequireNameEmail]);
        var settings = SiteSettings.FromOptions(options);
        Assert.Equal(["casino", "free money"], settings.Discussion.DisallowedWords);
        var editor = TestSite.Parse(await admin.GetStringAsync("/admin/posts/new"));
        Assert.Null(editor.QuerySelector("input[name=comment_status][checked]"));
    }

    [Fact]
    public async Task Settings_InvalidValues_SayWhatIsWrongAndSaveNothing()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);

        using var response = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f =>
        {
            f[SiteSettings.Names.Title] = "Changed";
            f[SiteSettings.Names.PostsPerPage] = "0";
            f[SiteSettings.Names.TimeZone] = "Mars/Olympus_Mons";
            f[SiteSettings.Names.PermalinkStructure] = "custom";
            f["permalink_custom"] = "/%year%/";
        });

        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, page.QuerySelectorAll("[role=alert] li").Length);
        Assert.Equal("Masthead", (await site.PageAsync("/")).QuerySelector(".site-title a")?.TextContent);
    }

    [Fact]
    public async Task Settings_TitleAndDiscourageSearchEngines_ShowOnTheSite()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);

        (await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f =>
        {
            f[SiteSettings.Names.Title] = "The Riverside Ledger";
            f["blog_public_off"] = "on";
        })).Dispose();

        var home = await site.PageAsync("/");
        Assert.Equal("The Riverside Ledger", home.QuerySelector(".site-title a")?.TextContent);
        Assert.Equal("noindex, follow", home.QuerySelector("meta[name=robots]")?.GetAttribute("content"));
        Assert.Contains("Disallow: /\n", await site.Client().GetStringAsync("/robots.txt"));
    }

    /// <summary>A site whose clock reads 1 December 2026, 13:50 UTC, so previews can be checked to the minute.</summary>
    private Task<TestSite> SiteAtAsync() =>
        TestSite.StartAsync(Kind, services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 13, 50, 0, TimeSpan.Zero))));

    [Fact]
    public async Task Settings_Preview_GivesWhatAFormatOrAZoneMakesOfNow_ToTheSignedIn()
    {
        await using var site = await SiteAtAsync();
        var admin = await AdminAsync(site);
        var anonymous = site.Client();
        var page = TestSite.Parse(await admin.GetStringAsync("/admin/settings"));

        Assert.Equal("Tuesday 1st December 2026", await admin.GetStringAsync("/admin/settings/preview?format=l+jS+F+Y&timezone=UTC"));
        // 13:50 UTC is 22:50 in Tokyo, and an unknown zone falls back to UTC.
        Assert.Equal("2026-12-01 22:50", await admin.GetStringAsync("/admin/settings/preview?timezone=Asia%2FTokyo"));
        Assert.Equal("13:50", await admin.GetStringAsync("/admin/settings/preview?format=H:i&timezone=Nowhere%2FAtAll"));
        Assert.NotNull(page.QuerySelector("script[src^='/admin-assets/settings.']"));
        Assert.Equal("F j, Y", page.QuerySelector(".format-preview[data-format='F j, Y']")?.GetAttribute("data-format"));
        using var signedOut = await anonymous.GetAsync("/admin/settings/preview?format=Y");
        Assert.NotEqual(HttpStatusCode.OK, signedOut.StatusCode);
    }

    [Fact]
    public async Task Settings_TimeZone_IsASelectGroupedByRegion_WithTheStoredZoneChosenAndItsLocalTime()
    {
        await using var site = await SiteAtAsync();
        await site.SetOptionAsync(SiteSettings.Names.TimeZone, "Europe/Paris");
        var admin = await AdminAsync(site);

        var page = TestSite.Parse(await admin.GetStringAsync("/admin/settings"));

        var select = page.QuerySelector($"select#{SiteSettings.Names.TimeZone}")!;
        Assert.NotNull(select.QuerySelector("optgroup[label=Europe] option[value='Europe/Berlin']"));
        Assert.NotNull(select.QuerySelector("optgroup[label=America] option[value='America/New_York']"));
        Assert.NotNull(select.QuerySelector("optgroup[label=UTC] option[value=UTC]"));
        Assert.Null(select.QuerySelector("optgroup[label=Europe] option[value='America/New_York']"));
        Assert.Equal(["Europe/Paris"], select.QuerySelectorAll("option[selected]").Select(o => o.GetAttribute("value")));
        // Paris is an hour ahead of UTC in December.
        Assert.Equal("2026-12-01 14:50", page.QuerySelector("#local-time")?.TextContent);
    }

    [Fact]
    public async Task Settings_DateAndTimeFormats_AreRadiosPreviewingToday()
    {
        await using var site = await SiteAtAsync();
        var admin = await AdminAsync(site);

        var page = TestSite.Parse(await admin.GetStringAsync("/admin/settings"));

        string[] Previews(string name) =>
            [.. page.QuerySelectorAll($"input[type=radio][name={name}]").Select(r => r.ParentElement!.QuerySelector(".format-preview")?.TextContent ?? "")];
        Assert.Equal(["December 1, 2026", "2026-12-01", "12/01/2026", "01/12/2026", ""], Previews(SiteSettings.Names.DateFormat));
        Assert.Equal(["1:50 pm", "1:50 PM", "13:50", ""], Previews(SiteSettings.Names.TimeFormat));
        Assert.Equal("F j, Y", page.QuerySelector($"input[name={SiteSettings.Names.DateFormat}][checked]")?.GetAttribute("value"));
    }

    [Fact]
    public async Task Settings_CustomDateFormat_IsSavedAndComesBackWithItsPreview()
    {
        await using var site = await SiteAtAsync();
        var admin = await AdminAsync(site);

        using var saved = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f =>
        {
            f[SiteSettings.Names.DateFormat] = "custom";
            f["date_format_custom"] = "l, j F Y";
        });

        Assert.Equal("/admin/settings?updated=true", saved.Headers.Location?.OriginalString);
        Assert.Equal("l, j F Y", await site.DbAsync(db => db.Options.Where(o => o.Name == SiteSettings.Names.DateFormat).Select(o => o.Value).SingleAsync()));
        var page = TestSite.Parse(await admin.GetStringAsync("/admin/settings"));
        Assert.Equal("custom", page.QuerySelector($"input[name={SiteSettings.Names.DateFormat}][checked]")?.GetAttribute("value"));
        Assert.Equal("l, j F Y", page.QuerySelector("#date_format_custom")?.GetAttribute("value"));
        Assert.Equal("Tuesday, 1 December 2026", page.QuerySelector("#date_format_custom-preview .format-preview")?.TextContent);
    }

    [Fact]
    public async Task Settings_PermalinkChoices_ShowExampleUrlsOfThisSite()
    {
        await using var site = await SiteAtAsync();
        await site.SetOptionAsync(SiteSettings.Names.HomeUrl, "https://news.example.org");
        var admin = await AdminAsync(site);

        var page = TestSite.Parse(await admin.GetStringAsync("/admin/settings"));

        var examples = page.QuerySelectorAll("input[name=permalink_structure]")
            .Select(r => r.ParentElement!.QuerySelector(".example-url")?.TextContent).OfType<string>().ToList();
        Assert.Equal(EditSettings.CommonStructures.Count, examples.Count);
        Assert.All(examples, e => Assert.StartsWith("https://news.example.org/", e, StringComparison.Ordinal));
        Assert.Contains("https://news.example.org/2026/12/01/sample-post/", examples);
        Assert.Contains("https://news.example.org/sample-post/", examples);
    }

    [Fact]
    public async Task Settings_RefusedSave_KeepsWhatWasTyped_WithTheErrorBesideItsField()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);

        using var response = await BrowserForm.SubmitAsync(admin, "/admin/settings", "/admin/settings", f =>
        {
            f[SiteSettings.Names.Title] = "";
            f[SiteSettings.Names.Tagline] = "Typed, not yet saved";
            f[SiteSettings.Names.TimeFormat] = "custom";
            f["time_format_custom"] = "G.i";
        });

        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("Site Title", page.QuerySelector($"#{SiteSettings.Names.Title}-error")?.TextContent, StringComparison.Ordinal);
        Assert.Contains("Site Title", page.QuerySelector("[role=alert] li")?.TextContent, StringComparison.Ordinal);
        Assert.Equal("Typed, not yet saved", page.QuerySelector($"#{SiteSettings.Names.Tagline}")?.GetAttribute("value"));
        Assert.Equal("G.i", page.QuerySelector("#time_format_custom")?.GetAttribute("value"));
        Assert.Equal("custom", page.QuerySelector($"input[name={SiteSettings.Names.TimeFormat}][checked]")?.GetAttribute("value"));
    }

    [Fact]
    public async Task Settings_Editor_IsNotLetIn()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.DbAsync(db => db.Users.ExecuteUpdateAsync(u => u.SetProperty(x => x.Role, "editor")));
        var editor = await AdminAsync(site);

        using var page = await editor.GetAsync("/admin/settings");
        using var post = await editor.PostAsync("/admin/settings", new FormUrlEncodedContent(new Dictionary<string, string> { ["blogname"] = "Hijacked" }));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("Masthead", (await site.PageAsync("/")).QuerySelector(".site-title a")?.TextContent);
    }
}

public sealed class SqliteEditSettingsTests : EditSettingsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresEditSettingsTests : EditSettingsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
