using System.Linq.Expressions;
using Masthead.Data;
using Masthead.Features.Permalinks;
using Masthead.Features.Search;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// Runs <see cref="ReaderQuery"/>s for one viewer: the home page, archives, search, the sidebar's widgets and a post's
/// neighbours list what this returns, and feeds, sitemaps and the REST API can too. It returns posts, or whatever
/// projection the caller picks; no markup. The site snapshot supplies the counts and sticky posts it already knows,
/// so a warm home page or single-term archive is not counted again.
/// </summary>
public sealed class ReaderPosts(AppDbContext db, SiteSnapshot site, ISearchIndex search, ReaderViewer viewer)
{
    public ReaderViewer Viewer => viewer;

    /// <summary>
    /// The posts the query selects, unordered and unpaged, for a caller that shapes them further (a lookup by slug,
    /// dates for the Archives widget). With <see cref="ReaderQuery.StickyFirst"/> the sticky posts are left out.
    /// </summary>
    public IQueryable<Post> Filter(ReaderQuery query) => Filter(query, forCount: false);

    /// <summary>The same posts in the query's order, still unpaged: for a caller that takes the first few.</summary>
    public IQueryable<Post> Ordered(ReaderQuery query) => Filter(query).InOrder(query.Order);

    /// <summary>
    /// The query's page, projected by <paramref name="projection"/>, with the total. A page past the last comes back
    /// empty with <see cref="ReaderPage{T}.Exists"/> false, and without querying for rows.
    /// </summary>
    public async Task<ReaderPage<T>> PageAsync<T>(ReaderQuery query, Expression<Func<Post, T>> projection)
    {
        var pageSize = Math.Max(1, query.PageSize);
        var total = await CountAsync(query);
        var pageCount = Math.Max(1, (total + pageSize - 1) / pageSize);
        if (query.Page < 1 || query.Page > pageCount)
        {
            return new ReaderPage<T>([], total, query.Page, pageCount);
        }

        var items = new List<T>();
        // The snapshot keeps the published sticky posts, so a page without any asks for none.
        if (query.StickyFirst && query.Page == 1 && site.StickyPostIds is { Count: > 0 } stickyIds)
        {
            items.AddRange(await Filter(query with { StickyFirst = false }).Where(p => stickyIds.Contains(p.Id))
                .InOrder(query.Order).Select(projection).ToListAsync());
        }
        items.AddRange(await Ordered(query).Skip((query.Page - 1) * pageSize).Take(pageSize).Select(projection).ToListAsync());
        return new ReaderPage<T>(items, total, query.Page, pageCount);
    }

    /// <summary>
    /// How many posts the query's pages divide. The snapshot already counted every post and each term's, as every
    /// viewer sees them (see <see cref="PostQueries.VisibleTo"/>); anything else is counted in the database.
    /// </summary>
    private async Task<int> CountAsync(ReaderQuery query)
    {
        var postsOnly = query.Types is [var type] && type == PostType.Post;
        var narrowed = query.AuthorId is not null || query.FromUtc is not null || query.BeforeUtc is not null || query.Search is not null;
        // CASE: every post (the home page), less the sticky ones when they ride above page one.
        if (postsOnly && !narrowed && query.TermIds is null)
        {
            return query.StickyFirst ? site.PublishedPostCount - site.StickyPostIds.Count : site.PublishedPostCount;
        }
        // CASE: one term's posts, such as a tag or a category without subcategories.
        if (postsOnly && !narrowed && !query.StickyFirst && query.TermIds is [var termId] && site.Term(termId) is { } term)
        {
            return term.Count;
        }
        // CASE: several terms, an author, dates or a search.
        return await Filter(query, forCount: true).CountAsync();
    }

    private IQueryable<Post> Filter(ReaderQuery query, bool forCount)
    {
        var posts = db.Posts.AsNoTracking().OfPostTypes(query.Types).VisibleTo(viewer);
        if (query.Search is { } text)
        {
            posts = search.Matching(posts, text);
        }
        if (query.StickyFirst && site.StickyPostIds is { Count: > 0 } stickyIds)
        {
            posts = posts.Where(p => !stickyIds.Contains(p.Id));
        }
        if (query.TermIds is { } termIds)
        {
            // Same rows either way, different plans (see the two InTerms).
            posts = forCount ? posts.InTerms(termIds, db.PostTerms) : posts.InTerms(termIds);
        }
        if (query.AuthorId is { } authorId)
        {
            posts = posts.ByAuthor(authorId);
        }
        return posts.InDateRange(query.FromUtc, query.BeforeUtc);
    }
}
