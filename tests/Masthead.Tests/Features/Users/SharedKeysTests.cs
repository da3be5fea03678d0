using System.Net;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Users;

/// <summary>Data-protection keys live in the database, so every node (and a restored copy) reads every cookie.</summary>
public abstract class SharedKeysTests
{
    protected abstract DatabaseKind Kind { get; }

    private static readonly Uri Origin = new("http://localhost/");

    /// <summary>One browser's cookies, carried from node to node as a load balancer would send it to either.</summary>
    private static async Task<HttpResponseMessage> SendAsync(TestSite node, CookieContainer jar, HttpMethod method, string path, HttpContent? content = null)
    {
        using var client = node.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (jar.GetCookieHeader(Origin) is { Length: > 0 } cookies)
        {
            request.Headers.Add("Cookie", cookies);
        }
        var response = await client.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            jar.SetCookies(Origin, header);
        }
        return response;
    }

    [Fact]
    public async Task SignIn_OnOneNode_IsValidOnAnotherWithItsOwnKeyFolder()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var jar = new CookieContainer();
        using var form = await SendAsync(site, jar, HttpMethod.Get, "/login");
        var fields = BrowserForm.Fields(TestSite.Parse(await form.Content.ReadAsStringAsync()), "/login");
        fields["log"] = "admin";
        fields["pwd"] = TestSite.AdminPassword;
        using var signedIn = await SendAsync(site, jar, HttpMethod.Post, "/login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        await using var second = site.StartAnotherNode();
        using var onSecond = await SendAsync(second, jar, HttpMethod.Get, "/admin");

        Assert.Equal(HttpStatusCode.OK, onSecond.StatusCode);
        Assert.True(await site.DbAsync(db => db.DataProtectionKeys.AnyAsync()));
    }
}

public abstract class LegacyKeyFolderTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task Upgrade_KeysInTheOldFolder_AreTakenInSoWhatTheyProtectedStillReads()
    {
        // What an earlier version left behind: its key ring as files, and a secret protected with it.
        var folder = Path.Combine(Path.GetTempPath(), $"masthead-legacy-keys-{Guid.NewGuid():N}");
        var old = DataProtectionProvider.Create(new DirectoryInfo(folder), setup => setup.SetApplicationName("Masthead"));
        var secret = old.CreateProtector("Masthead.Users.AuthenticatorKey").Protect("JBSWY3DPEHPK3PXP");
        try
        {
            // The upgrade: the schema is migrated first (on PostgreSQL by `migrate`), so the key table exists and is empty
            // when the new version starts with the old folder.
            await using var site = await TestSite.StartAsync(Kind);
            await site.DbAsync(db => db.DataProtectionKeys.ExecuteDeleteAsync());
            await using var upgraded = site.StartAnotherNode(new Dictionary<string, string?> { ["Accounts:KeysFolder"] = folder });

            var provider = upgraded.Services.GetRequiredService<IDataProtectionProvider>();
            Assert.Equal("JBSWY3DPEHPK3PXP", provider.CreateProtector("Masthead.Users.AuthenticatorKey").Unprotect(secret));
            Assert.Equal(Directory.GetFiles(folder, "key-*.xml").Length, await site.DbAsync(db => db.DataProtectionKeys.CountAsync()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

public sealed class SqliteSharedKeysTests : SharedKeysTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresSharedKeysTests : SharedKeysTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}

public sealed class SqliteLegacyKeyFolderTests : LegacyKeyFolderTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresLegacyKeyFolderTests : LegacyKeyFolderTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
