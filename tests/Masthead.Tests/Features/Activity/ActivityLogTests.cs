using System.Net;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Activity;

public abstract class ActivityLogTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task ActivityLog_RecordsSignInsAndFailures_ForAdministratorsOnly()
    {
        await using var site = await TestSite.StartAsync(Kind);
        (await TestSite.LogInAsync(site.Client(), "<script>alert(1)</script>", "wrong-password-here")).Dispose();
        var admin = site.Client();
        (await TestSite.LogInAsync(admin, "admin", TestSite.AdminPassword)).Dispose();

        var log = TestSite.Parse(await admin.GetStringAsync("/admin/activity"));

        var rows = log.QuerySelectorAll("tbody tr").Select(r => r.Children.Select(c => c.TextContent).ToList()).ToList();
        Assert.Equal(["admin", "logged in"], rows[0].Skip(1).Take(2));
        Assert.Equal(["<script>alert(1)</script>", "failed to log in"], rows[1].Skip(1).Take(2));
        Assert.Empty(log.QuerySelectorAll("tbody script"));

        await site.DbAsync(db => db.Users.ExecuteUpdateAsync(u => u.SetProperty(x => x.Role, "editor")));
        var editor = site.Client();
        (await TestSite.LogInAsync(editor, "admin", TestSite.AdminPassword)).Dispose();
        using var denied = await editor.GetAsync("/admin/activity");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        using var dashboard = await editor.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task ActivityLog_FiltersByKind_Searches_AndSortsEitherWay()
    {
        await using var site = await TestSite.StartAsync(Kind);
        foreach (var login in new[] { "ana-typo", "ben-typo" })
        {
            (await TestSite.LogInAsync(site.Client(), login, "wrong-password-here")).Dispose();
        }
        var admin = site.Client();
        (await TestSite.LogInAsync(admin, "admin", TestSite.AdminPassword)).Dispose();

        async Task<List<string>> WhoAsync(string url) =>
            [.. TestSite.Parse(await admin.GetStringAsync(url)).QuerySelectorAll("tbody tr td:nth-child(2)").Select(c => c.TextContent)];

        var all = TestSite.Parse(await admin.GetStringAsync("/admin/activity"));
        var failedLink = all.QuerySelectorAll(".status-links a").Single(a => a.TextContent.StartsWith("Failed to log in", StringComparison.Ordinal));
        Assert.Equal("Failed to log in (2)", failedLink.TextContent);
        Assert.Equal("descending", all.QuerySelector("th[aria-sort]")?.GetAttribute("aria-sort"));
        Assert.Equal(["admin", "ben-typo", "ana-typo"], await WhoAsync("/admin/activity"));
        Assert.Equal(["ben-typo", "ana-typo"], await WhoAsync(failedLink.GetAttribute("href")!));
        Assert.Equal(["ben-typo"], await WhoAsync("/admin/activity?s=BEN"));
        Assert.Equal(["ana-typo", "ben-typo", "admin"], await WhoAsync("/admin/activity?orderby=when&order=asc"));
        Assert.Equal(["admin", "ana-typo", "ben-typo"], await WhoAsync("/admin/activity?orderby=who&order=asc"));
        var byWho = TestSite.Parse(await admin.GetStringAsync("/admin/activity?orderby=who&order=asc"));
        Assert.Equal("ascending", byWho.QuerySelector("th[aria-sort]")?.GetAttribute("aria-sort"));
        Assert.Equal("/admin/activity?orderby=who&order=desc", byWho.QuerySelector("th[aria-sort] a")?.GetAttribute("href"));
        Assert.Contains("No entry matches", TestSite.Parse(await admin.GetStringAsync("/admin/activity?s=nobody-at-all")).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }
}

public sealed class SqliteActivityLogTests : ActivityLogTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresActivityLogTests : ActivityLogTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
