using System.Net;
using AngleSharp.Html.Dom;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Users;

public abstract class ProfileTests
{
    protected abstract DatabaseKind Kind { get; }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string formAction, Dictionary<string, string> fields)
    {
        var page = TestSite.Parse(await client.GetStringAsync("/admin/profile"));
        var token = page.QuerySelector($"form[action='{formAction}'] input[type=hidden]")!;
        fields[token.GetAttribute("name")!] = token.GetAttribute("value")!;
        return await client.PostAsync(formAction, new FormUrlEncodedContent(fields));
    }

    private static Dictionary<string, string> ProfileFields(string displayName, string nicename, string email) => new()
    {
        ["display_name"] = displayName,
        ["nickname"] = nicename,
        ["email"] = email,
        ["url"] = "https://example.org/",
        ["description"] = "Covers the harbor.",
        ["current_password"] = TestSite.AdminPassword,
    };

    [Fact]
    public async Task ChangePassword_WhileTheAccountIsSlowedDown_SaysSoInsteadOfWrongPassword()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        // Someone elsewhere is guessing at this account: it is slowed down for the next quarter hour.
        await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").ExecuteUpdateAsync(set => set
            .SetProperty(u => u.AccessFailedCount, 9).SetProperty(u => u.LockoutEndUtc, (DateTime?)TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(15))));

        using var response = await SubmitAsync(client, "/admin/profile/password", new()
        {
            ["current_password"] = TestSite.AdminPassword,
            ["new_password"] = "a different long password for the test",
            ["confirm_password"] = "a different long password for the test",
        });

        var alert = TestSite.Parse(await response.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")?.TextContent ?? "";
        Assert.Contains("not checked", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("that is not it", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveProfile_NewNicename_MovesTheAuthorArchive()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();

        using var saved = await SubmitAsync(client, "/admin/profile", ProfileFields("Linh Tran", "Linh Tran", "linh@example.org"));

        Assert.Equal("/admin/profile?done=profile", saved.Headers.Location?.OriginalString);
        var archive = await site.PageAsync("/author/linh-tran/");
        Assert.Equal("Author: Linh Tran", archive.QuerySelector("h1.archive-title")?.TextContent);
        Assert.Equal("Covers the harbor.", archive.QuerySelector(".archive-description p")?.TextContent);
    }

    [Fact]
    public async Task SaveProfile_Refused_ComesBackWithWhatWasTyped()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        var fields = ProfileFields("Linh Tran", "linh-tran", "admin@example.invalid");
        fields["url"] = "not a web address";
        fields["description"] = "Covers the harbor, and the ferries.";

        using var response = await SubmitAsync(client, "/admin/profile", fields);

        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Linh Tran", page.QuerySelector("#display_name")?.GetAttribute("value"));
        Assert.Equal("linh-tran", page.QuerySelector("#nickname")?.GetAttribute("value"));
        Assert.Equal("not a web address", page.QuerySelector("#url")?.GetAttribute("value"));
        Assert.Equal("Covers the harbor, and the ferries.", page.QuerySelector("#description")?.TextContent);
        Assert.StartsWith("Website", page.QuerySelector("#url-error")?.TextContent, StringComparison.Ordinal);
        // The password typed with it is never sent back.
        Assert.DoesNotContain(TestSite.AdminPassword, page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Equal("Site Administrator", (await site.DbAsync(db => db.Users.SingleAsync())).DisplayName);
    }

    [Fact]
    public async Task SaveProfile_InvalidFields_SaysWhatIsWrongAndSavesNothing()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        var fields = ProfileFields("", "!!!", "not-an-address");
        fields["url"] = "javascript:alert(1)";

        using var response = await SubmitAsync(client, "/admin/profile", fields);

        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        var errors = page.QuerySelectorAll("[role=alert] li").Select(li => li.TextContent).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Website", StringComparison.Ordinal));
        var admin = await site.DbAsync(db => db.Users.SingleAsync());
        Assert.Equal("Site Administrator", admin.DisplayName);
    }

    [Fact]
    public async Task SaveProfile_NewEmailWithoutThePassword_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        var fields = ProfileFields("Site Administrator", "site-administrator", "attacker@example.net");
        fields["current_password"] = "";

        using var response = await SubmitAsync(client, "/admin/profile", fields);

        Assert.Contains("to change it, enter your current password", await response.Content.ReadAsStringAsync());
        Assert.Equal("admin@example.invalid", await site.DbAsync(db => db.Users.Select(u => u.Email).SingleAsync()));
    }

    [Fact]
    public async Task SaveProfile_TakenEmailWithWrongPassword_SaysNoMoreThanForAFreeOne()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.AddAuthorAsync("Quiet Neighbour");
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();

        async Task<List<string>> ErrorsForAsync(string email)
        {
            var fields = ProfileFields("Site Administrator", "site-administrator", email);
            fields["current_password"] = "not the password";
            using var response = await SubmitAsync(client, "/admin/profile", fields);
            return [.. TestSite.Parse(await response.Content.ReadAsStringAsync()).QuerySelectorAll("[role=alert] li").Select(li => li.TextContent)];
        }
        var taken = await ErrorsForAsync("QUIET-NEIGHBOUR@example.invalid");
        var free = await ErrorsForAsync("nobody-has-this@example.invalid");

        Assert.Equal(["E-mail: to change it, enter your current password."], taken);
        Assert.Equal(free, taken);
    }

    [Fact]
    public async Task SaveProfile_TakenEmailWithThePassword_SaysTaken()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.AddAuthorAsync("Quiet Neighbour");
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();

        // Another user's login counts as taken too: sign-in accepts a login or an address in the same field.
        using var address = await SubmitAsync(client, "/admin/profile", ProfileFields("Site Administrator", "site-administrator", "quiet-neighbour@example.invalid"));
        await site.DbAsync(db => db.Users.Where(u => u.Login == "quiet-neighbour").ExecuteUpdateAsync(u => u.SetProperty(x => x.Login, "neighbour@example.org")));
        using var login = await SubmitAsync(client, "/admin/profile", ProfileFields("Site Administrator", "site-administrator", "Neighbour@Example.org"));

        Assert.Contains("another user already has that address", await address.Content.ReadAsStringAsync());
        Assert.Contains("another user already has that address", await login.Content.ReadAsStringAsync());
        Assert.Equal("admin@example.invalid", await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Email).SingleAsync()));
    }

    [Fact]
    public async Task ChangePassword_ThenOldFailsAndNewWorks()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        const string replacement = "a whole new sentence for a password";

        using var changed = await SubmitAsync(client, "/admin/profile/password", new()
        {
            ["current_password"] = TestSite.AdminPassword,
            ["new_password"] = replacement,
            ["confirm_password"] = replacement,
        });

        Assert.Equal("/admin/profile?done=password", changed.Headers.Location?.OriginalString);
        using var old = await TestSite.LogInAsync(site.Client(), "admin", TestSite.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        using var renewed = await TestSite.LogInAsync(site.Client(), "admin", replacement);
        Assert.Equal(HttpStatusCode.Redirect, renewed.StatusCode);
    }

    [Theory]
    [InlineData("short-one")]
    [InlineData("winniethepooh")]
    public async Task ChangePassword_WeakPassword_IsRefusedWithAReason(string weak)
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();

        using var response = await SubmitAsync(client, "/admin/profile/password", new()
        {
            ["current_password"] = TestSite.AdminPassword,
            ["new_password"] = weak,
            ["confirm_password"] = weak,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IHtmlDocument page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(page.QuerySelectorAll("[role=alert] li"));
    }

    [Fact]
    public void PasswordRules_KnowTheCommonList() =>
        Assert.True(PasswordRules.IsCommon("WinnieThePooh") && !PasswordRules.IsCommon("a whole new sentence for a password"));

    [Fact]
    public async Task Admin_UnknownRole_IsNotLetIn()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.DbAsync(db => db.Users.ExecuteUpdateAsync(u => u.SetProperty(x => x.Role, "intruder")));
        var client = site.Client();

        using var login = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword);
        using var admin = await client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Contains("/admin/denied", admin.Headers.Location?.OriginalString);
    }
}

public sealed class SqliteProfileTests : ProfileTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresProfileTests : ProfileTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
