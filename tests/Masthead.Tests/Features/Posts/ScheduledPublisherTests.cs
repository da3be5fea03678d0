using System.Net;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

public sealed class ScheduledPublisherTests
{
    private static readonly DateTime Due = new(2030, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task PublishDue_BeforeAndAfterItsTime_PublishesOnceOnTime()
    {
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite);
        var post = await site.AddPostAsync(Unique.Name("Embargoed"), p =>
        {
            p.Status = PostStatus.Future;
            p.PublishedAtUtc = Due;
        });

        var early = await site.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due.AddSeconds(-1)));
        var onTime = await site.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due));
        var again = await site.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due.AddMinutes(1)));

        Assert.Equal((0, 1, 0), (early, onTime, again));
        Assert.Equal(PostStatus.Publish, await site.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task PublishDue_TwoInstancesAtOnce_PublishEachPostOnce()
    {
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite);
        for (var i = 0; i < 3; i++)
        {
            await site.AddPostAsync(Unique.Name("Race"), p =>
            {
                p.Status = PostStatus.Future;
                p.PublishedAtUtc = Due;
            });
        }

        var counts = await Task.WhenAll(
            site.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due)),
            site.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due)));

        Assert.Equal(3, counts.Sum());
    }

    [Fact]
    public async Task BackgroundService_ScheduledPost_GoesLiveWithoutAnyPageView()
    {
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite,
            new Dictionary<string, string?> { ["Publishing:IntervalSeconds"] = "0.2" });
        var post = await site.AddPostAsync(Unique.Name("Goes live"), p =>
        {
            p.Status = PostStatus.Future;
            p.PublishedAtUtc = DateTime.SpecifyKind(TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(1), DateTimeKind.Utc);
        });

        var status = PostStatus.Future;
        for (var i = 0; i < 100 && status != PostStatus.Publish; i++)
        {
            await Task.Delay(100);
            status = await site.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.Status).SingleAsync());
        }

        Assert.Equal(PostStatus.Publish, status);
        using var plain = await site.Client().GetAsync($"/?p={post.Id}");
        Assert.Equal(HttpStatusCode.MovedPermanently, plain.StatusCode);
        var home = await site.PageAsync("/");
        Assert.Contains(post.Title, home.QuerySelector(".widget-recent-posts")!.TextContent);
    }
}
