using Masthead.Features.Permalinks;
using Masthead.Features.Taxonomies;

namespace Masthead.Features.Posts;

/// <summary>
/// Who is asking for posts. Signed in or not, every viewer sees what an anonymous reader sees: published posts only
/// (private posts and drafts are read in the admin and its preview). The password a reader gave decides only whether
/// a protected post's text shows, never whether the post is listed.
/// </summary>
public sealed record ReaderViewer(int? UserId, string? GivenPassword)
{
    /// <summary>No one in particular: what widgets, counts and anything cached for every reader are built for.</summary>
    public static readonly ReaderViewer Anonymous = new(null, null);

    public static ReaderViewer Of(HttpContext http) => new(PostPermissions.UserId(http.User), PostPasswords.Given(http));
}

/// <summary>In which order posts come: by publication instant, ties broken by id the same way.</summary>
public enum ReaderOrder { Newest, Oldest }

/// <summary>
/// Which posts a reader asks for: the home page, an archive (term, author, dates), a search, a widget's list — and,
/// later, a feed, a sitemap or <c>/wp-json/wp/v2/posts</c>. Run by <see cref="ReaderPosts"/>; all filters combine.
/// </summary>
public sealed record ReaderQuery
{
    public const int DefaultPageSize = 10;

    private static readonly IReadOnlyList<PostType> PostsOnly = [PostType.Post];

    /// <summary>Every post, newest first: Recent Posts, Archives, neighbours.</summary>
    public static readonly ReaderQuery Latest = new();

    /// <summary>Every post, sticky ones above the first page: the home page and the posts page.</summary>
    public static readonly ReaderQuery Home = new() { StickyFirst = true };

    /// <summary>Every post and page: what search results and Recent Comments may point a reader to.</summary>
    public static readonly ReaderQuery PostsAndPages = new() { Types = [PostType.Post, PostType.Page] };

    public IReadOnlyList<PostType> Types { get; init; } = PostsOnly;

    /// <summary>Posts in any of these terms; a category's archive names its subcategories too (see <see cref="InTerm"/>).</summary>
    public IReadOnlyList<int>? TermIds { get; init; }
    public int? AuthorId { get; init; }

    /// <summary>Published at or after this instant.</summary>
    public DateTime? FromUtc { get; init; }

    /// <summary>Published before this instant.</summary>
    public DateTime? BeforeUtc { get; init; }

    /// <summary>Words to find, through the site's <see cref="Masthead.Features.Search.ISearchIndex"/>.</summary>
    public string? Search { get; init; }

    /// <summary>Sticky posts above the rest on the first page, and not again among them.</summary>
    public bool StickyFirst { get; init; }

    public ReaderOrder Order { get; init; } = ReaderOrder.Newest;

    /// <summary>Which page, from 1.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Published posts of one type, for a lookup by id or slug.</summary>
    public static ReaderQuery Of(PostType type) => new() { Types = [type] };

    /// <summary>A term's archive: a category lists its subcategories' posts too, as WordPress's does; a tag only its own.</summary>
    public static ReaderQuery InTerm(SiteSnapshot site, TermInfo term) =>
        new() { TermIds = term.Taxonomy == Taxonomy.Category ? site.CategoryAndDescendants(term.Id) : [term.Id] };

    /// <summary>Search results: posts and pages whose words match, newest first, never sticky.</summary>
    public static ReaderQuery Searching(string text) => PostsAndPages with { Search = text };
}

/// <summary>One page of a reader query's posts, with how many there are in all.</summary>
/// <param name="Items">The page's posts, sticky ones first where the query asked for them.</param>
/// <param name="Total">
/// How many posts the pages divide. With <see cref="ReaderQuery.StickyFirst"/> the sticky posts ride above page one
/// and are not counted, so the page count is the same with or without them.
/// </param>
/// <param name="Page">The page asked for, from 1.</param>
/// <param name="PageCount">How many pages there are; at least one, even when nothing matches.</param>
public sealed record ReaderPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageCount)
{
    /// <summary>Whether the page asked for is one of the query's pages (page one always is, even empty).</summary>
    public bool Exists => Page >= 1 && Page <= PageCount;
}
