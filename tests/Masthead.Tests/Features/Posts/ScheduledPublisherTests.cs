using System.Globalization;
using System.Net;
using Masthead.Features.Activity;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

public abstract class ScheduledPublisherTests
{
    protected abstract DatabaseKind Kind { get; }

    private static readonly DateTime Due = new(2030, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task PublishDue_BeforeAndAfterItsTime_PublishesOnceOnTime()
    {
        await using var site = await TestSite.StartAsync(Kind);
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
    public async Task PublishDue_TwoNodesAtOnceOnOneDatabase_PublishEachPostOnce()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await using var node = site.StartAnotherNode();
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await site.AddPostAsync(Unique.Name("Race"), p =>
            {
                p.Status = PostStatus.Future;
                p.PublishedAtUtc = Due;
            })).Id);
        }

        int[] counts;
        await using (var holder = await HoldAsync(site, ids))
        {
            // Task.Run: SQLite's provider waits for a lock on the calling thread, which must stay free to let go.
            var first = Task.Run(() => site.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due)));
            var second = Task.Run(() => node.DbAsync(db => ScheduledPublisher.PublishDueAsync(db, Due)));
            await holder.WaitForWaitersAsync(2);
            Assert.False(first.IsCompleted || second.IsCompleted, "a node finished while the rows were held: the race was not run");
            await holder.ReleaseAsync();
            counts = await Task.WhenAll(first, second);
        }

        Assert.Equal(3, counts.Sum());
        Assert.Equal(3, await site.DbAsync(db => db.Posts.CountAsync(p => ids.Contains(p.Id) && p.Status == PostStatus.Publish)));
    }

    [Fact]
    public async Task BackgroundService_TwoNodesOnOneDatabase_PublishEachScheduledPostOnce()
    {
        await using var site = await TestSite.StartAsync(Kind, new Dictionary<string, string?> { ["Publishing:IntervalSeconds"] = "0.1" });
        await using var node = site.StartAnotherNode();
        var due = DateTime.SpecifyKind(TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(2), DateTimeKind.Utc);
        var ids = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await site.AddPostAsync(Unique.Name("Both nodes"), p =>
            {
                p.Status = PostStatus.Future;
                p.PublishedAtUtc = due;
            })).Id);
        }

        // Held until both nodes' publishers have come for the rows, so they go at them at the same moment.
        await using (var holder = await HoldAsync(site, ids))
        {
            Assert.True(TimeProvider.System.GetUtcNow().UtcDateTime < due, "the posts fell due before they were held");
            while (TimeProvider.System.GetUtcNow().UtcDateTime < due.AddSeconds(0.3))
            {
                await Task.Delay(50);
            }
            await holder.WaitForWaitersAsync(2);
            await holder.ReleaseAsync();
        }
        var published = await PublishedByActivityAsync(site, until: n => n >= ids.Count);
        await Task.Delay(500); // a few more ticks of each node, in which nothing more may be published

        Assert.Equal(ids.Count, published);
        Assert.Equal(ids.Count, await PublishedByActivityAsync(site, until: _ => true));
        Assert.Equal(ids.Count, await site.DbAsync(db => db.Posts.CountAsync(p => ids.Contains(p.Id) && p.Status == PostStatus.Publish)));
    }

    /// <summary>The scheduled rows held, so every publisher's UPDATE of them waits (see <see cref="HeldRows"/>).</summary>
    private Task<HeldRows> HoldAsync(TestSite site, List<int> ids) => HeldRows.HoldAsync(site, Kind, db =>
        db.Posts.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(set => set.SetProperty(p => p.ModifiedAtUtc, p => p.ModifiedAtUtc)));

    /// <summary>The posts the activity log says the publishers moved ("3 post(s)" per run), once <paramref name="until"/> holds or 10 seconds pass.</summary>
    private static async Task<int> PublishedByActivityAsync(TestSite site, Func<int, bool> until)
    {
        var total = 0;
        for (var i = 0; i < 100; i++)
        {
            var details = await site.DbAsync(db => db.Set<ActivityEntry>()
                .Where(e => e.Action == ActivityActions.ScheduledPublished).Select(e => e.Detail).ToListAsync());
            total = details.Sum(d => int.Parse(d.Split(' ')[0], CultureInfo.InvariantCulture));
            if (until(total))
            {
                break;
            }
            await Task.Delay(100);
        }
        return total;
    }

    [Fact]
    public async Task BackgroundService_ScheduledPost_GoesLiveWithoutAnyPageView()
    {
        await using var site = await TestSite.StartAsync(Kind,
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

public sealed class SqliteScheduledPublisherTests : ScheduledPublisherTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresScheduledPublisherTests : ScheduledPublisherTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
