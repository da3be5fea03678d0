using System.Text.Json;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Browser;

/// <summary>
/// The reader pages in a real headless Chromium (Debian's package): axe-core finds no accessibility violation at
/// phone and desktop widths, and Lighthouse scores 100 for accessibility, best practices and SEO.
/// </summary>
public sealed class BrowserAuditTests
{
    [Fact]
    public async Task ReaderPages_AxeCore_FindsNoViolations()
    {
        var tools = BrowserTools.Require();
        await using var site = await StartSiteAsync();
        var single = await SinglePathAsync(site);

        var (exitCode, output, errors) = await ExternalProgram.RunAsync("node",
            [Path.Combine(tools, "Browser", "axe-audit.mjs"), BrowserTools.Chromium, site.Address, "/", single, "/category/city-hall/", "/?s=budget", "/no-such-page/", "/login", "/login/lost"],
            tools);

        Assert.True(exitCode == 0, errors);
        using var report = JsonDocument.Parse(output);
        var violations = report.RootElement.EnumerateObject()
            .SelectMany(page => page.Value.EnumerateArray().Select(v => $"{page.Name}: {v}"))
            .ToList();
        Assert.True(violations.Count == 0, string.Join('\n', violations));
        Assert.Equal(14, report.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task HomePage_Lighthouse_Scores100ForAccessibilityBestPracticesAndSeo()
    {
        var tools = BrowserTools.Require();
        await using var site = await StartSiteAsync();

        var (exitCode, output, errors) = await ExternalProgram.RunAsync("node",
            [Path.Combine(tools, "node_modules", "lighthouse", "cli", "index.js"), site.Address + "/",
             "--output=json", "--output-path=stdout", "--quiet", "--only-categories=accessibility,best-practices,seo",
             $"--chrome-flags={string.Join(' ', BrowserTools.ChromiumFlags)}"],
            tools, ("CHROME_PATH", BrowserTools.Chromium));

        Assert.True(exitCode == 0, errors);
        using var report = JsonDocument.Parse(output);
        var root = report.RootElement;
        foreach (var category in new[] { "accessibility", "best-practices", "seo" })
        {
            var score = root.GetProperty("categories").GetProperty(category).GetProperty("score").GetDouble();
            var failing = root.GetProperty("categories").GetProperty(category).GetProperty("auditRefs").EnumerateArray()
                .Select(a => root.GetProperty("audits").GetProperty(a.GetProperty("id").GetString()!))
                .Where(a => a.GetProperty("score").ValueKind == JsonValueKind.Number && a.GetProperty("score").GetDouble() < 1)
                .Select(a => a.GetProperty("id").GetString());
            Assert.True(score == 1, $"{category} scored {score * 100}: {string.Join(", ", failing)}");
        }
    }

    [Fact]
    public async Task Newsroom_AdministratorPublishesFromTheEditor_AndAnAuthorCannotReachUsers()
    {
        var tools = BrowserTools.Require();
        var newsroom = await Newsroom.StartAsync(DatabaseKind.Sqlite, new Dictionary<string, string?> { ["Editor:AutosaveSeconds"] = "1" }, onRealPort: true);
        await using var site = newsroom.Site;
        var title = Unique.Name("Browser-written story");

        var (exitCode, output, errors) = await ExternalProgram.RunAsync("node",
            [Path.Combine(tools, "Browser", "newsroom-flow.mjs"), BrowserTools.Chromium, site.Address, TestSite.AdminPassword, "author-a", Newsroom.Password, title],
            tools);

        Assert.True(exitCode == 0, errors);
        using var seen = JsonDocument.Parse(output);
        var root = seen.RootElement;
        Assert.StartsWith("Published.", root.GetProperty("afterPublish").GetString(), StringComparison.Ordinal);
        Assert.Equal(title, root.GetProperty("homeTitles")[0].GetString());
        Assert.StartsWith("Draft autosaved at", root.GetProperty("autosaveStatus").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await site.DbAsync(db => db.Posts.CountAsync(p => p.Type == Masthead.Features.Posts.PostType.Revision && p.Slug.EndsWith("-autosave-v1") && p.Content.Contains("a later paragraph"))));
        Assert.True(root.GetProperty("editorViolations").GetArrayLength() == 0, root.GetProperty("editorViolations").ToString());
        Assert.Equal("/admin/denied", root.GetProperty("authorUsersPath").GetString());
        Assert.Equal(403, root.GetProperty("authorUsersStatus").GetInt32());
        Assert.False(root.GetProperty("authorSeesUserTable").GetBoolean());
    }

    private static async Task<TestSite> StartSiteAsync()
    {
        var site = await TestSite.StartAsync(DatabaseKind.Sqlite, onRealPort: true);
        var category = await site.AddTermAsync(Taxonomy.Category, "City Hall");
        var post = await site.AddPostAsync("Council passes the budget", p =>
        {
            p.PublishedAtUtc = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
            p.Content = "<h2>The vote</h2><p>Seven to two, after a long evening.</p><blockquote><p>A fair deal for every street.</p></blockquote>";
        }, category);
        var first = await site.AddCommentAsync(post, "Ana", "Good news.");
        await site.AddCommentAsync(post, "Ben", "Agreed.", first.Id);
        return site;
    }

    private static async Task<string> SinglePathAsync(TestSite site)
    {
        using var response = await site.Client().GetAsync("/?s=budget");
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        return page.QuerySelector("main .entry-title a")!.GetAttribute("href")!;
    }
}
