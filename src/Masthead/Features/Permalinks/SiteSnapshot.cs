using System.Globalization;
using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Search;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Themes;
using Masthead.Features.Widgets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
    private readonly ILookup<int, int> _childCategories;
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
        PreviousPermalinks = [.. settings.PermalinkHistory
            .Where(s => s != settings.PermalinkStructure)
            .Select(s => new PermalinkStructure(s))];
        _terms = terms.ToDictionary(t => t.Id);
        _childCategories = terms.Where(t => t.Taxonomy == Taxonomy.Category && t.ParentId is not null).ToLookup(t => t.ParentId!.Value, t => t.Id);
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

    /// <summary>Structures the site used before, newest first, so links made under them still find their posts.</summary>
    public IReadOnlyList<PermalinkStructure> PreviousPermalinks { get; }
    public IReadOnlyList<TermInfo> Categories { get; }
    public IReadOnlyList<LinkTemplateModel> Menu { get; }

    /// <summary>
    /// Published sticky posts: few, and asked for on every home page view, so kept here rather than found by a
    /// query that a boolean column cannot index well.
    /// </summary>
    public IReadOnlyList<int> StickyPostIds { get; }

    /// <summary>Published posts, so the home page knows how many pages it has without counting them each view.</summary>
    public int PublishedPostCount { get; private init; }

    public static async Task<SiteSnapshot> LoadAsync(AppDbContext db, SiteSettings settings)
    {
        var counts = await db.Posts.Published()
            .SelectMany(p => p.Terms)
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
        var publishedPostCount = await db.Posts.Published().CountAsync();

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
            stickyPostIds)
        {
            PublishedPostCount = publishedPostCount,
        };
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
        var seen = new HashSet<int> { categoryId };
        for (var i = 0; i < result.Count; i++)
        {
            // The seen set stops a parent loop in imported data from running forever.
            result.AddRange(_childCategories[result[i]].Where(seen.Add));
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

    /// <summary>What a post's permalink is built from; of its terms, the lowest-id category fills %category%, as in WordPress.</summary>
    public PermalinkPost PermalinkPostFor(int id, string slug, DateTime publishedUtc, int authorId, IEnumerable<int> termIds)
    {
        var category = termIds.Order().Select(Term).FirstOrDefault(t => t?.Taxonomy == Taxonomy.Category);
        return new PermalinkPost(
            id, slug, Settings.ToLocal(publishedUtc),
            category is null ? "uncategorized" : CategoryPath(category),
            Author(authorId)?.Slug ?? "");
    }

    /// <summary>A post's permalink, or a page's path.</summary>
    public string UrlOf(PostType type, int id, string slug, DateTime publishedUtc, int authorId, IEnumerable<int> termIds) =>
        type == PostType.Page && Page(id) is { } page
            ? PageUrl(page)
            : Permalinks.PathFor(PermalinkPostFor(id, slug, publishedUtc, authorId, termIds));

    private static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}

/// <summary>The snapshot with the sidebar built from it: cached together so the two can never disagree.</summary>
public sealed record ReaderState(SiteSnapshot Site, SidebarTemplateModel Sidebar);

/// <summary>
/// Keeps the current <see cref="ReaderState"/>, rebuilt after a change to what it holds: what readers can reach
/// and how it is listed, terms, authors, approved comments, settings. A draft saved, a post's text corrected, a
/// lock renewed or an activity row written leaves it as it is.
/// </summary>
public sealed class ReaderStateCache(IChangeBus changes, TimeProvider clock, SiteSettingsCache settings, ISearchIndex search) : IDisposable
{
    private readonly VersionedCache<ReaderState> _cache = new(changes, clock, DependsOn);

    public static bool DependsOn(ChangeSet set) =>
        set.Any<PostChanged>(p => p.ChangesListings)
        || set.Any<ScheduledPostsPublished>()
        || set.Any<PostTermsChanged>(t => t.SeenByReaders)
        || set.Any<TermChanged>()
        || set.Any<CommentChanged>(c => c.SeenByReaders)
        || set.Any<UserChanged>()
        || set.Any<OptionChanged>()
        || set.Any<ThemeChanged>();

    public void Dispose() => _cache.Dispose();

    public ValueTask<ReaderState> GetAsync(AppDbContext db) =>
        _cache.GetAsync(async () =>
        {
            var site = await SiteSnapshot.LoadAsync(db, await settings.GetAsync(db));
            // One sidebar for every reader, so it lists what anyone may see.
            return new ReaderState(site, await Sidebar.BuildAsync(db, new ReaderPosts(db, site, search, ReaderViewer.Anonymous), site));
        });
}

public static class PermalinksFeature
{
    public static void AddPermalinks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReaderStateCache>();
        builder.Services.AddSingleton<IInterceptor, OldSlugs.Recorder>();
    }
}
