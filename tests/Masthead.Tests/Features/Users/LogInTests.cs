using System.Net;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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
        Assert.Contains("1 published post", dashboard.QuerySelector("#glance + ul")?.TextContent);
        Assert.Contains("1 comment,", dashboard.QuerySelector("#glance + ul")?.TextContent);
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
    public async Task LogIn_FiveFailures_SlowTheAccountDown_EvenForTheRightPasswordFromANewAddress()
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
    public async Task LogIn_GuessesFromManyAddresses_SlowTheAccountDown_MailItsOwnerOnce_AndLetTheOwnerIn()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var site = await TestSite.StartAsync(Kind, services: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
        });
        // The reset mail at the end needs a stored site address to build its link.
        await site.SetOptionAsync(SiteSettings.Names.HomeUrl, "https://news.example.org");
        HttpClient From(string address)
        {
            var client = site.Client();
            client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
            return client;
        }
        // The owner has signed in from the office before.
        using (var first = await TestSite.LogInAsync(From("198.51.100.7"), "admin", TestSite.AdminPassword))
        {
            Assert.Equal("/admin", first.Headers.Location?.OriginalString);
        }

        // Twelve guesses, each from an address of its own, so the per-address limit never sees more than one.
        for (var i = 1; i <= 12; i++)
        {
            using var guess = await TestSite.LogInAsync(From($"203.0.113.{i}"), "admin", $"guess number {i}");
            Assert.Equal(HttpStatusCode.OK, guess.StatusCode);
        }
        using var newAddress = await TestSite.LogInAsync(From("192.0.2.50"), "admin", TestSite.AdminPassword);
        clock.Advance(TimeSpan.FromSeconds(31));
        using var afterTheWait = await TestSite.LogInAsync(From("192.0.2.51"), "admin", TestSite.AdminPassword);

        // Only five guesses were checked; the rest, and the right password from a new address, waited.
        Assert.Equal(HttpStatusCode.OK, newAddress.StatusCode);
        Assert.Equal(8, await site.DbAsync(db => db.Set<ActivityEntry>().CountAsync(a => a.Detail == "account slowed down; guess not checked")));
        Assert.Equal("/admin", afterTheWait.Headers.Location?.OriginalString);
        Assert.Equal(0, await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.AccessFailedCount).SingleAsync()));
        // Mail goes out in order: once the reset mail asked for after the attack is there, every notice is too.
        (await BrowserForm.SubmitAsync(site.Client(), "/login/lost", "/login/lost", f => f["user_login"] = "admin")).Dispose();
        var mail = await Task.WhenAll((await site.WaitForMailAsync(2)).Select(f => File.ReadAllTextAsync(f)));
        Assert.Equal(2, mail.Length);
        Assert.Single(mail, m => m.Contains("being slowed down", StringComparison.Ordinal) && m.Contains("admin@example.invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogIn_TwentyGuessesAtOnceFromTwentyAddresses_OnlyAsManyAsTheSlowDownAllowsAreChecked()
    {
        await using var site = await TestSite.StartAsync(Kind, services: services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        var forms = new List<(HttpClient Client, Dictionary<string, string> Fields)>();
        for (var i = 1; i <= 20; i++)
        {
            var client = site.Client();
            client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, $"203.0.113.{i}");
            var fields = BrowserForm.Fields(TestSite.Parse(await client.GetStringAsync("/login")), "/login");
            fields["log"] = "admin";
            fields["pwd"] = $"guess number {i}";
            forms.Add((client, fields));
        }

        await Task.WhenAll(forms.Select(f => Task.Run(async () => (await f.Client.PostAsync("/login", new FormUrlEncodedContent(f.Fields))).Dispose())));

        // Five guesses reach the password check (the fifth starts the slow-down); the others are turned away unchecked,
        // however the twenty interleave.
        var failures = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.AccessFailedCount).SingleAsync());
        var turnedAway = await site.DbAsync(db => db.Set<ActivityEntry>().CountAsync(a => a.Detail == "account slowed down; guess not checked"));
        var details = await site.DbAsync(db => db.Set<ActivityEntry>().Select(a => a.Action + ":" + a.Detail).ToListAsync());
        Assert.True(failures == 5 && turnedAway == 15, $"{failures} counted, {turnedAway} turned away: {string.Join(" | ", details)}");
    }

    [Fact]
    public async Task LogIn_AccountSlowedDown_OwnerFromAnAddressTheyUsedBefore_GetsStraightIn()
    {
        await using var site = await TestSite.StartAsync(Kind, services: services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        HttpClient From(string address)
        {
            var client = site.Client();
            client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
            return client;
        }
        (await TestSite.LogInAsync(From("198.51.100.7"), "admin", TestSite.AdminPassword)).Dispose();
        for (var i = 1; i <= 8; i++)
        {
            (await TestSite.LogInAsync(From($"203.0.113.{i}"), "admin", $"guess number {i}")).Dispose();
        }

        using var stranger = await TestSite.LogInAsync(From("192.0.2.50"), "admin", TestSite.AdminPassword);
        using var owner = await TestSite.LogInAsync(From("198.51.100.7"), "admin", TestSite.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Equal("/admin", owner.Headers.Location?.OriginalString);
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
        // The sign-in card, with the wait spelled out to clients too.
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        var card = TestSite.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal("Too many attempts", card.QuerySelector(".sign-in-card h1")?.TextContent);
        Assert.Equal("no-store", limited.Headers.CacheControl?.ToString());
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

public abstract class SessionTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task LogOutEverywhere_EndsTheOtherSessionsAtTheirNextCheck()
    {
        await using var site = await TestSite.StartAsync(Kind,
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
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await site.Client().GetAsync(path);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}

/// <summary>
/// Test servers have no client address; this sets one from a request header, ahead of the whole pipeline (the
/// per-address limit included), so a test can play requests from many addresses.
/// </summary>
internal sealed class ClientAddressFromHeader : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}

public sealed class SqliteLogInTests : LogInTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresLogInTests : LogInTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}

public sealed class SqliteSessionTests : SessionTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresSessionTests : SessionTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
