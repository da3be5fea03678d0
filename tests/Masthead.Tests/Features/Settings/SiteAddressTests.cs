using System.Net;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Settings;

/// <summary>
/// The site address comes from /setup, the first run's environment or Settings, never from a request's Host header;
/// canonical links use it, and are relative while none is stored.
/// </summary>
public abstract class SiteAddressTests
{
    protected abstract DatabaseKind Kind { get; }

    private static Task<string?> StoredAddressAsync(TestSite site) =>
        site.DbAsync(db => db.Options.Where(o => o.Name == SiteSettings.Names.HomeUrl).Select(o => (string?)o.Value).FirstOrDefaultAsync());

    private static async Task<string?> CanonicalOfHelloWorldAsync(HttpClient client)
    {
        using var redirect = await client.GetAsync("/?p=1");
        var page = TestSite.Parse(await client.GetStringAsync(redirect.Headers.Location!.OriginalString));
        Assert.DoesNotContain("evil.example", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        return page.QuerySelector("link[rel=canonical]")?.GetAttribute("href");
    }

    [Fact]
    public async Task Canonical_ForgedHost_NoAddressStored_NoCanonicalLink()
    {
        // On a real port: Kestrel takes the request's host from the Host header, as behind any proxy.
        await using var site = await TestSite.StartAsync(Kind, onRealPort: true);
        using var client = site.SocketClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        var canonical = await CanonicalOfHelloWorldAsync(client);

        Assert.Null(canonical);
    }

    [Fact]
    public async Task Canonical_ForgedHost_UsesTheStoredAddress()
    {
        await using var site = await TestSite.StartAsync(Kind, onRealPort: true);
        await site.SetOptionAsync(SiteSettings.Names.HomeUrl, "https://news.example.org");
        using var client = site.SocketClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        Assert.StartsWith("https://news.example.org/", await CanonicalOfHelloWorldAsync(client), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://news.example.org/", "https://news.example.org")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("https://news.example.org/blog/", null)]
    [InlineData("ftp://news.example.org", null)]
    public async Task FirstRun_SiteUrlFromTheEnvironment_IsStoredWhenValid(string configured, string? stored)
    {
        await using var site = await TestSite.StartAsync(Kind, new Dictionary<string, string?> { ["MASTHEAD_SITE_URL"] = configured });

        Assert.Equal(stored, await StoredAddressAsync(site));
    }

    [Fact]
    public async Task Setup_SiteAddress_IsShownPrefilledAndStoredOnlyAsConfirmed()
    {
        await using var site = await TestSite.StartAsync(Kind, new Dictionary<string, string?> { ["MASTHEAD_ADMIN_PASSWORD"] = "" }, onRealPort: true);
        using var client = site.SocketClient();
        client.DefaultRequestHeaders.Host = "evil.example";
        var form = BrowserForm.Fields(TestSite.Parse(await client.GetStringAsync("/setup")), "/setup");
        var prefilled = form.GetValueOrDefault("site_url");
        form["weblog_title"] = "Harbour News";
        form["user_name"] = "linh";
        form["admin_email"] = "linh@example.org";
        form["admin_password"] = form["admin_password2"] = "tide tables and harbour lights";

        form["site_url"] = "https://news.example.org/with/a/path?x=1";
        using var refused = await client.PostAsync("/setup", new FormUrlEncodedContent(form));
        var refusedPage = TestSite.Parse(await refused.Content.ReadAsStringAsync());
        form = BrowserForm.Fields(refusedPage, "/setup");
        form["admin_password"] = form["admin_password2"] = "tide tables and harbour lights";
        form["site_url"] = "https://news.example.org";
        using var accepted = await client.PostAsync("/setup", new FormUrlEncodedContent(form));

        Assert.Equal("http://evil.example", prefilled);
        Assert.Contains("Site address", refusedPage.QuerySelector("[role=alert]")?.TextContent, StringComparison.Ordinal);
        Assert.Equal("Harbour News", refusedPage.QuerySelector("#weblog_title")?.GetAttribute("value"));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("https://news.example.org", await StoredAddressAsync(site));
    }
}

public sealed class SqliteSiteAddressTests : SiteAddressTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresSiteAddressTests : SiteAddressTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
