using System.Net;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Themes;

public abstract class ThemeTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task ChildTheme_OverridesOneTemplate_AndInheritsTheRest()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.SetOptionAsync(SiteSettings.Names.Theme, "child-test");

        var home = await site.PageAsync("/");
        using var helloWorld = await site.Client().GetAsync("/?p=1");
        var single = await site.PageAsync(helloWorld.Headers.Location!.OriginalString);

        Assert.NotNull(home.QuerySelector("main .entry-title"));
        Assert.Contains("Child Test", home.QuerySelector(".site-footer")!.TextContent);
        Assert.Equal("Rendered by the child theme", single.QuerySelector(".child-marker")?.TextContent);
        Assert.NotNull(single.QuerySelector("aside .widget-recent-posts"));
    }

    [Fact]
    public async Task BrokenTemplate_AnswersAPlainServerErrorWithoutInternals()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.SetOptionAsync(SiteSettings.Names.Theme, "broken-test");

        using var response = await site.Client().GetAsync("/");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("index.liquid", body);
        Assert.DoesNotContain(" at Masthead", body);
    }

    [Fact]
    public async Task ThemeAsset_FingerprintedUrl_IsCachedForAYear()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var home = await site.PageAsync("/");
        var href = home.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;

        using var response = await site.Client().GetAsync(href);

        Assert.Matches(@"^/theme-assets/masthead/style\.css\?v=[0-9a-f]{12}$", href);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        foreach (var outside in new[] { "/theme-assets/masthead/..%2Ftheme.json", "/theme-assets/masthead/%2E%2E/theme.json", "/theme-assets/no-such-theme/style.css" })
        {
            using var refused = await site.Client().GetAsync(outside);
            Assert.Contains(refused.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.BadRequest });
        }
    }
}

public sealed class SqliteThemeTests : ThemeTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresThemeTests : ThemeTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
