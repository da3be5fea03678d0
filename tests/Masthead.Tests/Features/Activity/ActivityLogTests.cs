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
}

public sealed class SqliteActivityLogTests : ActivityLogTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresActivityLogTests : ActivityLogTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
