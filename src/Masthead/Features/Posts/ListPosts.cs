using System.Text;
using Masthead.Features.Permalinks;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>Which published posts a list shows: all of them (home), or those of a term, author, date range or search.</summary>
public sealed record PostListFilter
{
    public IReadOnlyList<int>? TermIds { get; init; }
    public int? AuthorId { get; init; }
    public DateTime? FromUtc { get; init; }
    public DateTime? BeforeUtc { get; init; }
    public string? Search { get; init; }
    /// <summary>The home page shows sticky posts above the rest on its first page.</summary>
    public bool StickyFirst { get; init; }
}

/// <summary>What a list page is called and where its pages live.</summary>
public sealed record PostListPage(
    IReadOnlyList<string> Templates, string Title, string Description, string BodyClass,
    ArchiveTemplateModel? Archive, Func<int, string> UrlOf, bool IsHome = false);

/// <summary>The home page, every archive and search results: a paginated list of published posts.</summary>
public static class ListPosts
{
    /// <summary>All published posts, sticky ones first: the home page.</summary>
    public static readonly PostListFilter HomeFilter = new() { StickyFirst = true };

    public static async Task<IResult> RenderAsync(ReaderContext reader, PostListFilter filter, PostListPage page, int pageNumber)
    {
        var perPage = reader.Settings.PostsPerPage;
        var query = Filter(reader, filter, forCount: false);
        var total = await CountAsync(reader, filter);
        var pageCount = Math.Max(1, (total + perPage - 1) / perPage);
        if (pageNumber > pageCount)
        {
            return await reader.NotFoundAsync();
        }

        var rows = new List<PostRow>();
        var stickyIds = reader.Site.StickyPostIds;
        if (filter.StickyFirst && pageNumber == 1 && stickyIds.Count > 0)
        {
            rows.AddRange(await reader.Db.Posts.AsNoTracking().Published().Where(p => stickyIds.Contains(p.Id)).Newest().Select(PostCards.Row).ToListAsync());
        }
        rows.AddRange(await query.Newest().Skip((pageNumber - 1) * perPage).Take(perPage).Select(PostCards.Row).ToListAsync());
        var given = PostPasswords.Given(reader.Http);
        IReadOnlyList<PostTemplateModel> posts = [.. rows.Select(row => PostCards.Build(reader.Site, row, singular: false, given))];
        if (reader.Settings.ArchiveDisplay == Settings.ArchiveDisplay.Excerpt)
        {
            posts = [.. posts.Select(p => p with { Content = "", HasMore = false })];
        }

        var meta = new PageMetaTemplateModel(
            pageNumber > 1 ? reader.DocumentTitle(page.Title, pageNumber) : page.Title,
            page.Description,
            reader.CanonicalUrl(page.UrlOf(pageNumber)),
            pageNumber > 1 ? $"{page.BodyClass} paged paged-{pageNumber}" : page.BodyClass,
            NoIndex: filter.Search is not null,
            IsHome: page.IsHome);
        return await reader.RenderAsync(page.Templates, meta, model => model with
        {
            Posts = posts,
            Archive = page.Archive,
            Pagination = ReaderContext.Paginate(pageNumber, pageCount, page.UrlOf),
            SearchQuery = filter.Search ?? "",
        });
    }

    /// <summary>
    /// How many posts the list has. The snapshot already knows for the home page and for a single term's archive;
    /// only archives of several terms, authors, dates and searches are counted in the database.
    /// </summary>
    private static async Task<int> CountAsync(ReaderContext reader, PostListFilter filter)
    {
        if (filter == HomeFilter)
        {
            return reader.Site.PublishedPostCount - reader.Site.StickyPostIds.Count;
        }
        if (filter is { TermIds: [var termId], AuthorId: null, FromUtc: null, BeforeUtc: null, Search: null, StickyFirst: false }
            && reader.Site.Term(termId) is { } term)
        {
            return term.Count;
        }
        return await Filter(reader, filter, forCount: true).CountAsync();
    }

    private static IQueryable<Post> Filter(ReaderContext reader, PostListFilter filter, bool forCount)
    {
        var posts = reader.Db.Posts.AsNoTracking();
        if (filter.Search is { } search)
        {
            // Simple matching over posts and pages, case-insensitive in every script on both databases; full-text
            // search comes later. ToLower()/ToUpper() here are SQL's lower()/upper(), translated by EF. ASCII words
            // can only match ASCII letters, which SQLite's native lower() folds; other words need the Unicode upper()
            // that DatabaseSetup installs, which costs a copy of every body.
            // A password-protected post's text is not searched: a hit would tell what the hidden text says.
            var candidates = posts.PublishedPostsAndPages();
#pragma warning disable CA1304, CA1311, CA1862
            if (Ascii.IsValid(search))
            {
                var lowered = search.ToLowerInvariant();
                return candidates.Where(p => p.Title.ToLower().Contains(lowered) || (p.Password == "" && p.Content.ToLower().Contains(lowered)));
            }
            var uppered = search.ToUpperInvariant();
            return candidates.Where(p => p.Title.ToUpper().Contains(uppered) || (p.Password == "" && p.Content.ToUpper().Contains(uppered)));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var query = posts.Published();
        if (filter.StickyFirst && reader.Site.StickyPostIds is { Count: > 0 } stickyIds)
        {
            query = query.Where(p => !stickyIds.Contains(p.Id));
        }
        if (filter.TermIds is { } termIds)
        {
            // Same rows either way, different plans: a page of the newest posts is found fastest by walking the date
            // index and probing each post's terms; a count is fastest from the term index (4x on 2,000 posts).
            query = forCount
                ? query.Where(p => reader.Db.PostTerms.Where(pt => termIds.Contains(pt.TermId)).Select(pt => pt.PostId).Contains(p.Id))
                : query.Where(p => p.Terms.Any(t => termIds.Contains(t.TermId)));
        }
        if (filter.AuthorId is { } authorId)
        {
            query = query.Where(p => p.AuthorId == authorId);
        }
        if (filter.FromUtc is { } from)
        {
            query = query.Where(p => p.PublishedAtUtc >= from);
        }
        if (filter.BeforeUtc is { } before)
        {
            query = query.Where(p => p.PublishedAtUtc < before);
        }
        return query;
    }
}
