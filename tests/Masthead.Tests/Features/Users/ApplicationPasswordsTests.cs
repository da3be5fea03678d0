using System.Net;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Users;

/// <summary>Application passwords made and revoked on the profile, and checked by the service the REST API will use.</summary>
public abstract class ApplicationPasswordsTests
{
    protected abstract DatabaseKind Kind { get; }

    private const string CreateAction = "/admin/profile/application-passwords";

    private static async Task<User?> VerifyAsync(TestSite site, string login, string password, string ip = "192.0.2.7")
    {
        await using var scope = site.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return await scope.ServiceProvider.GetRequiredService<ApplicationPasswords>().VerifyAsync(login, password, http);
    }

    /// <summary>Makes one on the profile page; returns the password exactly as the page shows it.</summary>
    private static async Task<string> CreateAsync(HttpClient client, string name)
    {
        using var response = await BrowserForm.SubmitAsync(client, "/admin/profile", CreateAction, f => f["name"] = name);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        return page.QuerySelector("#new-application-password")!.TextContent;
    }

    private static async Task<string> RevokeActionAsync(HttpClient client, string name)
    {
        var page = TestSite.Parse(await client.GetStringAsync("/admin/profile"));
        return page.QuerySelectorAll("#application-passwords tr")
            .Single(row => row.QuerySelector("td")?.TextContent == name)
            .QuerySelector("form")!.GetAttribute("action")!;
    }

    private static async Task<HttpClient> AdminAsync(TestSite site)
    {
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        return client;
    }

    [Fact]
    public async Task ApplicationPassword_Created_IsShownOnceGroupedAndVerifiesWithOrWithoutSpaces()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = await AdminAsync(site);

        var shown = await CreateAsync(client, "Desk app");
        var again = TestSite.Parse(await client.GetStringAsync("/admin/profile"));

        Assert.Matches("^([a-zA-Z0-9]{4} ){5}[a-zA-Z0-9]{4}$", shown);
        Assert.Null(again.QuerySelector("#new-application-password"));
        Assert.DoesNotContain(shown.Replace(" ", "", StringComparison.Ordinal), again.DocumentElement.OuterHtml);
        Assert.Equal("admin", (await VerifyAsync(site, "admin", shown))?.Login);
        Assert.Equal("admin", (await VerifyAsync(site, "admin@example.invalid", shown.Replace(" ", "", StringComparison.Ordinal)))?.Login);
        var stored = await site.DbAsync(db => db.UserMeta.Where(m => m.Key.StartsWith(ApplicationPasswords.MetaPrefix)).Select(m => m.Value).SingleAsync());
        Assert.DoesNotContain(shown.Replace(" ", "", StringComparison.Ordinal), stored);
    }

    [Fact]
    public async Task VerifyApplicationPassword_WrongPasswordOrTheAccountPassword_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = await AdminAsync(site);
        var shown = await CreateAsync(client, "Phone");
        var wrong = (shown[0] == 'a' ? "b" : "a") + shown[1..];

        Assert.Null(await VerifyAsync(site, "admin", wrong));
        Assert.Null(await VerifyAsync(site, "admin", TestSite.AdminPassword));
        Assert.Null(await VerifyAsync(site, "nobody", shown));
    }

    [Fact]
    public async Task VerifyApplicationPassword_Used_ShowsLastUsedAndAddress()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = await AdminAsync(site);
        var shown = await CreateAsync(client, "Syndication");
        var before = TestSite.Parse(await client.GetStringAsync("/admin/profile"));

        await VerifyAsync(site, "admin", shown, ip: "198.51.100.23");

        var after = TestSite.Parse(await client.GetStringAsync("/admin/profile"));
        var cells = after.QuerySelectorAll("#application-passwords tbody td").Select(td => td.TextContent).ToList();
        Assert.Equal("—", before.QuerySelectorAll("#application-passwords tbody td")[2].TextContent);
        Assert.NotEqual("—", cells[2]);
        Assert.Equal("198.51.100.23", cells[3]);
    }

    [Fact]
    public async Task RevokeApplicationPassword_OneThenAll_StopsThemWorking()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = await AdminAsync(site);
        var first = await CreateAsync(client, "First");
        var second = await CreateAsync(client, "Second");
        var third = await CreateAsync(client, "Third");

        using var revoked = await BrowserForm.SubmitAsync(client, "/admin/profile", await RevokeActionAsync(client, "First"), _ => { });

        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Null(await VerifyAsync(site, "admin", first));
        Assert.NotNull(await VerifyAsync(site, "admin", second));

        using var all = await BrowserForm.SubmitAsync(client, "/admin/profile", "/admin/profile/application-passwords/revoke-all", _ => { });

        Assert.Equal(HttpStatusCode.Redirect, all.StatusCode);
        Assert.Null(await VerifyAsync(site, "admin", second));
        Assert.Null(await VerifyAsync(site, "admin", third));
    }

    [Fact]
    public async Task RevokeApplicationPassword_AnotherUsersUuid_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        var shown = await CreateAsync(admin, "Admin's tool");
        var adminsRevoke = await RevokeActionAsync(admin, "Admin's tool");
        const string authorPassword = "an author's own long password";
        await site.DbAsync(async db =>
        {
            var author = new User { Login = "mallory", Email = "mallory@example.invalid", DisplayName = "Mallory", Slug = "mallory", Role = "author" };
            author.PasswordHash = new PasswordHasher<User>().HashPassword(author, authorPassword);
            db.Users.Add(author);
            await db.SaveChangesAsync();
        });
        var mallory = site.Client();
        (await TestSite.LogInAsync(mallory, "mallory", authorPassword)).Dispose();

        // Mallory's own antiforgery token, aimed at the admin's password.
        var fields = BrowserForm.Fields(TestSite.Parse(await mallory.GetStringAsync("/admin/profile")), CreateAction);
        fields.Remove("name");
        using var response = await mallory.PostAsync(adminsRevoke, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(await VerifyAsync(site, "admin", shown));
    }
}

public sealed class SqliteApplicationPasswordsTests : ApplicationPasswordsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresApplicationPasswordsTests : ApplicationPasswordsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
