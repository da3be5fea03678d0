using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Posts;

/// <summary>
/// How many SQL commands each kind of reader page runs once the site's caches are warm: pinned exactly, so a change to
/// the reader query that adds one (a count the snapshot already knows, a second fetch of terms) fails here.
/// </summary>
public abstract class ReaderQueryCountTests(DatabaseKind kind)
{
    [Fact]
    public async Task ReaderPages_WarmCaches_RunTheirPinnedNumberOfQueries()
    {
        await using var site = await TestSite.StartAsync(kind);
        var parent = await site.AddTermAsync(Taxonomy.Category, Unique.Name("World"));
        var child = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Europe"), parent.Id);
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Rivers"));
        var author = await site.AddAuthorAsync(Unique.Name("Writer"));
        Masthead.Features.Posts.Post? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await site.AddPostAsync(Unique.Name("Story"), p =>
            {
                p.AuthorId = author.Id;
                p.IsSticky = i == 0;
            }, child, tag);
        }
        // Home: its sticky posts and its page (the snapshot knows the total). A single term's archive: its page (the
        // snapshot knows the term's count); a parent category, an author, a date or a search also count their posts.
        // A single post: the post, its comments and its two neighbours.
        var expected = new Dictionary<string, int>
        {
            ["/"] = 2,
            [$"/category/{parent.Slug}/"] = 2,
            [$"/category/{parent.Slug}/{child.Slug}/"] = 1,
            [$"/tag/{tag.Slug}/"] = 1,
            [$"/author/{author.Slug}/"] = 2,
            ["/2024/"] = 2,
            ["/2024/03/"] = 2,
            ["/2024/03/01/"] = 2,
            ["/?s=story"] = 2,
            [$"/2024/03/01/{last!.Slug}/"] = 4,
        };

        var actual = new Dictionary<string, int>();
        foreach (var url in expected.Keys)
        {
            await site.PageAsync(url); // fills the caches that a site change empties
            actual[url] = await site.CountQueriesAsync(url);
        }

        // Compared as text so a failure names every page's count, not only the first that differs.
        Assert.Equal(Describe(expected), Describe(actual));
    }

    private static string Describe(Dictionary<string, int> counts) =>
        string.Join("\n", counts.Select((c, i) => $"{i}: {c.Value}"));
}

public sealed class SqliteReaderQueryCountTests() : ReaderQueryCountTests(DatabaseKind.Sqlite);

public sealed class PostgresReaderQueryCountTests() : ReaderQueryCountTests(DatabaseKind.Postgres);
