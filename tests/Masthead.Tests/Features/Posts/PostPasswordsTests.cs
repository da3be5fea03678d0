using System.Net;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Posts;

/// <summary>The password form's own endpoint: whatever <c>redirect_to</c> a visitor sends, the answer is a redirect on this site.</summary>
public abstract class PostPasswordsTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task PostPass_OddRedirectTargets_RedirectOnThisSiteAndNeverFail()
    {
        // On a real port: Kestrel, unlike the in-memory server, refuses a non-ASCII Location header with a 500.
        await using var site = await TestSite.StartAsync(Kind, onRealPort: true);
        using var client = site.SocketClient();
        var cases = new Dictionary<string, string>
        {
            ["/é"] = "/%C3%A9",
            ["/%E9"] = "/%E9",
            ["/2024/05/ünïcode-🙂/?x=ä"] = "/2024/05/%C3%BCn%C3%AFcode-%F0%9F%99%82/?x=%C3%A4",
            ["/a\r\nSet-Cookie: x=1"] = "/",
            ["//evil.example/"] = "/",
            ["/\\evil.example"] = "/",
            ["https://evil.example/"] = "/",
        };

        foreach (var (target, expected) in cases)
        {
            using var response = await client.PostAsync("/postpass", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["post_password"] = "anything",
                ["redirect_to"] = target,
            }));

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{target}: answered {(int)response.StatusCode}");
            Assert.Equal(expected, response.Headers.Location?.OriginalString);
        }
    }
}

public sealed class SqlitePostPasswordsTests : PostPasswordsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresPostPasswordsTests : PostPasswordsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
