using System.Net;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Users;

/// <summary>Signing in and out through the real form, with antiforgery, lockout and the per-address limit.</summary>
public abstract class LogInTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task LogIn_RightPassword_ReachesTheDashboard()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();

        using var response = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword);
        var dashboard = TestSite.Parse(await client.GetStringAsync("/admin"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
        Assert.Contains("1 published posts", dashboard.QuerySelector("#glance + ul")?.TextContent);
        Assert.Contains("1 approved comments", dashboard.QuerySelector("#glance + ul")?.TextContent);
    }

    [Fact]
    public async Task LogIn_ByEmailInAnyCase_Works()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();

        using var response = await TestSite.LogInAsync(client, "ADMIN@example.invalid", TestSite.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var dashboard = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task LogIn_WrongPasswordOrUnknownUser_GetTheSameAnswerAndNoSession()
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var wrongPassword = await TestSite.LogInAsync(site.Client(), "admin", "not-the-password-at-all");
        using var unknownUser = await TestSite.LogInAsync(site.Client(), "nobody-here", "not-the-password-at-all");

        foreach (var response in new[] { wrongPassword, unknownUser })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("masthead_auth", StringComparison.Ordinal));
        }
        var first = TestSite.Parse(await wrongPassword.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")?.TextContent;
        var second = TestSite.Parse(await unknownUser.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")?.TextContent;
        Assert.False(string.IsNullOrEmpty(first));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task LogIn_FiveFailures_LockTheAccountEvenForTheRightPassword()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await TestSite.LogInAsync(client, "admin", $"wrong-password-{i}");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        using var locked = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.NotNull(TestSite.Parse(await locked.Content.ReadAsStringAsync()).QuerySelector("[role=alert]"));
        using var admin = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
    }

    [Fact]
    public async Task LogIn_TooManyAttemptsFromOneAddress_AnswerTooManyRequests()
    {
        await using var site = await TestSite.StartAsync(Kind,
            new Dictionary<string, string?> { ["Accounts:LoginAttemptsPerMinute"] = "3" });
        var client = site.Client();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await TestSite.LogInAsync(client, $"someone{i}", "whatever-password");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Too many sign-in attempts", await limited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LogIn_WithoutAntiforgeryToken_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();

        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["log"] = "admin",
            ["pwd"] = TestSite.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var admin = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task LogIn_OffSiteRedirectTo_GoesToTheAdminInstead(string redirectTo)
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await TestSite.LogInAsync(site.Client(), "admin", TestSite.AdminPassword, redirectTo);

        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/%E9", "/%E9")]
    [InlineData("/admin/posts?s=café", "/admin/posts?s=caf%C3%A9")]
    [InlineData("/admin\nLocation: https://evil.example/", "/admin")]
    [InlineData("//evil", "/admin")]
    [InlineData("/\\evil", "/admin")]
    public async Task LogIn_OddRedirectTo_SignsInAndRedirectsOnThisSite(string redirectTo, string expected)
    {
        // On a real port: Kestrel, unlike the in-memory server, refuses a non-ASCII Location header with a 500.
        await using var site = await TestSite.StartAsync(Kind, onRealPort: true);
        using var client = site.SocketClient();

        using var response = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword, redirectTo);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.Contains("masthead_auth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogIn_AuthCookie_IsHttpOnlyAndSameSiteLax()
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await TestSite.LogInAsync(site.Client(), "admin", TestSite.AdminPassword);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("masthead_auth", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LogOut_EndsTheSession()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        var dashboard = TestSite.Parse(await client.GetStringAsync("/admin"));
        var token = dashboard.QuerySelector("form[action='/logout'] input[type=hidden]")!;

        using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
        }));

        Assert.Equal("/login?loggedout=true", logout.Headers.Location?.OriginalString);
        using var admin = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
    }

    [Theory]
    [InlineData("/admin", "/login?redirect_to=%2Fadmin")]
    [InlineData("/wp-login.php", "/login")]
    [InlineData("/wp-admin/", "/admin")]
    [InlineData("/wp-admin/edit.php", "/admin")]
    public async Task AdminAddresses_Anonymous_LeadToTheSignInForm(string from, string to)
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await site.Client().GetAsync(from);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Redirect, HttpStatusCode.MovedPermanently });
        Assert.EndsWith(to, response.Headers.Location?.OriginalString);
    }
}

public sealed class SessionTests
{
    [Fact]
    public async Task LogOutEverywhere_EndsTheOtherSessionsAtTheirNextCheck()
    {
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite,
            new Dictionary<string, string?> { ["Accounts:SecurityStampCheckSeconds"] = "0" });
        var laptop = site.Client();
        var phone = site.Client();
        (await TestSite.LogInAsync(laptop, "admin", TestSite.AdminPassword)).Dispose();
        (await TestSite.LogInAsync(phone, "admin", TestSite.AdminPassword)).Dispose();

        using var ended = await BrowserForm.SubmitAsync(laptop, "/admin/profile", "/admin/profile/sessions", _ => { });
        using var laptopAfter = await laptop.GetAsync("/admin");
        using var phoneAfter = await phone.GetAsync("/admin");

        Assert.Equal("/admin/profile?done=sessions", ended.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, laptopAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, phoneAfter.StatusCode);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/admin")]
    public async Task SignInAndAdminPages_AreNeverCachedOrFramed(string path)
    {
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite);

        using var response = await site.Client().GetAsync(path);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}

public sealed class SqliteLogInTests : LogInTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresLogInTests : LogInTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
