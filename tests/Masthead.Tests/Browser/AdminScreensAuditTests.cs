using System.Net;
using System.Text.Json;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Browser;

/// <summary>
/// Every admin screen in Debian's Chromium, for an administrator and for an author, at 390 px and 1366 px: axe-core
/// finds no violation, no screen scrolls sideways on a phone, and each is photographed for people to look at
/// (under the test output's <c>screenshots/admin</c> folder). Lighthouse scores the busiest screens.
/// </summary>
public sealed class AdminScreensAuditTests
{
    /// <summary>Where the screenshots go: beside the test binaries, so under bin/ and never committed.</summary>
    public static readonly string ScreenshotFolder = Path.Combine(AppContext.BaseDirectory, "screenshots", "admin");

    private static readonly string[] SignedOutScreens = ["/login", "/login/lost"];
    private static readonly string[] SetupScreens = ["/setup"];
    private static readonly string[] LighthouseCategories = ["accessibility", "best-practices"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task AdminScreens_AxeFindsNothing_NoneScrollsSideways_ForAnAdministratorAndAnAuthor()
    {
        var tools = BrowserTools.Require();
        var newsroom = await Newsroom.StartAsync(DatabaseKind.Sqlite, onRealPort: true);
        await using var site = newsroom.Site;
        var screens = await ScreensAsync(newsroom);

        var seen = await AuditAsync(tools, site.Address,
            new { login = "admin", password = TestSite.AdminPassword, paths = screens.Administrator },
            new { login = "author-a", password = Newsroom.Password, paths = screens.Author },
            new { login = "-", password = "", paths = SignedOutScreens });

        Assert.Equal((screens.Administrator.Length + screens.Author.Length + 2) * 2, seen.Count);
        Assert.All(seen, s => Assert.True(s.Status == Expected(s), $"{s.Who} {s.Path}: status {s.Status}"));
        Assert.Empty(seen.Where(s => s.Sideways).Select(s => $"{s.Who} {s.Path} @{s.Width}px scrolls sideways"));
        Assert.Empty(seen.SelectMany(s => s.Violations.Select(v => $"{s.Who} {s.Path} @{s.Width}px: {v}")));
        Assert.All(seen, s => Assert.True(new FileInfo(Path.Combine(ScreenshotFolder, s.File)).Length > 5_000, s.File));
    }

    [Fact]
    public async Task Setup_AxeFindsNothing_AtBothWidths()
    {
        var tools = BrowserTools.Require();
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite, new Dictionary<string, string?> { ["MASTHEAD_ADMIN_PASSWORD"] = "" }, onRealPort: true);

        var seen = await AuditAsync(tools, site.Address, new { login = "-", password = "", paths = SetupScreens });

        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.Equal(200, s.Status));
        Assert.Empty(seen.Where(s => s.Sideways).Select(s => $"/setup @{s.Width}px scrolls sideways"));
        Assert.Empty(seen.SelectMany(s => s.Violations));
    }

    [Fact]
    public async Task Dashboard_PostsList_AndEditor_Lighthouse_Scores100ForAccessibilityAndBestPractices()
    {
        var tools = BrowserTools.Require();
        var newsroom = await Newsroom.StartAsync(DatabaseKind.Sqlite, onRealPort: true);
        await using var site = newsroom.Site;
        var paths = new[] { "/admin", "/admin/posts", $"/admin/posts/{newsroom.Posts["a-published"]}/edit" };

        var (exitCode, output, errors) = await ExternalProgram.RunAsync("node",
            [Path.Combine(tools, "Browser", "admin-lighthouse.mjs"), BrowserTools.Chromium, site.Address, "admin", TestSite.AdminPassword, .. paths],
            tools);

        Assert.True(exitCode == 0, errors);
        using var report = JsonDocument.Parse(output);
        var scores = paths.SelectMany(path => LighthouseCategories.Select(category =>
            (path, category, result: report.RootElement.GetProperty(path).GetProperty(category)))).ToList();
        Assert.Equal(6, scores.Count);
        Assert.Empty(scores.Where(s => s.result.GetProperty("score").GetDouble() < 1)
            .Select(s => $"{s.path} {s.category} {s.result.GetProperty("score").GetDouble() * 100}: {s.result.GetProperty("failing")}"));
    }

    private static int Expected(Seen screen) => screen switch
    {
        { Who: "author-a", Path: "/admin/users" } => 403,
        { Path: "/admin/no-such-screen" } => 404,
        _ => 200,
    };

    private sealed record Screens(string[] Administrator, string[] Author);

    /// <summary>The screens to visit, with content behind them: a post with revisions, a page, a category, a tag.</summary>
    private static async Task<Screens> ScreensAsync(Newsroom newsroom)
    {
        var site = newsroom.Site;
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("City Hall"));
        await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("budget"));
        var page = await site.AddPostAsync(Unique.Name("About the newsroom"), p => p.Type = PostType.Page);
        var post = newsroom.Posts["a-published"];
        // Over real sockets: the site listens on a real port for the browser.
        var author = site.SocketClient();
        (await TestSite.LogInAsync(author, "author-a", Newsroom.Password)).Dispose();
        foreach (var text in (string[])["The council met.\nIt voted.", "The council met late.\nIt voted seven to two."])
        {
            using var saved = await BrowserForm.SubmitAsync(author, $"/admin/posts/{post}/edit", $"/admin/posts/{post}/edit", f =>
            {
                f["action"] = "publish";
                f["content"] = text;
            });
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        // Comments in every state on author-a's post, a reply among them, so the list shows each kind of row.
        var story = await site.DbAsync(db => db.Posts.AsNoTracking().SingleAsync(p => p.Id == post));
        var held = await site.AddCommentAsync(story, "Marguerite Okafor", "Will the bus lanes reach the north side?\n\nAsking for the whole street.",
            approval: CommentApproval.Pending);
        var approved = await site.AddCommentAsync(story, "Oskar Lindqvist", "A clear account of a long meeting. Thank you.");
        await site.AddCommentAsync(story, "author-a", "They will, from March.", parentId: approved.Id);
        await site.AddCommentAsync(story, "Cheap Pills", "Buy now at a discount!", approval: CommentApproval.Spam);
        await site.DbAsync(db => db.Comments.Where(c => c.Id == held.Id).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.AuthorEmail, "marguerite@example.org").SetProperty(c => c.AuthorIp, "198.51.100.23")));
        string[] shared =
        [
            "/admin", "/admin/posts", "/admin/posts/new", $"/admin/posts/{post}/revisions",
            "/admin/profile", "/admin/profile/two-factor",
            "/admin/comments", "/admin/comments?comment_status=moderated", "/admin/comments?comment_status=spam", $"/admin/comments?p={post}&s=zebra",
            $"/admin/comments/{held.Id}/edit", $"/admin/comments/{held.Id}/reply", $"/admin/comments/{held.Id}/moderate?action=approve",
        ];
        return new Screens(
            [
                // Not author-a's post: their editor holds its lock, and the administrator would meet "being edited".
                .. shared, $"/admin/posts/{newsroom.Posts["b-published"]}/edit", "/admin/posts?post_status=trash", "/admin/pages", "/admin/pages/new", $"/admin/pages/{page.Id}/edit",
                "/admin/categories", $"/admin/categories/{category.Id}/edit", "/admin/tags", "/admin/users",
                $"/admin/users/{newsroom.Users["author-b"]}/delete", "/admin/themes", "/admin/settings", "/admin/activity",
                "/admin/tools/erase-personal-data", "/admin/tools/export-personal-data",
                "/admin/no-such-screen",
            ],
            [.. shared, $"/admin/posts/{post}/edit", "/admin/users"]);
    }

    private sealed record Seen(string Who, string Path, int Width, int Status, bool Sideways, string File, string[] Violations);

    private static async Task<List<Seen>> AuditAsync(string tools, string address, params object[] visits)
    {
        var (exitCode, output, errors) = await ExternalProgram.RunAsync("node",
            [Path.Combine(tools, "Browser", "admin-audit.mjs"), BrowserTools.Chromium, address, ScreenshotFolder, JsonSerializer.Serialize(visits)],
            tools);
        Assert.True(exitCode == 0, errors);
        return JsonSerializer.Deserialize<List<Seen>>(output, Json)!;
    }
}
