using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Users;

public abstract class DashboardTests(SiteFixture fixture)
{
    [Fact]
    public async Task Dashboard_NewSite_WelcomesTheAdministratorUntilDismissed()
    {
        await using var site = await TestSite.StartAsync(fixture.Kind);
        var admin = site.Client();
        (await TestSite.LogInAsync(admin, "admin", TestSite.AdminPassword)).Dispose();

        var first = TestSite.Parse(await admin.GetStringAsync("/admin"));
        Assert.Equal("Welcome to your new site", first.QuerySelector("#welcome")?.TextContent);
        Assert.Contains("1 published post,", first.QuerySelector("#glance + ul")?.TextContent);
        Assert.Equal("Dashboard", first.QuerySelector(".admin-menu [aria-current=page]")?.TextContent);

        using var dismissed = await BrowserForm.SubmitAsync(admin, "/admin", "/admin/welcome/dismiss", _ => { });
        var after = TestSite.Parse(await admin.GetStringAsync("/admin"));

        Assert.Equal("/admin", dismissed.Headers.Location?.OriginalString);
        Assert.Null(after.QuerySelector("#welcome"));
    }
}

public sealed class SqliteDashboardTests(SqliteSiteFixture fixture) : DashboardTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresDashboardTests(PostgresSiteFixture fixture) : DashboardTests(fixture), IClassFixture<PostgresSiteFixture>;
