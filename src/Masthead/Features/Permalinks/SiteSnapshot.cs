using System.Globalization;
using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Permalinks;

public sealed record TermInfo(int Id, Taxonomy Taxonomy, string Name, string Slug, string Description, int? ParentId, int Count);

public sealed record AuthorInfo(int Id, string DisplayName, string Slug, string Bio);

public sealed record PageInfo(int Id, string Title, string Path);

/// <summary>
/// The small, slowly changing tables every reader page consults (settings, terms with counts, authors, page paths),
/// loaded once per site change so a page view does not query them again.
/// </summary>
public sealed class SiteSnapshot
{
    private readonly Dictionary<int, TermInfo> _terms;
    private readonly Dictionary<(Taxonomy, string), TermInfo> _termsBySlug;
    private readonly Dictionary<int, AuthorInfo> _authors;
    private readonly Dictionary<string, AuthorInfo> _authorsBySlug;
    private readonly Dictionary<int, PageInfo> _pages;
    private readonly Dictionary<string, PageInfo> _pagesByPath;

    private SiteSnapshot(SiteSettings settings, List<TermInfo> terms, List<AuthorInfo> authors, List<PageInfo> pages,
        IReadOnlyList<int> stickyPostIds)
    {
        Settings = settings;
        StickyPostIds = stickyPostIds;
        Permalinks = new PermalinkStructure(settings.PermalinkStructure);
        _terms = terms.ToDictionary(t => t.Id);
        _termsBySlug = terms.ToDictionary(t => (t.Taxonomy, t.Slug));
        _authors = authors.ToDictionary(a => a.Id);
        _authorsBySlug = authors.ToDictionary(a => a.Slug, StringComparer.Ordinal);
        _pages = pages.ToDictionary(p => p.Id);
        _pagesByPath = pages.ToDictionary(p => p.Path, StringComparer.Ordinal);
        // Until menus can be edited, the primary menu is Home and the top-level pages.
        Menu = [new LinkTemplateModel("Home", "/"), .. pages.Where(p => !p.Path.Contains('/')).OrderBy(p => p.Title, StringComparer.CurrentCultureIgnoreCase)
            .Select(p => new LinkTemplateModel(p.Title, PageUrl(p)))];
        Categories = [.. terms.Where(t => t.Taxonomy == Taxonomy.Category).OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase)];
    }

    public SiteSettings Settings { get; }
    public PermalinkStructure Permalinks { get; }
    public IReadOnlyList<TermInfo> Categories { get; }
    public IReadOnlyList<LinkTemplateModel> Menu { get; }

    /// <summary>
    /// Published sticky posts: few, and asked for on every home page view, so kept here rather than found by a
    /// query that a boolean column cannot index well.
    /// </summary>
    public IReadOnlyList<int> StickyPostIds { get; }

    public static async Task<SiteSnapshot> LoadAsync(AppDbContext db, SiteSettings settings)
    {
        var counts = await db.PostTerms
            .Where(pt => pt.Post.Type == PostType.Post && pt.Post.Status == PostStatus.Publish)
            .GroupBy(pt => pt.TermId)
            .Select(g => new { TermId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(c => c.TermId, c => c.Count);
        var terms = await db.Terms.AsNoTracking()
            .Select(t => new { t.Id, t.Taxonomy, t.Name, t.Slug, t.Description, t.ParentId })
            .ToListAsync();
        var authors = await db.Users.AsNoTracking()
            .Select(u => new AuthorInfo(u.Id, u.DisplayName, u.Slug, u.Bio))
            .ToListAsync();
        var pages = await db.Posts.AsNoTracking().Published(PostType.Page)
            .Select(p => new { p.Id, p.Title, p.Slug, p.ParentId })
            .ToListAsync();

        var stickyPostIds = await db.Posts.Published().Where(p => p.IsSticky).Select(p => p.Id).ToListAsync();

        var pagesById = pages.ToDictionary(p => p.Id);
        string PagePath(int id)
        {
            var segments = new List<string>();
            for (var current = pagesById.GetValueOrDefault(id); current is not null && segments.Count < 32;
                 current = current.ParentId is { } parent ? pagesById.GetValueOrDefault(parent) : null)
            {
                segments.Insert(0, current.Slug);
            }
            return string.Join('/', segments);
        }

        return new SiteSnapshot(
            settings,
            [.. terms.Select(t => new TermInfo(t.Id, t.Taxonomy, t.Name, t.Slug, t.Description, t.ParentId, counts.GetValueOrDefault(t.Id)))],
            authors,
            [.. pages.Select(p => new PageInfo(p.Id, p.Title, PagePath(p.Id))).DistinctBy(p => p.Path)],
            stickyPostIds);
    }

    public TermInfo? Term(int id) => _terms.GetValueOrDefault(id);

    public TermInfo? Term(Taxonomy taxonomy, string slug) => _termsBySlug.GetValueOrDefault((taxonomy, slug));

    public AuthorInfo? Author(int id) => _authors.GetValueOrDefault(id);

    public AuthorInfo? Author(string slug) => _authorsBySlug.GetValueOrDefault(slug);

    public PageInfo? Page(int id) => _pages.GetValueOrDefault(id);

    public PageInfo? PageAt(string path) => _pagesByPath.GetValueOrDefault(path);

    /// <summary>A category's slugs from the top of its tree down, as its archive URL and %category% spell it.</summary>
    public string CategoryPath(TermInfo category)
    {
        var segments = new List<string>();
        for (TermInfo? current = category; current is not null && segments.Count < 32;
             current = current.ParentId is { } parent ? Term(parent) : null)
        {
            segments.Insert(0, current.Slug);
        }
        return string.Join('/', segments);
    }

    /// <summary>The category and every category beneath it: a parent's archive lists its children's posts too.</summary>
    public IReadOnlyList<int> CategoryAndDescendants(int categoryId)
    {
        var result = new List<int> { categoryId };
        for (var i = 0; i < result.Count && result.Count < 10_000; i++)
        {
            result.AddRange(_terms.Values.Where(t => t.ParentId == result[i] && t.Taxonomy == Taxonomy.Category).Select(t => t.Id));
        }
        return result;
    }

    public string TermUrl(TermInfo term) => term.Taxonomy == Taxonomy.Category
        ? $"/category/{EncodePath(CategoryPath(term))}/"
        : $"/tag/{Uri.EscapeDataString(term.Slug)}/";

    public string AuthorUrl(AuthorInfo? author) =>
        author is null ? "/" : $"/author/{Uri.EscapeDataString(author.Slug)}/";

    public string PageUrl(PageInfo page) => $"/{EncodePath(page.Path)}/";

    public static string MonthUrl(int year, int month) =>
        string.Create(CultureInfo.InvariantCulture, $"/{year:0000}/{month:00}/");

    /// <summary>A post's permalink; <paramref name="categoryIds"/> picks the category for %category% (the lowest id, as WordPress does).</summary>
    public string PostUrl(int id, string slug, DateTime publishedUtc, int authorId, IEnumerable<int> categoryIds)
    {
        var category = categoryIds.Order().Select(Term).FirstOrDefault(t => t?.Taxonomy == Taxonomy.Category);
        return Permalinks.PathFor(new PermalinkPost(
            id, slug, Settings.ToLocal(publishedUtc),
            category is null ? "uncategorized" : CategoryPath(category),
            Author(authorId)?.Slug ?? ""));
    }

    private static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}

/// <summary>Keeps the current <see cref="SiteSnapshot"/>, rebuilt after any change to the site.</summary>
public sealed class SiteSnapshotCache(VersionedCache<SiteSnapshot> cache, SiteSettingsCache settings)
{
    public ValueTask<SiteSnapshot> GetAsync(AppDbContext db) =>
        cache.GetAsync(async () => await SiteSnapshot.LoadAsync(db, await settings.GetAsync(db)));
}

public static class PermalinksFeature
{
    public static void AddPermalinks(this IHostApplicationBuilder builder) => builder.Services.AddSingleton<SiteSnapshotCache>();
}
