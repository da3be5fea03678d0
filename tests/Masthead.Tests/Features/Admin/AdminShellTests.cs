using System.Net;
using Masthead.Features.Admin;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Admin;

/// <summary>The shell around admin screens: its stylesheet, and a menu that offers each role only what it may use.</summary>
public abstract class AdminShellTests(SiteFixture fixture)
{
    [Fact]
    public async Task Stylesheet_BeforeSetUp_IsServedToTheSetupCardAndCachedForAYear()
    {
        await using var site = await TestSite.StartAsync(fixture.Kind, new Dictionary<string, string?> { ["MASTHEAD_ADMIN_PASSWORD"] = "" });
        var client = site.Client();
        var setup = TestSite.Parse(await client.GetStringAsync("/setup"));
        var href = setup.QuerySelector("link[rel=stylesheet]")?.GetAttribute("href");

        using var css = await client.GetAsync(href);
        using var stale = await client.GetAsync("/admin-assets/admin.000000000000.css");

        Assert.Equal(AdminAssets.StylesheetUrl, href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", css.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var sheet = await css.Content.ReadAsStringAsync();
        Assert.Contains("--accent", sheet, StringComparison.Ordinal);
        // An unclosed block (a merge can leave one) silently swallows every rule after it.
        Assert.Equal(sheet.Count(c => c == '{'), sheet.Count(c => c == '}'));
        using var compressedRequest = new HttpRequestMessage(HttpMethod.Get, href);
        compressedRequest.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var compressed = await client.SendAsync(compressedRequest);
        Assert.Equal("br", compressed.Content.Headers.ContentEncoding.Single());
        await using (var unpacked = new System.IO.Compression.BrotliStream(await compressed.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress))
        using (var text = new StreamReader(unpacked))
        {
            Assert.Equal(await css.Content.ReadAsStringAsync(), await text.ReadToEndAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
    }

    [Fact]
    public async Task UnknownAdminAddress_SignedIn_AnswersTheAdminsOwn404InsideTheShell_SignedOut_LeadsToLogIn()
    {
        var site = await fixture.GetAsync();
        var admin = site.Client();
        (await TestSite.LogInAsync(admin, "admin", TestSite.AdminPassword)).Dispose();

        using var missing = await admin.GetAsync("/admin/no-such-screen");
        var page = TestSite.Parse(await missing.Content.ReadAsStringAsync());
        using var stranger = await site.Client().GetAsync("/admin/no-such-screen");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Page not found", page.QuerySelector("main h1")?.TextContent);
        Assert.NotNull(page.QuerySelector(".admin-menu"));
        Assert.Equal("no-store", missing.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.Redirect, stranger.StatusCode);
        Assert.StartsWith("/login", stranger.Headers.Location?.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryAdminEndpoint_RequiresASignedInUser()
    {
        var site = await fixture.GetAsync();
        var endpoints = site.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } route && (route == "/admin" || route.StartsWith("/admin/", StringComparison.Ordinal)))
            .ToList();

        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} admin endpoints found");
        Assert.Empty(endpoints.Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any()).Select(e => e.RoutePattern.RawText));
        Assert.Empty(endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText));
    }

    [Fact]
    public async Task Profile_WhenTheAccountWasDeletedSinceSigningIn_LeadsBackToLogIn()
    {
        await using var site = await TestSite.StartAsync(fixture.Kind);
        int gone;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var user = new Masthead.Features.Users.User { Login = "leaving", Email = "leaving@example.org", DisplayName = "Leaving", Slug = "leaving", Role = "author" };
            Assert.True((await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Masthead.Features.Users.User>>()
                .CreateAsync(user, Newsroom.Password)).Succeeded);
            gone = user.Id;
        }
        var client = site.Client();
        (await TestSite.LogInAsync(client, "leaving", Newsroom.Password)).Dispose();
        using var before = await client.GetAsync("/admin/profile");
        await site.DbAsync(db => db.Users.Where(u => u.Id == gone).ExecuteDeleteAsync());

        using var after = await client.GetAsync("/admin/profile");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/login", after.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/posts")]
    [InlineData("/admin/posts/new")]
    [InlineData("/admin/users")]
    [InlineData("/admin/settings")]
    public async Task AdminPage_WithItsStylesheetAndScripts_WeighsUnder60KB(string path)
    {
        var site = await fixture.GetAsync();
        var admin = site.Client();
        (await TestSite.LogInAsync(admin, "admin", TestSite.AdminPassword)).Dispose();

        var html = await admin.GetByteArrayAsync(path);
        var page = TestSite.Parse(System.Text.Encoding.UTF8.GetString(html));
        var assets = page.QuerySelectorAll("link[rel=stylesheet][href], script[src]")
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
            .ToList();
        long total = html.Length;
        foreach (var asset in assets)
        {
            // What a browser is sent: it asks for compression; the bytes counted are the ones on the wire.
            using var request = new HttpRequestMessage(HttpMethod.Get, asset);
            request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
            using var response = await admin.SendAsync(request);
            total += (await response.Content.ReadAsByteArrayAsync()).Length;
        }

        Assert.Contains(AdminAssets.StylesheetUrl, assets);
        Assert.True(total < 60 * 1024, $"{path} weighs {total:N0} bytes with {string.Join(", ", assets)}");
    }

    [Fact]
    public async Task ServerError_OnAnAdminScreen_IsShownInsideTheShell_WithoutInternals()
    {
        await using var site = await TestSite.StartAsync(fixture.Kind);
        var post = await site.AddPostAsync("A row the code cannot read");
        // A status no version of Masthead writes: reading the row fails, as a damaged or foreign row would.
        await site.DbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"Posts\" SET \"Status\" = 'no-such-status' WHERE \"Id\" = {post.Id}"));
        var admin = site.Client();
        (await TestSite.LogInAsync(admin, "admin", TestSite.AdminPassword)).Dispose();

        using var response = await admin.GetAsync("/admin");
        var body = await response.Content.ReadAsStringAsync();
        var page = TestSite.Parse(body);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Something went wrong", page.QuerySelector("main h1")?.TextContent);
        Assert.NotNull(page.QuerySelector(".admin-menu a[href='/admin']"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-status", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Masthead", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "Dashboard|Posts(All Posts,Add New Post,Categories,Tags)|Pages(All Pages,Add New Page)|Comments|Appearance(Themes)"
        + "|Users(All Users,Add New User,Profile)|Tools(Activity Log,Export Personal Data,Erase Personal Data)|Settings(General,Reading,Discussion,Permalinks)")]
    [InlineData("editor", "Dashboard|Posts(All Posts,Add New Post,Categories,Tags)|Pages(All Pages,Add New Page)|Comments|Profile")]
    [InlineData("author-a", "Dashboard|Posts(All Posts,Add New Post)|Comments|Profile")]
    [InlineData("contributor", "Dashboard|Posts(All Posts,Add New Post)|Profile")]
    [InlineData("subscriber", "Dashboard|Profile")]
    public async Task Menu_ForEachRole_ShowsExactlyWhatItMayUse(string login, string expected)
    {
        var newsroom = await Newsroom.StartAsync(fixture.Kind);
        await using var site = newsroom.Site;
        var client = await newsroom.SignInAsync(login);

        var dashboard = TestSite.Parse(await client.GetStringAsync("/admin"));
        // Each top-level item, with the submenu its own screen opens in brackets.
        var items = new List<string>();
        foreach (var link in dashboard.QuerySelectorAll(".admin-menu > ul > li > a"))
        {
            var screen = TestSite.Parse(await client.GetStringAsync(link.GetAttribute("href")));
            var children = screen.QuerySelectorAll(".admin-menu > ul > li.open > ul > li > a").Select(a => a.TextContent).ToList();
            items.Add(children.Count == 0 ? link.TextContent : $"{link.TextContent}({string.Join(',', children)})");
        }

        Assert.Equal(expected, string.Join('|', items));
        foreach (var href in dashboard.QuerySelectorAll(".admin-menu a").Select(a => a.GetAttribute("href")!))
        {
            using var screen = await client.GetAsync(href);
            Assert.True(screen.StatusCode == HttpStatusCode.OK, $"{login} is offered {href}, which answers {(int)screen.StatusCode}.");
        }
    }
}

public sealed class SqliteAdminShellTests(SqliteSiteFixture fixture) : AdminShellTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresAdminShellTests(PostgresSiteFixture fixture) : AdminShellTests(fixture), IClassFixture<PostgresSiteFixture>;
