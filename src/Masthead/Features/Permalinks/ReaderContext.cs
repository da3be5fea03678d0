using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Search;
using Masthead.Features.Settings;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Permalinks;

/// <summary>What every reader page handler works with: the database, the site snapshot, the sidebar and the theme.</summary>
public sealed class ReaderContext
{
    private readonly ThemeRenderer _renderer;

    private ReaderContext(HttpContext http, AppDbContext db, SiteSnapshot site, SidebarTemplateModel sidebar,
        Theme theme, ThemeRenderer renderer, TimeProvider clock, ReaderPosts posts)
    {
        Http = http;
        Db = db;
        Site = site;
        Sidebar = sidebar;
        Theme = theme;
        _renderer = renderer;
        Clock = clock;
        Posts = posts;
    }

    public HttpContext Http { get; }
    public AppDbContext Db { get; }
    public SiteSnapshot Site { get; }
    public SiteSettings Settings => Site.Settings;
    public SidebarTemplateModel Sidebar { get; }
    public Theme Theme { get; }
    public TimeProvider Clock { get; }

    /// <summary>The posts this reader may see: every list, lookup and neighbour on a reader page comes from here.</summary>
    public ReaderPosts Posts { get; }

    public static async Task<ReaderContext> CreateAsync(HttpContext http, AppDbContext db)
    {
        var services = http.RequestServices;
        // One connection for the page's few queries: opening one runs setup (SQLite registers its functions) each time.
        await db.Database.OpenConnectionAsync();
        var (site, sidebar) = await services.GetRequiredService<ReaderStateCache>().GetAsync(db);
        var theme = services.GetRequiredService<ThemeCatalog>().Get(site.Settings.Theme);
        var posts = new ReaderPosts(db, site, services.GetRequiredService<ISearchIndex>(), ReaderViewer.Of(http));
        return new ReaderContext(http, db, site, sidebar, theme,
            services.GetRequiredService<ThemeRenderer>(), services.GetRequiredService<TimeProvider>(), posts);
    }

    /// <summary>
    /// The canonical link of a page: absolute under the stored site address, or none at all while no address is stored
    /// (a canonical link must be absolute). Never built from the request's Host header, which any client may forge
    /// (and a cache may keep).
    /// </summary>
    public string CanonicalUrl(string path) => Settings.HomeUrl.Length > 0 ? $"{Settings.HomeUrl}{path}" : "";

    /// <summary>"Title – Site", the way WordPress titles a page.</summary>
    public string DocumentTitle(string title, int pageNumber = 1)
    {
        var paged = pageNumber > 1 ? $" – Page {pageNumber}" : "";
        return $"{title}{paged} – {Settings.Title}";
    }

    public async Task<IResult> RenderAsync(
        IReadOnlyList<string> templates, PageMetaTemplateModel meta, Func<ReaderPageModel, ReaderPageModel> fill,
        int statusCode = StatusCodes.Status200OK)
    {
        var model = fill(new ReaderPageModel
        {
            Site = new SiteTemplateModel(
                Settings.Title, Settings.Tagline, "/", Settings.Language,
                Settings.ToLocal(Clock.GetUtcNow().UtcDateTime).Year, Theme.Manifest.Name, "/login", Site.Menu),
            // "Discourage search engines" asks every page not to be indexed.
            Page = Settings.DiscourageSearchEngines ? meta with { NoIndex = true } : meta,
            Sidebar = Sidebar,
        });
        var html = await _renderer.RenderAsync(Theme, templates, model);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }

    public Task<IResult> NotFoundAsync() =>
        RenderAsync(
            TemplateHierarchy.NotFound(),
            new PageMetaTemplateModel(DocumentTitle("Page not found"), "The page you asked for is not here.", "", "error404", NoIndex: true),
            model => model,
            StatusCodes.Status404NotFound);

    /// <summary>Numbered links around the current page, with gaps, given how to spell page n's URL.</summary>
    public static PaginationTemplateModel? Paginate(int current, int total, Func<int, string> urlOf)
    {
        if (total <= 1)
        {
            return null;
        }
        var pages = new List<PageLinkTemplateModel>();
        for (var n = 1; n <= total; n++)
        {
            if (n == 1 || n == total || Math.Abs(n - current) <= 2)
            {
                pages.Add(new PageLinkTemplateModel(n, urlOf(n), n == current));
            }
            else if (pages.Count > 0 && pages[^1].Url is not null)
            {
                pages.Add(new PageLinkTemplateModel(0, null, false));
            }
        }
        return new PaginationTemplateModel(
            current, total,
            current > 1 ? urlOf(current - 1) : null,
            current < total ? urlOf(current + 1) : null,
            pages);
    }
}
