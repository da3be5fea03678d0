using System.Net;
using System.Text.RegularExpressions;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Users;

public abstract partial class LostPasswordTests(DatabaseKind kind)
{
    private DatabaseKind Kind { get; } = kind;

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pageUrl, string action, Dictionary<string, string> fields)
    {
        var page = TestSite.Parse(await client.GetStringAsync(pageUrl));
        foreach (var hidden in page.QuerySelectorAll($"form[action='{action}'] input[type=hidden]"))
        {
            fields.TryAdd(hidden.GetAttribute("name")!, hidden.GetAttribute("value") ?? "");
        }
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>The reset link from the one message in the pickup folder (its body is quoted-printable).</summary>
    private static async Task<string> ResetLinkUrlAsync(TestSite site)
    {
        var message = await File.ReadAllTextAsync(Assert.Single(await site.WaitForMailAsync()));
        var body = QuotedPrintableHex().Replace(message.Replace("=\r\n", "", StringComparison.Ordinal),
            m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        return LinkPattern().Match(body).Value;
    }

    private static async Task<string> ResetLinkAsync(TestSite site) => new Uri(await ResetLinkUrlAsync(site)).PathAndQuery;

    /// <summary>A site whose address is stored, as /setup, MASTHEAD_SITE_URL or Settings → General store it.</summary>
    private async Task<TestSite> StartWithSiteAddressAsync(bool onRealPort = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var site = await TestSite.StartAsync(Kind, settings, onRealPort: onRealPort);
        await site.SetOptionAsync(SiteSettings.Names.HomeUrl, "https://news.example.org");
        return site;
    }

    [Fact]
    public async Task LostPassword_ByEmail_LinkSetsANewPasswordOnce()
    {
        await using var site = await StartWithSiteAddressAsync();
        var client = site.Client();
        const string replacement = "river boats at dawn, every weekday";

        using var requested = await PostFormAsync(client, "/login/lost", "/login/lost", new() { ["user_login"] = "admin@example.invalid" });
        var link = await ResetLinkAsync(site);
        using var reset = await PostFormAsync(client, link, "/login/reset", new() { ["pass1"] = replacement, ["pass2"] = replacement });
        using var reused = await PostFormAsync(client, link, "/login/reset", new() { ["pass1"] = replacement + "!", ["pass2"] = replacement + "!" });

        Assert.Contains("If that account exists", await requested.Content.ReadAsStringAsync());
        Assert.Equal("/login?reset=true", reset.Headers.Location?.OriginalString);
        Assert.Contains("not valid any more", await reused.Content.ReadAsStringAsync());
        using var login = await TestSite.LogInAsync(site.Client(), "admin", replacement);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public async Task ResetPassword_AccountSlowedDownByGuesses_OwnerSignsInAtOnceFromANewAddress()
    {
        await using var site = await StartWithSiteAddressAsync();
        const string replacement = "a harbour wall in the rain, at noon";
        // Someone has been guessing: the account is slowed down for the next quarter hour.
        await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").ExecuteUpdateAsync(set => set
            .SetProperty(u => u.AccessFailedCount, 12).SetProperty(u => u.LockoutEndUtc, (DateTime?)TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(15))));

        (await PostFormAsync(site.Client(), "/login/lost", "/login/lost", new() { ["user_login"] = "admin" })).Dispose();
        var link = await ResetLinkAsync(site);
        using var reset = await PostFormAsync(site.Client(), link, "/login/reset", new() { ["pass1"] = replacement, ["pass2"] = replacement });
        using var login = await TestSite.LogInAsync(site.Client(), "admin", replacement);

        Assert.Equal("/login?reset=true", reset.Headers.Location?.OriginalString);
        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task LostPassword_ForgedHostHeader_LinkUsesTheStoredSiteAddress()
    {
        await using var site = await StartWithSiteAddressAsync(onRealPort: true);
        using var client = site.SocketClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        (await PostFormAsync(client, "/login/lost", "/login/lost", new() { ["user_login"] = "admin" })).Dispose();

        var message = await File.ReadAllTextAsync(Assert.Single(await site.WaitForMailAsync()));
        Assert.DoesNotContain("evil.example", message);
        Assert.StartsWith("https://news.example.org/login/reset?login=admin", await ResetLinkUrlAsync(site));
    }

    [Fact]
    public async Task LostPassword_NoSiteAddressStored_SendsNoLinkEvenFromTheServerItself()
    {
        // From 127.0.0.1 with a forged Host: a proxy on the same machine makes every request look like this.
        await using var site = await TestSite.StartAsync(Kind, onRealPort: true);
        using var client = site.SocketClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        using var response = await PostFormAsync(client, "/login/lost", "/login/lost", new() { ["user_login"] = "admin" });

        Assert.Contains("If that account exists", await response.Content.ReadAsStringAsync());
        Assert.Empty(await site.MailSentSoFarAsync());
    }

    [Fact]
    public async Task LogIn_FirstAdministratorSignInWithForgedHost_StoresNoSiteAddress()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        client.DefaultRequestHeaders.Host = "evil.example";

        using var login = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, login.StatusCode);
        Assert.Null(await site.DbAsync(db => db.Options.Where(o => o.Name == SiteSettings.Names.HomeUrl).Select(o => o.Value).FirstOrDefaultAsync()));
    }

    [Fact]
    public async Task LostPassword_UnknownAccount_SameAnswerAndNoMail()
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await PostFormAsync(site.Client(), "/login/lost", "/login/lost", new() { ["user_login"] = "nobody@example.invalid" });

        Assert.Contains("If that account exists", await response.Content.ReadAsStringAsync());
        Assert.Empty(await site.MailSentSoFarAsync());
        // The worker found no such account: its row has done its job and is gone.
        Assert.Equal(0, await site.DbAsync(db => db.MailOutbox.CountAsync()));
    }

    [Fact]
    public async Task LostPassword_RealAccount_RequestQueuesTheNameOnly_WorkerWritesAndSendsTheLink()
    {
        await using var site = await StartWithSiteAddressAsync(settings: new Dictionary<string, string?> { ["Mail:RunWorker"] = "false" });

        (await PostFormAsync(site.Client(), "/login/lost", "/login/lost", new() { ["user_login"] = "admin" })).Dispose();
        var queued = Assert.Single(await site.DbAsync(db => db.MailOutbox.AsNoTracking().ToListAsync()));
        await using var sender = site.StartAnotherNode(new Dictionary<string, string?>());
        var link = new Uri(await ResetLinkUrlAsync(sender)).PathAndQuery;
        var sent = Assert.Single(await site.DbAsync(db => db.MailOutbox.AsNoTracking().ToListAsync()));

        Assert.Equal(("lost-password", "admin", ""), (queued.ComposeKind, queued.ComposeInput, queued.To));
        Assert.StartsWith("/login/reset?login=admin", link);
        Assert.NotNull(sent.SentAtUtc);
        Assert.Equal("admin@example.invalid", sent.To);
        // The link is a key to the account for an hour: it went out in the mail and is kept nowhere else.
        Assert.DoesNotContain("key=", sent.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostPassword_RealOrUnknownAccount_TheRequestRunsTheSameCommands_AndNoneLooksTheAccountUp()
    {
        await using var site = await StartWithSiteAddressAsync();
        (await TestSite.LogInAsync(site.Client(), "admin", TestSite.AdminPassword)).Dispose();
        var client = site.Client();

        async Task<List<string>> CommandsOfRequestAsync(string login)
        {
            var before = site.Queries.Commands.Count;
            (await PostFormAsync(client, "/login/lost", "/login/lost", new() { ["user_login"] = login })).Dispose();
            return [.. site.Queries.Commands.Skip(before).Where(c => c.Request == "POST /login/lost").Select(c => c.Sql)];
        }
        // One request first, so both measured ones find the settings cache in the same state.
        await CommandsOfRequestAsync("warm-up-nobody");
        var real = await CommandsOfRequestAsync("admin");
        var unknown = await CommandsOfRequestAsync("nobody-at-all");

        Assert.NotEmpty(real);
        Assert.Equal(unknown, real);
        Assert.DoesNotContain(real, sql => sql.Contains("\"Users\"", StringComparison.Ordinal));
        Assert.Contains(real, sql => sql.Contains("INSERT INTO \"MailOutbox\"", StringComparison.Ordinal));
        // The mail worker did the account's part afterwards.
        Assert.StartsWith("/login/reset?login=admin", await ResetLinkAsync(site));
    }

    [Fact]
    public async Task ResetPassword_ForgedKey_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await PostFormAsync(site.Client(), "/login/reset?login=admin&key=forged", "/login/reset",
            new() { ["pass1"] = "a long enough new password", ["pass2"] = "a long enough new password" });

        Assert.Contains("not valid any more", await response.Content.ReadAsStringAsync());
        using var login = await TestSite.LogInAsync(site.Client(), "admin", TestSite.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [GeneratedRegex("=([0-9A-F]{2})")]
    private static partial Regex QuotedPrintableHex();

    [GeneratedRegex(@"https?://\S+/login/reset\?\S+")]
    private static partial Regex LinkPattern();
}

public sealed class SqliteLostPasswordTests() : LostPasswordTests(DatabaseKind.Sqlite);

public sealed class PostgresLostPasswordTests() : LostPasswordTests(DatabaseKind.Postgres);
