using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Search;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Posts;

/// <summary>
/// The reader query's rules on a real database: which posts each status, filter and viewer lets through, in which
/// order, and how pages and totals come out. Each test has a site of its own, so totals count only its rows.
/// </summary>
public abstract class ReaderPostsTests(DatabaseKind kind)
{
    private const string Password = "open sesame";

    /// <summary>
    /// Posts in 2031 (newer than the first run's Hello world!), each with a known place in every filter. Old and
    /// Protected are in the child category, Mid in the parent and the tag, New in the tag only; the hidden posts are
    /// newest of all and in every term. The author wrote everything but New.
    /// </summary>
    private sealed record Seeded(TestSite Site, Term Parent, Term Child, Term Tag, User Author, string Word, Dictionary<string, Post> Posts)
    {
        public string Title(string key) => Posts[key].Title;

        public List<string> Titles(params string[] keys) => [.. keys.Select(Title)];
    }

    private static readonly string[] HiddenKeys = ["Draft", "Pending", "Future", "Private", "Trash"];

    private async Task<Seeded> SeedAsync()
    {
        var site = await TestSite.StartAsync(kind);
        var word = Guid.NewGuid().ToString("N")[..12];
        var parent = await site.AddTermAsync(Taxonomy.Category, Unique.Name("World"));
        var child = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Europe"), parent.Id);
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Rivers"));
        var author = await site.AddAuthorAsync(Unique.Name("Writer"));
        var posts = new Dictionary<string, Post>();
        async Task AddAsync(string key, DateTime at, Action<Post>? configure, params Term[] terms) =>
            posts[key] = await site.AddPostAsync(Unique.Name(key), p =>
            {
                p.PublishedAtUtc = at;
                // New keeps the first administrator, whom AddPostAsync names.
                p.AuthorId = key == "New" ? p.AuthorId : author.Id;
                configure?.Invoke(p);
            }, terms);

        await AddAsync("Old", new DateTime(2031, 1, 5, 9, 0, 0, DateTimeKind.Utc), null, child);
        await AddAsync("Mid", new DateTime(2031, 2, 10, 9, 0, 0, DateTimeKind.Utc), p => p.Content = $"<p>A {word} in the text.</p>", parent, tag);
        await AddAsync("Protected", new DateTime(2031, 2, 20, 9, 0, 0, DateTimeKind.Utc), p =>
        {
            p.Password = Password;
            p.Content = $"<p>The hidden {word}.</p>";
        }, child);
        await AddAsync("New", new DateTime(2031, 3, 15, 9, 0, 0, DateTimeKind.Utc), null, tag);
        await AddAsync("Sticky", new DateTime(2030, 6, 1, 9, 0, 0, DateTimeKind.Utc), p => p.IsSticky = true);
        await AddAsync("Page", new DateTime(2031, 2, 1, 9, 0, 0, DateTimeKind.Utc), p =>
        {
            p.Type = PostType.Page;
            p.Content = $"<p>About the {word}.</p>";
        });
        foreach (var (key, status) in HiddenKeys.Zip(new[] { PostStatus.Draft, PostStatus.Pending, PostStatus.Future, PostStatus.Private, PostStatus.Trash }))
        {
            await AddAsync(key, new DateTime(2031, 4, 1, 9, 0, 0, DateTimeKind.Utc), p =>
            {
                p.Status = status;
                p.IsSticky = true;
                p.Content = $"<p>A hidden {word}.</p>";
            }, parent, child, tag);
        }
        return new Seeded(site, parent, child, tag, author, word, posts);
    }

    private static Task<T> WithPostsAsync<T>(TestSite site, ReaderViewer viewer, Func<ReaderPosts, Task<T>> work, ISearchIndex? search = null) =>
        site.DbAsync(async db =>
        {
            var state = await site.Services.GetRequiredService<ReaderStateCache>().GetAsync(db);
            return await work(new ReaderPosts(db, state.Site, search ?? site.Services.GetRequiredService<ISearchIndex>(), viewer));
        });

    private static Task<ReaderPage<string>> PageAsync(Seeded seeded, ReaderQuery query, ReaderViewer? viewer = null) =>
        WithPostsAsync(seeded.Site, viewer ?? ReaderViewer.Anonymous, posts => posts.PageAsync(query, p => p.Title));

    [Fact]
    public async Task Filter_EachStatusAndType_OnlyPublishedPostsMatchForEveryViewer()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;
        var visible = seeded.Titles("Old", "Mid", "Protected", "New", "Sticky").ToHashSet();

        // A signed-in author who gave the password sees no more than anyone: private posts and drafts stay in the admin.
        foreach (var viewer in new[] { ReaderViewer.Anonymous, new ReaderViewer(seeded.Author.Id, Password) })
        {
            var titles = await WithPostsAsync(site, viewer, async posts =>
                (await posts.Filter(ReaderQuery.Latest).Select(p => p.Title).ToListAsync()).ToHashSet());

            Assert.Subset(titles, visible);
            Assert.DoesNotContain(seeded.Title("Page"), titles);
            Assert.All(HiddenKeys, key => Assert.DoesNotContain(seeded.Title(key), titles));
        }
        var pages = await WithPostsAsync(site, ReaderViewer.Anonymous, posts =>
            posts.Filter(ReaderQuery.Of(PostType.Page)).Select(p => p.Title).ToListAsync());
        Assert.Contains(seeded.Title("Page"), pages);
        Assert.All(HiddenKeys, key => Assert.DoesNotContain(seeded.Title(key), pages));
    }

    [Fact]
    public async Task PageAsync_Home_StickyFirstThenNewestWithTotalsWithoutTheSticky()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;
        var home = ReaderQuery.Home with { PageSize = 2 };

        var first = await PageAsync(seeded, home);
        var second = await PageAsync(seeded, home with { Page = 2 });
        var third = await PageAsync(seeded, home with { Page = 3 });
        var beyond = await PageAsync(seeded, home with { Page = 4 });

        // Five published posts besides the sticky one: Old, Mid, Protected, New and the first run's Hello world!.
        Assert.Equal([seeded.Title("Sticky"), seeded.Title("New"), seeded.Title("Protected")], first.Items);
        Assert.Equal([seeded.Title("Mid"), seeded.Title("Old")], second.Items);
        Assert.Equal(["Hello world!"], third.Items);
        Assert.All([first, second, third, beyond], page => Assert.Equal((5, 3), (page.Total, page.PageCount)));
        Assert.True(third.Exists);
        Assert.False(beyond.Exists);
        Assert.Empty(beyond.Items);

        // Without sticky handling the sticky post takes its place by date and is counted.
        var latest = await PageAsync(seeded, ReaderQuery.Latest with { PageSize = 10 });
        Assert.Equal(6, latest.Total);
        Assert.Equal(seeded.Title("Sticky"), latest.Items[^2]);
    }

    [Fact]
    public async Task PageAsync_TermFilters_CategoryIncludesSubcategoriesAndTotalsAreRight()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;
        var snapshot = await site.DbAsync(async db => (await site.Services.GetRequiredService<ReaderStateCache>().GetAsync(db)).Site);
        ReaderQuery InTerm(Term term) => ReaderQuery.InTerm(snapshot, snapshot.Term(term.Id)!);

        var parent = await PageAsync(seeded, InTerm(seeded.Parent));
        var child = await PageAsync(seeded, InTerm(seeded.Child) with { PageSize = 1 });
        var tag = await PageAsync(seeded, InTerm(seeded.Tag));

        Assert.Equal([seeded.Title("Protected"), seeded.Title("Mid"), seeded.Title("Old")], parent.Items);
        Assert.Equal(3, parent.Total);
        // One term without subcategories is counted by the snapshot: the count must agree with the rows.
        Assert.Equal([seeded.Title("Protected")], child.Items);
        Assert.Equal((2, 2), (child.Total, child.PageCount));
        Assert.Equal([seeded.Title("New"), seeded.Title("Mid")], tag.Items);
        Assert.Equal(2, tag.Total);
    }

    [Fact]
    public async Task PageAsync_AuthorDatesAndOrder_CombineAndCount()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;
        var byAuthor = new ReaderQuery { AuthorId = seeded.Author.Id };

        var newest = await PageAsync(seeded, byAuthor);
        var oldest = await PageAsync(seeded, byAuthor with { Order = ReaderOrder.Oldest, PageSize = 3 });
        var february = await PageAsync(seeded, byAuthor with
        {
            FromUtc = new DateTime(2031, 2, 1, 0, 0, 0, DateTimeKind.Utc),
            BeforeUtc = new DateTime(2031, 3, 1, 0, 0, 0, DateTimeKind.Utc),
        });

        Assert.Equal(seeded.Titles("Protected", "Mid", "Old", "Sticky"), newest.Items);
        Assert.Equal(4, newest.Total);
        Assert.Equal(seeded.Titles("Sticky", "Old", "Mid"), oldest.Items);
        Assert.Equal((4, 2), (oldest.Total, oldest.PageCount));
        Assert.Equal(seeded.Titles("Protected", "Mid"), february.Items);
        Assert.Equal(2, february.Total);
    }

    [Fact]
    public async Task PageAsync_Search_FindsPostsAndPagesButNotAProtectedPostsText()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;

        var found = await PageAsync(seeded, ReaderQuery.Searching(seeded.Word.ToUpperInvariant()));

        Assert.IsType<DatabaseSearchIndex>(site.Services.GetRequiredService<ISearchIndex>());
        Assert.Equal([seeded.Title("Mid"), seeded.Title("Page")], found.Items);
        Assert.Equal(2, found.Total);
    }

    [Fact]
    public async Task PageAsync_Search_AsksTheSearchIndexOnlyAboutVisiblePostsAndPages()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;
        var everything = new EverythingMatches();

        var found = await WithPostsAsync(site, ReaderViewer.Anonymous,
            posts => posts.PageAsync(ReaderQuery.Searching("whatever") with { PageSize = 50 }, p => p.Title), everything);

        Assert.Equal("whatever", everything.AskedFor);
        Assert.Subset(found.Items.ToHashSet(), seeded.Titles("Old", "Mid", "Protected", "New", "Sticky", "Page").ToHashSet());
        Assert.All(HiddenKeys, key => Assert.DoesNotContain(seeded.Title(key), found.Items));
        Assert.Equal(found.Items.Count, found.Total);
    }

    [Fact]
    public async Task Filter_ProtectedPost_IsListedButLockedUntilItsPasswordIsGiven()
    {
        var seeded = await SeedAsync();
        await using var site = seeded.Site;
        var id = seeded.Posts["Protected"].Id;

        var row = await WithPostsAsync(site, ReaderViewer.Anonymous, posts =>
            posts.Filter(ReaderQuery.Latest).Where(p => p.Id == id).Select(PostCards.Row).SingleAsync());
        var snapshot = await site.DbAsync(async db => (await site.Services.GetRequiredService<ReaderStateCache>().GetAsync(db)).Site);

        var locked = PostCards.Build(snapshot, row, singular: false, givenPassword: null);
        var unlocked = PostCards.Build(snapshot, row, singular: false, givenPassword: Password);
        Assert.DoesNotContain(seeded.Word, locked.Content + locked.Excerpt);
        Assert.Contains(seeded.Word, unlocked.Content);
    }

    /// <summary>A search index that matches every candidate, so a test sees which candidates the query hands it.</summary>
    private sealed class EverythingMatches : ISearchIndex
    {
        public string? AskedFor { get; private set; }

        public IQueryable<Post> Matching(IQueryable<Post> candidates, string text)
        {
            AskedFor = text;
            return candidates;
        }
    }
}

public sealed class SqliteReaderPostsTests() : ReaderPostsTests(DatabaseKind.Sqlite);

public sealed class PostgresReaderPostsTests() : ReaderPostsTests(DatabaseKind.Postgres);
