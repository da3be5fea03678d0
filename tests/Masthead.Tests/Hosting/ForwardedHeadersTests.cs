using Masthead.Features.Activity;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Hosting;

/// <summary>X-Forwarded-For names the client only when it comes from a proxy the configuration names.</summary>
public abstract class ForwardedHeadersTests
{
    protected abstract DatabaseKind Kind { get; }

    [Theory]
    [InlineData(null, null, "127.0.0.1")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "127.0.0.1", "203.0.113.7")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8", "203.0.113.7")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.9.9.9", "127.0.0.1")]
    public async Task ForwardedFor_OnlyFromAConfiguredProxy_IsTheAddressTheSiteSees(string? key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>();
        if (key is not null)
        {
            settings[key] = value;
        }
        // On a real port, so requests come from 127.0.0.1 as they would from nginx on the same machine.
        await using var site = await TestSite.StartAsync(Kind, settings, onRealPort: true);
        using var client = site.SocketClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var login = Unique.Name("nobody").Replace(' ', '-');

        (await TestSite.LogInAsync(client, login, "not the password")).Dispose();

        var address = await site.DbAsync(db => db.Set<ActivityEntry>().Where(e => e.Actor == login).Select(e => e.Address).SingleAsync());
        Assert.Equal(expected, address);
    }
}

public sealed class SqliteForwardedHeadersTests : ForwardedHeadersTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresForwardedHeadersTests : ForwardedHeadersTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
