using System.Text.Json;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Themes;

/// <summary>What every reader page owes readers, assistive technology and search engines.</summary>
public abstract class ReaderHtmlTests(ReaderHtmlTests.Site fixture)
{
    /// <summary>The shared site's address book: where its single story and its category archive live.</summary>
    public sealed record Stories(TestSite Site, string SinglePath, string CategoryPath);

    /// <summary>
    /// A site with one story of each shape, shared by these read-only checks. It starts at the first test's call, not
    /// when the class starts, so a missing PostgreSQL skips (or under CI fails) each test with the reason.
    /// </summary>
    public abstract class Site(DatabaseKind kind) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private Stories? _stories;

        public async Task<Stories> GetAsync()
        {
            await _gate.WaitAsync();
            try
            {
                return _stories ??= await StartAsync();
            }
            finally
            {
                _gate.Release();
            }
        }

        private async Task<Stories> StartAsync()
        {
            // Canonical links are absolute only under a stored site address, here the one the environment names.
            var site = await TestSite.StartAsync(kind, new Dictionary<string, string?> { ["MASTHEAD_SITE_URL"] = "http://localhost" });
            var category = await site.AddTermAsync(Taxonomy.Category, "City Hall");
            var tag = await site.AddTermAsync(Taxonomy.PostTag, "Budget");
            var homes = await site.AddTermAsync(Taxonomy.PostTag, "Homes");
            var post = await site.AddPostAsync("Council passes the budget", p =>
            {
                p.PublishedAtUtc = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
                p.Content = "<h2>The vote</h2><p>Seven to two.</p><figure><img src=\"/vote.jpg\" alt=\"Councillors voting\" width=\"600\" height=\"400\"><figcaption>The vote.</figcaption></figure><blockquote><p>A fair deal.</p></blockquote>";
            }, category, tag, homes);
            var first = await site.AddCommentAsync(post, "Ana", "Good news.\n\nFinally.");
            await site.AddCommentAsync(post, "Ben", "Agreed <b>fully</b>.", first.Id);
            return new Stories(site, $"/2025/03/01/{post.Slug}/", $"/category/{category.Slug}/");
        }

        public async ValueTask DisposeAsync()
        {
            if (_stories is not null)
            {
                await _stories.Site.DisposeAsync();
            }
            _gate.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    public sealed class SqliteSite() : Site(DatabaseKind.Sqlite);

    public sealed class PostgresSite() : Site(DatabaseKind.Postgres);

    private static IEnumerable<string> ReaderPaths(Stories stories) =>
        ["/", stories.SinglePath, "/sample-page/", stories.CategoryPath, "/tag/budget/", "/tag/homes/", "/author/site-administrator/", "/2025/03/", "/?s=budget", "/no-such-page/"];

    [Fact]
    public async Task EveryPage_HasLandmarksSkipLinkTitleDescriptionAndCanonical()
    {
        var stories = await fixture.GetAsync();
        foreach (var path in ReaderPaths(stories))
        {
            using var response = await stories.Site.Client().GetAsync(path);
            var page = TestSite.Parse(await response.Content.ReadAsStringAsync());

            Assert.False(string.IsNullOrEmpty(page.DocumentElement.GetAttribute("lang")), path);
            foreach (var landmark in new[] { "header.site-header", "nav", "main#main", "aside", "footer.site-footer" })
            {
                Assert.True(page.QuerySelector(landmark) is not null, $"{path} lacks {landmark}");
            }
            Assert.Equal("#main", page.QuerySelector("a.skip-link")?.GetAttribute("href"));
            Assert.False(string.IsNullOrWhiteSpace(page.Title), path);
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("meta[name=description]")?.GetAttribute("content")), path);
            Assert.Single(page.QuerySelectorAll("h1"));
            if (response.IsSuccessStatusCode)
            {
                Assert.StartsWith("http://localhost/", page.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
            }
            // Reading needs no script; the only one is the theme's own file that enhances the comment form, deferred.
            Assert.All(page.QuerySelectorAll("script"), script =>
            {
                Assert.Matches("^/theme-assets/masthead/comments\\.js\\?v=", script.GetAttribute("src") ?? "");
                Assert.True(script.HasAttribute("defer"), path);
            });
            Assert.Contains("Log in", page.QuerySelector("footer.site-footer")!.TextContent);
        }
    }

    [Fact]
    public async Task Home_WithItsStylesheet_TransfersUnder50Kilobytes()
    {
        var client = (await fixture.GetAsync()).Site.Client();
        var html = await client.GetByteArrayAsync("/");
        var page = TestSite.Parse(System.Text.Encoding.UTF8.GetString(html));
        var total = html.Length;
        foreach (var link in page.QuerySelectorAll("link[rel=stylesheet]"))
        {
            total += (await client.GetByteArrayAsync(link.GetAttribute("href"))).Length;
        }

        Assert.InRange(total, 1, 50 * 1024);
    }

    [Fact]
    public async Task ReaderPages_PassTheNuHtmlChecker()
    {
        var jar = FindVnuJar();
        Needs.Present(jar is not null, "The Nu HTML checker is not installed: run `npm ci --prefix tests/Masthead.Tests` (.ci/run does).");
        var stories = await fixture.GetAsync();
        var folder = Directory.CreateTempSubdirectory("masthead-vnu-");
        try
        {
            var files = new List<string>();
            foreach (var (name, path) in new[] { ("home", "/"), ("single", stories.SinglePath), ("archive", stories.CategoryPath), ("notfound", "/no-such-page/") })
            {
                using var response = await stories.Site.Client().GetAsync(path);
                var file = Path.Combine(folder.FullName, $"{name}.html");
                await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());
                files.Add(file);
            }

            // vnu writes its JSON report to standard error.
            var (exitCode, _, errorStream) = await ExternalProgram.RunAsync("java", ["-jar", jar!, "--errors-only", "--format", "json", .. files]);

            using var report = JsonDocument.Parse(errorStream);
            var errors = report.RootElement.GetProperty("messages").EnumerateArray()
                .Select(m => $"{Path.GetFileName(m.GetProperty("url").GetString())}:{m.GetProperty("lastLine")}: {m.GetProperty("message").GetString()}")
                .ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors));
            Assert.Equal(0, exitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string? FindVnuJar()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var jar = Path.Combine(dir.FullName, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
            if (File.Exists(jar))
            {
                return jar;
            }
        }
        return null;
    }
}

public sealed class SqliteReaderHtmlTests(ReaderHtmlTests.SqliteSite fixture) : ReaderHtmlTests(fixture), IClassFixture<ReaderHtmlTests.SqliteSite>;

public sealed class PostgresReaderHtmlTests(ReaderHtmlTests.PostgresSite fixture) : ReaderHtmlTests(fixture), IClassFixture<ReaderHtmlTests.PostgresSite>;
