using System.Security.Claims;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Masthead.Tests.Features.Posts;

/// <summary>The post writer called directly, as the REST API and the import will call it: what a save means, by role.</summary>
public abstract class PostWriterTests(SiteFixture fixture)
{
    private static readonly DateTime FarAhead = new(2999, 6, 1, 9, 30, 0);
    private static readonly DateTime LongAgo = new(2001, 6, 1, 9, 30, 0);

    [Theory]
    [InlineData(Roles.Contributor, PostStatus.Pending)]
    [InlineData(Roles.Author, PostStatus.Publish)]
    [InlineData(Roles.Editor, PostStatus.Publish)]
    public async Task Write_PublishByRole_OnlyThoseWhoMayPublishDo(string role, PostStatus expected)
    {
        var site = await fixture.GetAsync();
        var writer = await UserAsync(site, role);

        var result = await WriteAsync(site, writer, New("By role") with { Action = PostAction.Publish });

        Assert.Equal(PostWriteOutcome.Saved, result.Outcome);
        Assert.Equal(expected, await StatusOfAsync(site, result.Post!.Id));
    }

    [Fact]
    public async Task Write_NewPostSayingNothingOfComments_TakesDiscussionsDefault()
    {
        await using var site = await TestSite.StartAsync(fixture.Kind);
        await site.SetOptionAsync(Masthead.Features.Settings.DiscussionSettings.Names.DefaultCommentStatus, "closed");
        var author = await UserAsync(site, Roles.Author);

        var closed = await WriteAsync(site, author, New("Closed by default") with { Action = PostAction.Draft });
        var open = await WriteAsync(site, author, New("Opened anyway") with { Action = PostAction.Draft, CommentsOpen = true });

        Assert.Equal(CommentStatus.Closed, (await PostAsync(site, closed.Post!.Id)).CommentStatus);
        Assert.Equal(CommentStatus.Open, (await PostAsync(site, open.Post!.Id)).CommentStatus);
    }

    [Fact]
    public async Task Write_PublishWithADateAhead_IsScheduledForThatTime()
    {
        var site = await fixture.GetAsync();
        var author = await UserAsync(site, Roles.Author);

        var result = await WriteAsync(site, author, New("Ahead") with { Action = PostAction.Publish, Date = new PostDate(FarAhead) });

        var stored = await PostAsync(site, result.Post!.Id);
        Assert.Equal(PostStatus.Future, stored.Status);
        // The site's time zone is UTC unless set, so the wall-clock time is the stored time.
        Assert.Equal(FarAhead, stored.PublishedAtUtc);
    }

    [Fact]
    public async Task Write_PublishWithADateGonePast_IsPublishedWithThatDate()
    {
        var site = await fixture.GetAsync();
        var author = await UserAsync(site, Roles.Author);

        var result = await WriteAsync(site, author, New("Backdated") with { Action = PostAction.Publish, Date = new PostDate(LongAgo) });

        var stored = await PostAsync(site, result.Post!.Id);
        Assert.Equal(PostStatus.Publish, stored.Status);
        Assert.Equal(LongAgo, stored.PublishedAtUtc);
    }

    [Fact]
    public async Task Write_PrivateVisibility_DropsThePasswordAndThePin()
    {
        var site = await fixture.GetAsync();
        var editor = await UserAsync(site, Roles.Editor);

        var result = await WriteAsync(site, editor, New("Private") with
        {
            Action = PostAction.Publish,
            Visibility = Visibility.Private,
            Password = "secret",
            Sticky = true,
        });

        var stored = await PostAsync(site, result.Post!.Id);
        Assert.Equal(PostStatus.Private, stored.Status);
        Assert.Equal("", stored.Password);
        Assert.False(stored.IsSticky);
    }

    [Fact]
    public async Task TrashThenRestore_ReturnsTheStatusItHadBefore()
    {
        var site = await fixture.GetAsync();
        var editor = await UserAsync(site, Roles.Editor);
        var id = (await WriteAsync(site, editor, New("Pending") with { Action = PostAction.Pending })).Post!.Id;

        var trashed = await WriteAsync(site, editor, new PostChange { Id = id, Action = PostAction.Trash });
        var inTrash = await StatusOfAsync(site, id);
        var remembered = await site.DbAsync(db => db.PostMeta.Where(m => m.PostId == id && m.Key == PostWriter.TrashedStatusMeta).Select(m => m.Value).SingleAsync());
        var restored = await WriteAsync(site, editor, new PostChange { Id = id, Action = PostAction.Restore });

        Assert.Equal([PostWriteOutcome.Saved, PostWriteOutcome.Saved], [trashed.Outcome, restored.Outcome]);
        Assert.Equal(PostStatus.Trash, inTrash);
        Assert.Equal("pending", remembered);
        Assert.Equal(PostStatus.Pending, await StatusOfAsync(site, id));
        Assert.False(await site.DbAsync(db => db.PostMeta.AnyAsync(m => m.PostId == id && m.Key == PostWriter.TrashedStatusMeta)));
    }

    [Theory]
    [InlineData(Roles.Author, false)]
    [InlineData(Roles.Administrator, true)]
    public async Task Write_Html_IsCleanedUnlessTheWriterHasUnfilteredHtml(string role, bool keptAsWritten)
    {
        var site = await fixture.GetAsync();
        var writer = await UserAsync(site, role);
        const string Html = "<p onclick=\"steal()\">Hello</p><script>alert(1)</script>";

        var result = await WriteAsync(site, writer, New("Cleaned") with { Content = Html });

        var stored = (await PostAsync(site, result.Post!.Id)).Content;
        if (keptAsWritten)
        {
            Assert.Equal(Html, stored);
        }
        else
        {
            Assert.Equal("<p>Hello</p>", stored);
        }
    }

    [Fact]
    public async Task Write_SlugTakenByAnotherPost_GetsDashTwo()
    {
        var site = await fixture.GetAsync();
        var author = await UserAsync(site, Roles.Author);
        var title = Unique.Name("Same title");

        var first = await WriteAsync(site, author, New(title, exact: true));
        var second = await WriteAsync(site, author, New(title, exact: true));

        Assert.Equal(Slug.From(title), first.Post!.Slug);
        Assert.Equal(Slug.From(title) + "-2", second.Post!.Slug);
    }

    [Fact]
    public async Task Write_NewPost_GetsTheDefaultCategoryItsTagsARevisionAndAnActivityEntry()
    {
        var site = await fixture.GetAsync();
        var author = await UserAsync(site, Roles.Author);
        var tag = Unique.Name("tag");

        var result = await WriteAsync(site, author, New("Filed") with { Action = PostAction.Publish, TagNames = [tag] });

        var id = result.Post!.Id;
        var defaultCategory = await site.DbAsync(ManageTerms.DefaultCategoryIdAsync);
        var terms = await site.DbAsync(db => db.PostTerms.Where(pt => pt.PostId == id).Select(pt => new { pt.TermId, pt.Term.Name }).ToListAsync());
        Assert.Contains(terms, t => t.TermId == defaultCategory);
        Assert.Contains(terms, t => t.Name == tag);
        Assert.Equal(1, await site.DbAsync(db => db.Posts.CountAsync(p => p.ParentId == id && p.Type == PostType.Revision)));
        Assert.True(await site.DbAsync(db => db.Set<ActivityEntry>().AnyAsync(a => a.UserId == author.UserId && a.Action == "published a post")));
    }

    [Fact]
    public async Task Write_RefusedChange_WritesNothing()
    {
        var site = await fixture.GetAsync();
        var author = await UserAsync(site, Roles.Author);
        var contributor = await UserAsync(site, Roles.Contributor);
        var published = (await WriteAsync(site, author, New("Someone else's") with { Action = PostAction.Publish })).Post!;
        var tag = Unique.Name("never made");
        var before = await CountsAsync(site);

        var notAllowed = await WriteAsync(site, contributor, new PostChange { Id = published.Id, Title = "Taken over", TagNames = [tag], Action = PostAction.Draft });
        var invalid = await WriteAsync(site, author, new PostChange
        {
            Id = published.Id,
            Title = new string('x', Post.MaxTitleLength + 1),
            TagNames = [tag],
            Action = PostAction.Draft,
        });

        Assert.Equal(PostWriteOutcome.NotAllowed, notAllowed.Outcome);
        Assert.Equal(PostWriteOutcome.Invalid, invalid.Outcome);
        Assert.Contains(invalid.Problems, p => p.Message.Contains("title", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync(site));
        var stored = await PostAsync(site, published.Id);
        Assert.Equal((published.Title, PostStatus.Publish), (stored.Title, stored.Status));
        Assert.False(await site.DbAsync(db => db.Terms.AnyAsync(t => t.Name == tag)));
    }

    [Fact]
    public async Task Write_ContributorEditingOthersDraft_IsRefusedButTheirOwnIsSubmitted()
    {
        var site = await fixture.GetAsync();
        var contributor = await UserAsync(site, Roles.Contributor);
        var other = await UserAsync(site, Roles.Contributor);
        var own = (await WriteAsync(site, contributor, New("Own draft"))).Post!;

        var refused = await WriteAsync(site, other, new PostChange { Id = own.Id, Action = PostAction.Publish });
        var submitted = await WriteAsync(site, contributor, new PostChange { Id = own.Id, Action = PostAction.Publish });

        Assert.Equal(PostWriteOutcome.NotAllowed, refused.Outcome);
        Assert.Equal(PostWriteOutcome.Saved, submitted.Outcome);
        Assert.Equal(PostStatus.Pending, await StatusOfAsync(site, own.Id));
    }

    private sealed record Writer(ClaimsPrincipal User, int UserId);

    /// <summary>A new post with a title no other test uses (or exactly <paramref name="title"/>).</summary>
    private static PostChange New(string title, bool exact = false) => new() { Title = exact ? title : Unique.Name(title), Content = "<p>Text.</p>" };

    private static async Task<Writer> UserAsync(TestSite site, string role)
    {
        var login = Unique.Name(role).Replace(' ', '-');
        var id = await site.DbAsync(async db =>
        {
            var user = new User { Login = login, Email = $"{login}@example.invalid", DisplayName = login, Slug = login, Role = role };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return user.Id;
        });
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, login), new Claim(ClaimTypes.Role, role)],
            "Test");
        return new Writer(new ClaimsPrincipal(identity), id);
    }

    private static async Task<PostWriteResult> WriteAsync(TestSite site, Writer writer, PostChange change)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PostWriter>().WriteAsync(change, writer.User, "127.0.0.1");
    }

    private static Task<Post> PostAsync(TestSite site, int id) => site.DbAsync(db => db.Posts.AsNoTracking().SingleAsync(p => p.Id == id));

    private static Task<PostStatus> StatusOfAsync(TestSite site, int id) => site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());

    private static Task<(int Posts, int Meta, int Terms, int Links, int Activity)> CountsAsync(TestSite site) => site.DbAsync(async db =>
        (await db.Posts.CountAsync(), await db.PostMeta.CountAsync(), await db.Terms.CountAsync(), await db.PostTerms.CountAsync(), await db.Set<ActivityEntry>().CountAsync()));
}

public sealed class SqlitePostWriterTests(SqliteSiteFixture fixture) : PostWriterTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresPostWriterTests(PostgresSiteFixture fixture) : PostWriterTests(fixture), IClassFixture<PostgresSiteFixture>;

/// <summary>The rules a post keeps by itself, whatever saves it.</summary>
public sealed class PostRulesTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Schedule_TimeAlreadyPast_Publishes()
    {
        var post = new Post();
        post.Schedule(new DateTime(2025, 2, 1, 0, 0, 0, DateTimeKind.Utc), Clock);
        Assert.Equal(PostStatus.Publish, post.Status);
    }

    [Fact]
    public void Schedule_TimeAhead_IsFuture()
    {
        var post = new Post();
        post.Schedule(new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc), Clock);
        Assert.Equal(PostStatus.Future, post.Status);
    }

    [Fact]
    public void MakePrivate_PasswordProtectedStickyPost_LosesBoth()
    {
        var post = new Post { Password = "secret", IsSticky = true };
        post.MakePrivate(new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc), Clock);
        Assert.Equal((PostStatus.Private, "", false), (post.Status, post.Password, post.IsSticky));
    }

    [Fact]
    public void TrashThenRestore_WithoutARememberedStatus_IsADraft()
    {
        var post = new Post { Status = PostStatus.Publish };
        var was = post.Trash();
        post.Restore(null);
        Assert.Equal((PostStatus.Publish, PostStatus.Draft), (was, post.Status));
    }

    [Fact]
    public void DueToPublish_FutureAtItsTime_MatchesAndNotBefore()
    {
        var due = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var rule = Post.DueToPublish(due).Compile();
        Assert.True(rule(new Post { Status = PostStatus.Future, PublishedAtUtc = due }));
        Assert.False(rule(new Post { Status = PostStatus.Future, PublishedAtUtc = due.AddSeconds(1) }));
        Assert.False(rule(new Post { Status = PostStatus.Draft, PublishedAtUtc = due }));
    }
}
