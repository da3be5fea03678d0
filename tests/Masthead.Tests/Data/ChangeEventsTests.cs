using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Data;

/// <summary>
/// Each committed write announces what it changed, once; the reader's cached state is rebuilt after the writes it
/// depends on and after nothing else (counted in queries: a warm home page runs one).
/// </summary>
public abstract class ChangeEventsTests(SiteFixture fixture)
{
    public static TheoryData<string> WritesReadersNeverSee => new()
    {
        "a failed sign-in", "a post lock renewed", "a draft saved", "a published post's text corrected", "a comment held for moderation",
        "an activity row", "a user's sign-in counters",
    };

    public static TheoryData<string> WritesReadersSee => new()
    {
        "a post published", "a published post retitled", "a comment approved", "a category renamed", "an option saved",
        "an author's name changed", "a published post's tags changed", "scheduled posts published",
    };

    [Theory]
    [MemberData(nameof(WritesReadersNeverSee))]
    public async Task Write_ThatReadersNeverSee_KeepsTheReadersCachedState(string write)
    {
        var site = await fixture.GetAsync();
        var warm = await WarmHomeQueriesAsync(site);

        await WriteAsync(site, write);

        Assert.Equal(warm, await site.CountQueriesAsync("/"));
    }

    [Theory]
    [MemberData(nameof(WritesReadersSee))]
    public async Task Write_ThatReadersSee_RebuildsTheReadersCachedStateOnce(string write)
    {
        var site = await fixture.GetAsync();
        var warm = await WarmHomeQueriesAsync(site);

        await WriteAsync(site, write);

        Assert.True(await site.CountQueriesAsync("/") > warm, $"{write} left the cached state as it was.");
        Assert.Equal(warm, await site.CountQueriesAsync("/"));
    }

    [Fact]
    public async Task Save_OutsideATransaction_AnnouncesWhatChangedWithTheNewIdsAndTheStatusBeforeAndAfter()
    {
        var site = await fixture.GetAsync();
        var post = await site.AddPostAsync(Unique.Name("Draft first"), p => p.Status = PostStatus.Draft);
        using var heard = new Heard(site);

        await site.DbAsync(async db =>
        {
            var tracked = await db.Posts.SingleAsync(p => p.Id == post.Id);
            tracked.Status = PostStatus.Publish;
            db.Comments.Add(new Comment { PostId = post.Id, AuthorName = "Reader", Content = "First!", Approval = CommentApproval.Pending });
            await db.SaveChangesAsync();
        });

        var set = Assert.Single(heard.Sets);
        var changed = Assert.Single(set.Changes.OfType<PostChanged>());
        Assert.Equal((post.Id, PostStatus.Draft, PostStatus.Publish), (changed.Id, changed.Before!.Status, changed.After!.Status));
        var comment = Assert.Single(set.Changes.OfType<CommentChanged>());
        Assert.True(comment.Id > 0);
        Assert.Equal((post.Id, (CommentApproval?)null, (CommentApproval?)CommentApproval.Pending), (comment.PostId, comment.Before, comment.After));
    }

    [Fact]
    public async Task Save_InATransaction_IsAnnouncedAtTheCommitAndNeverWhenRolledBack()
    {
        var site = await fixture.GetAsync();
        using var heard = new Heard(site);

        await site.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SetOptionAsync(SiteSettings.Names.Tagline, Unique.Name("Rolled back"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        });
        Assert.Empty(heard.Sets);

        await site.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SetOptionAsync(SiteSettings.Names.Tagline, Unique.Name("Committed"));
            await db.SaveChangesAsync();
            Assert.Empty(heard.Sets);
            await transaction.CommitAsync();
        });
        Assert.Equal([new OptionChanged(SiteSettings.Names.Tagline)], Assert.Single(heard.Sets).Changes);
    }

    private static async Task<int> WarmHomeQueriesAsync(TestSite site)
    {
        await site.PageAsync("/");
        return await site.CountQueriesAsync("/");
    }

    private static async Task WriteAsync(TestSite site, string write)
    {
        switch (write)
        {
            case "a failed sign-in":
                using (var client = site.Client())
                {
                    (await TestSite.LogInAsync(client, "nobody-" + Guid.NewGuid().ToString("N")[..8], "wrong password")).Dispose();
                }
                break;
            case "a post lock renewed":
                var locked = await FirstPublishedAsync(site);
                await site.DbAsync(db => PostLocks.TakeAsync(db, locked, 1, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
                break;
            case "a draft saved":
                await site.AddPostAsync(Unique.Name("Draft"), p => p.Status = PostStatus.Draft);
                break;
            case "a published post's text corrected":
                await ChangePublishedAsync(site, p => p.Content += "<p>Correction.</p>");
                break;
            case "a comment held for moderation":
                await site.DbAsync(async db =>
                {
                    db.Comments.Add(new Comment { PostId = await FirstPublishedAsync(site), AuthorName = "Held", Content = "Hmm", Approval = CommentApproval.Pending });
                    await db.SaveChangesAsync();
                });
                break;
            case "an activity row":
                await using (var scope = site.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<Masthead.Features.Activity.ActivityLog>().RecordAsync(null, "tested", "test");
                }
                break;
            case "a user's sign-in counters":
                await site.DbAsync(async db =>
                {
                    var user = await db.Users.OrderBy(u => u.Id).FirstAsync();
                    user.AccessFailedCount++;
                    await db.SaveChangesAsync();
                });
                break;
            case "a post published":
                await site.AddPostAsync(Unique.Name("Published"));
                break;
            case "a published post retitled":
                await ChangePublishedAsync(site, p => p.Title = Unique.Name("Retitled"));
                break;
            case "a comment approved":
                await site.DbAsync(async db =>
                {
                    var comment = new Comment { PostId = await FirstPublishedAsync(site), AuthorName = "Fine", Content = "Agreed", Approval = CommentApproval.Pending };
                    db.Comments.Add(comment);
                    await db.SaveChangesAsync();
                    comment.Approval = CommentApproval.Approved;
                    await db.SaveChangesAsync();
                });
                break;
            case "a category renamed":
                await site.DbAsync(async db =>
                {
                    var category = await db.Terms.FirstAsync(t => t.Taxonomy == Taxonomy.Category);
                    category.Name = Unique.Name("Renamed");
                    await db.SaveChangesAsync();
                });
                break;
            case "an option saved":
                await site.SetOptionAsync(SiteSettings.Names.Tagline, Unique.Name("Tagline"));
                break;
            case "an author's name changed":
                await site.DbAsync(async db =>
                {
                    var user = await db.Users.OrderBy(u => u.Id).FirstAsync();
                    user.DisplayName = Unique.Name("Byline");
                    await db.SaveChangesAsync();
                });
                break;
            case "a published post's tags changed":
                var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Tag"));
                await site.PageAsync("/"); // adding the tag itself rebuilds; the link alone must rebuild again
                await site.DbAsync(async db =>
                {
                    db.PostTerms.Add(new PostTerm { PostId = await FirstPublishedAsync(site), TermId = tag.Id });
                    await db.SaveChangesAsync();
                });
                break;
            case "scheduled posts published":
                site.Services.GetRequiredService<IChangeBus>().Publish(new ChangeSet([new ScheduledPostsPublished(1)]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(write), write, "No such write in this test.");
        }
    }

    private static Task<int> FirstPublishedAsync(TestSite site) =>
        site.DbAsync(db => db.Posts.Where(p => p.Type == PostType.Post && p.Status == PostStatus.Publish).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync());

    private static Task ChangePublishedAsync(TestSite site, Action<Post> change) => site.DbAsync(async db =>
    {
        var id = await FirstPublishedAsync(site);
        change(await db.Posts.SingleAsync(p => p.Id == id));
        await db.SaveChangesAsync();
    });

    /// <summary>Every change set announced while it lives.</summary>
    private sealed class Heard : IDisposable
    {
        private readonly IDisposable _subscription;

        public Heard(TestSite site) => _subscription = site.Services.GetRequiredService<IChangeBus>().Subscribe(Sets.Add);

        public List<ChangeSet> Sets { get; } = [];

        public void Dispose() => _subscription.Dispose();
    }
}

public sealed class SqliteChangeEventsTests(SqliteSiteFixture fixture) : ChangeEventsTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresChangeEventsTests(PostgresSiteFixture fixture) : ChangeEventsTests(fixture), IClassFixture<PostgresSiteFixture>;
