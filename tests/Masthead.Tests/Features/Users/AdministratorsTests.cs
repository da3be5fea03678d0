using System.Net;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Users;

/// <summary>"The site always has an administrator", under concurrent requests, and the way back when it has none.</summary>
public abstract class AdministratorsTests
{
    protected abstract DatabaseKind Kind { get; }

    private const string Password = "a second administrator's password";

    private static async Task<(HttpClient First, HttpClient Second, int FirstId, int SecondId)> TwoAdministratorsAsync(TestSite site)
    {
        var first = site.Client();
        (await TestSite.LogInAsync(first, "admin", TestSite.AdminPassword)).Dispose();
        (await BrowserForm.SubmitAsync(first, "/admin/users", "/admin/users", f =>
        {
            f["user_login"] = "second-admin";
            f["email"] = "second-admin@example.org";
            f["pass1"] = Password;
            f["role"] = Roles.Administrator;
        })).Dispose();
        var second = site.Client();
        using var signedIn = await TestSite.LogInAsync(second, "second-admin", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var ids = await site.DbAsync(db => db.Users.Where(u => u.Role == Roles.Administrator).OrderBy(u => u.Id).Select(u => u.Id).ToListAsync());
        return (first, second, ids[0], ids[1]);
    }

    [Fact]
    public async Task ChangeRole_TwoAdministratorsDemoteEachOtherAtOnce_OneStaysAdministrator()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var (first, second, firstId, secondId) = await TwoAdministratorsAsync(site);
        var firstForm = BrowserForm.Fields(TestSite.Parse(await first.GetStringAsync("/admin/users")), $"/admin/users/{secondId}/role");
        var secondForm = BrowserForm.Fields(TestSite.Parse(await second.GetStringAsync("/admin/users")), $"/admin/users/{firstId}/role");
        firstForm["role"] = Roles.Subscriber;
        secondForm["role"] = Roles.Subscriber;

        await Task.WhenAll(
            Task.Run(async () => (await first.PostAsync($"/admin/users/{secondId}/role", new FormUrlEncodedContent(firstForm))).Dispose()),
            Task.Run(async () => (await second.PostAsync($"/admin/users/{firstId}/role", new FormUrlEncodedContent(secondForm))).Dispose()));

        Assert.Equal(1, await site.DbAsync(db => db.Users.CountAsync(u => u.Role == Roles.Administrator)));
    }

    [Fact]
    public async Task Delete_TwoAdministratorsDeleteEachOtherAtOnce_OneStays()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var (first, second, firstId, secondId) = await TwoAdministratorsAsync(site);
        var firstForm = BrowserForm.Fields(TestSite.Parse(await first.GetStringAsync($"/admin/users/{secondId}/delete")), $"/admin/users/{secondId}/delete");
        var secondForm = BrowserForm.Fields(TestSite.Parse(await second.GetStringAsync($"/admin/users/{firstId}/delete")), $"/admin/users/{firstId}/delete");

        await Task.WhenAll(
            Task.Run(async () => (await first.PostAsync($"/admin/users/{secondId}/delete", new FormUrlEncodedContent(firstForm))).Dispose()),
            Task.Run(async () => (await second.PostAsync($"/admin/users/{firstId}/delete", new FormUrlEncodedContent(secondForm))).Dispose()));

        Assert.Equal(1, await site.DbAsync(db => db.Users.CountAsync(u => u.Role == Roles.Administrator)));
    }

    [Fact]
    public async Task Restart_WithNoAdministratorLeft_PromotesTheNamedAccountWhateverSlugsExist()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await TwoAdministratorsAsync(site);
        // However it happened (a hand-edited database, a race before this was fixed): no administrator at all, and the
        // account to recover has two-factor on with a phone nobody has.
        await site.DbAsync(db => db.Users.Where(u => u.Role == Roles.Administrator).ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, Roles.Author)));
        await site.DbAsync(async db =>
        {
            var adminId = await db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync();
            db.UserMeta.Add(new UserMeta { UserId = adminId, Key = UserStore.TwoFactorEnabledMeta, Value = "1" });
            await db.SaveChangesAsync();
        });

        await using var restarted = site.StartAnotherNode();

        var admin = await restarted.DbAsync(db => db.Users.SingleAsync(u => u.Role == Roles.Administrator));
        Assert.Equal("admin", admin.Login);
        using var signedIn = await TestSite.LogInAsync(restarted.Client(), "admin", TestSite.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        // Straight in: the password from the environment is enough, no second step.
        Assert.Equal("/admin", signedIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Restart_WithNoAdministratorAndTheLoginGone_CreatesOneWithAFreeSlug()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.DbAsync(db => db.Users.Where(u => u.Login == "admin")
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, Roles.Editor).SetProperty(u => u.Login, "former-admin")));

        await using var restarted = site.StartAnotherNode();

        var admins = await restarted.DbAsync(db => db.Users.Where(u => u.Role == Roles.Administrator).Select(u => new { u.Login, u.Slug }).ToListAsync());
        var slugs = await restarted.DbAsync(db => db.Users.Select(u => u.Slug).ToListAsync());
        Assert.Equal("admin", Assert.Single(admins).Login);
        Assert.Equal(slugs.Count, slugs.Distinct().Count());
    }
}

public sealed class SqliteAdministratorsTests : AdministratorsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresAdministratorsTests : AdministratorsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
