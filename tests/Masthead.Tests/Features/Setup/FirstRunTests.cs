using Masthead.Features.Posts;
using Masthead.Features.Setup;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Masthead.Tests.Features.Setup;

public abstract class FirstRunTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task FirstRun_NewDatabase_CreatesTheSampleSiteWithWordPressIds()
    {
        await using var site = await TestSite.StartAsync(Kind);

        var (hello, page, comments, admin) = await site.DbAsync(async db => (
            await db.Posts.SingleAsync(p => p.Id == 1),
            await db.Posts.SingleAsync(p => p.Id == 2),
            await db.Comments.ToListAsync(),
            await db.Users.SingleAsync()));

        Assert.Equal(("Hello world!", PostType.Post, PostStatus.Publish), (hello.Title, hello.Type, hello.Status));
        Assert.Equal(("Sample Page", PostType.Page), (page.Title, page.Type));
        var comment = Assert.Single(comments);
        Assert.Equal(hello.Id, comment.PostId);
        Assert.Equal("administrator", admin.Role);
        Assert.NotEqual("a-test-password-that-is-long", admin.PasswordHash);
        Assert.StartsWith("AQAAAA", admin.PasswordHash); // Identity's versioned PBKDF2 format
    }

    [Fact]
    public async Task FirstRun_SecondStart_KeepsTheDataAndAddsNothing()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var story = await site.AddPostAsync(Unique.Name("Kept"));
        var before = await site.DbAsync(db => db.Posts.CountAsync());

        foreach (var service in site.Services.GetServices<IHostedService>().OfType<FirstRun>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        Assert.Equal(before, await site.DbAsync(db => db.Posts.CountAsync()));
        Assert.Equal(1, await site.DbAsync(db => db.Users.CountAsync()));
        Assert.True(await site.DbAsync(db => db.Posts.AnyAsync(p => p.Id == story.Id)));
    }
}

public sealed class SqliteFirstRunTests : FirstRunTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresFirstRunTests : FirstRunTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
