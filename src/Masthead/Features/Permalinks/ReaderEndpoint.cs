using System.Globalization;
using System.Text.RegularExpressions;
using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Permalinks;

/// <summary>
/// Every reader URL WordPress answers — permalinks, page paths, archives, search, <c>?p=</c> — resolved here to
/// the page that shows it. A request for a known page under another spelling (no trailing slash, wrong parent
/// category) is sent to the canonical URL with a 301.
/// </summary>
public static partial class ReaderEndpoint
{
    private const int MaxSearchLength = 200;

    public static void MapReader(this IEndpointRouteBuilder app) =>
        app.MapMethods("/{**path}", ["GET", "HEAD"], HandleAsync).WithOrder(int.MaxValue);

    internal static async Task<IResult> HandleAsync(HttpContext http, AppDbContext db)
    {
        var reader = await ReaderContext.CreateAsync(http, db);
        var request = http.Request;
        var path = request.Path.Value is { Length: > 0 } p ? p : "/";

        // CASE: /?p=123 and /?page_id=123, WordPress's plain links, answer with the permalink.
        if (path == "/" && (TryId(request.Query["p"], out var id) || TryId(request.Query["page_id"], out id)))
        {
            // WordPress answers ?p= for pages too, and ?page_id= for posts.
            var url = await PermalinkOfAsync(reader, id, PostType.Post) ?? await PermalinkOfAsync(reader, id, PostType.Page);
            return url is null ? await reader.NotFoundAsync() : TypedResults.Redirect(url, permanent: true);
        }

        // CASE: /…/comment-page-2/, one page of a post's comments.
        int? commentPage = null;
        var commentPaged = CommentPageRegex().Match(path);
        if (commentPaged.Success)
        {
            if (!int.TryParse(commentPaged.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return await reader.NotFoundAsync();
            }
            commentPage = n;
            path = commentPaged.Groups[1].Value;
        }

        var pageNumber = 1;
        var paged = commentPage is null ? PagedRegex().Match(path) : Match.Empty;
        if (paged.Success)
        {
            if (!int.TryParse(paged.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber < 1)
            {
                return await reader.NotFoundAsync();
            }
            path = paged.Groups[1].Value;
        }

        // CASE: search, on the home path or its pages.
        if (path == "/" && request.Query.TryGetValue("s", out var searchValues))
        {
            var search = searchValues.ToString().Trim();
            if (search.Length > MaxSearchLength)
            {
                // Never cut a character made of two UTF-16 units in half.
                search = search[..(char.IsHighSurrogate(search[MaxSearchLength - 1]) ? MaxSearchLength - 1 : MaxSearchLength)];
            }
            var encoded = Uri.EscapeDataString(search);
            return await ListPosts.RenderAsync(reader, ReaderQuery.Searching(search), new PostListPage(
                TemplateHierarchy.Search(),
                reader.DocumentTitle($"Search Results for “{search}”"),
                $"Search results for {search}.",
                "search search-results",
                new ArchiveTemplateModel("search", $"Search Results for: {search}", ""),
                n => n == 1 ? $"/?s={encoded}" : $"/page/{n}/?s={encoded}"), pageNumber);
        }

        var target = await ResolveAsync(reader, path);
        if (target is null)
        {
            // CASE: nothing lives here now, but a post, page or term did before its slug or date changed.
            return pageNumber == 1 && await OldSlugs.NewUrlAsync(reader, path) is { } moved
                ? TypedResults.Redirect(moved + request.QueryString, permanent: true)
                : await reader.NotFoundAsync();
        }
        var basePath = BasePath(reader.Site, target);
        // A single post or page has no numbered pages; the posts page (a page standing for the blog) has.
        if (target is PostTarget { Row.Id: var pageId } && pageId != reader.Settings.PostsPageId && pageNumber > 1)
        {
            return await reader.NotFoundAsync();
        }
        if (commentPage is not null && target is not PostTarget)
        {
            return await reader.NotFoundAsync();
        }
        var canonical = commentPage is { } c ? string.Create(CultureInfo.InvariantCulture, $"{basePath}comment-page-{c}/")
            : pageNumber == 1 ? basePath : $"{basePath}page/{pageNumber}/";
        if (!string.Equals(Uri.UnescapeDataString(canonical), request.Path.Value, StringComparison.Ordinal))
        {
            // A missing trailing slash, /page/1/, a moved parent: the same page has one address.
            return TypedResults.Redirect(canonical + request.QueryString, permanent: true);
        }
        return await RenderAsync(reader, target, basePath, pageNumber, commentPage);
    }

    private abstract record Target;
    private sealed record HomeTarget : Target;
    private sealed record TermTarget(TermInfo Term) : Target;
    private sealed record AuthorTarget(AuthorInfo Author) : Target;
    private sealed record DateTarget(int Year, int? Month, int? Day) : Target;
    private sealed record PostTarget(PostRow Row) : Target;

    private static async Task<Target?> ResolveAsync(ReaderContext reader, string path)
    {
        var site = reader.Site;
        // CASE: the front page: the latest posts, or the page chosen in Reading settings while it is published.
        if (path == "/")
        {
            return site.Settings.FrontPageId > 0 && await LoadPostAsync(reader, site.Settings.FrontPageId, PostType.Page) is { } front
                ? front
                : new HomeTarget();
        }
        // CASE: /category/parent/child/, /tag/slug/, /author/slug/ — the last slug names the archive.
        var archive = ArchiveRegex().Match(path);
        if (archive.Success)
        {
            var slugs = archive.Groups[2].Value.ToLowerInvariant().Split('/');
            return archive.Groups[1].Value switch
            {
                "category" => site.Term(Taxonomy.Category, slugs[^1]) is { } c ? new TermTarget(c) : null,
                "tag" when slugs.Length == 1 => site.Term(Taxonomy.PostTag, slugs[0]) is { } t ? new TermTarget(t) : null,
                "author" when slugs.Length == 1 => site.Author(slugs[0]) is { } a ? new AuthorTarget(a) : null,
                _ => null,
            };
        }
        // CASE: /2025/, /2025/03/, /2025/03/01/ — date archives.
        var date = DateRegex().Match(path);
        if (date.Success)
        {
            var year = int.Parse(date.Groups[1].Value, CultureInfo.InvariantCulture);
            int? month = date.Groups[2].Success ? int.Parse(date.Groups[2].Value, CultureInfo.InvariantCulture) : null;
            int? day = date.Groups[3].Success ? int.Parse(date.Groups[3].Value, CultureInfo.InvariantCulture) : null;
            // Years stay well inside DateTime's range, whatever the time zone adds or takes away.
            var valid = year is >= 1000 and <= 9000 && (month is null || month is >= 1 and <= 12)
                && (day is null || day >= 1 && day <= DateTime.DaysInMonth(year, month!.Value));
            return valid ? new DateTarget(year, month, day) : null;
        }
        // CASE: a post permalink in the site's structure, when such a post is published.
        if (site.Permalinks.Match(path) is { } tokens && await FindPostAsync(reader, tokens) is { } post)
        {
            return post;
        }
        // CASE: a published page, by its full path (/parent/child/).
        if (site.PageAt(path.Trim('/').ToLowerInvariant()) is { } page)
        {
            return await LoadPostAsync(reader, page.Id, PostType.Page);
        }
        // CASE: a post under a structure the site used before; the canonical check then answers 301 to today's URL.
        foreach (var old in site.PreviousPermalinks)
        {
            if (old.Match(path) is { } oldTokens && await FindPostAsync(reader, oldTokens) is { } moved)
            {
                return moved;
            }
        }
        return null;
    }

    private static async Task<PostTarget?> FindPostAsync(ReaderContext reader, IReadOnlyDictionary<string, string> tokens)
    {
        var posts = reader.Posts.Filter(ReaderQuery.Latest);
        if (tokens.TryGetValue("post_id", out var idText))
        {
            return TryId(idText, out var id) ? await LoadPostAsync(reader, id, PostType.Post) : null;
        }
        var slug = tokens["postname"].ToLowerInvariant();
        // Two posts may share a slug on different days; the permalink's other parts pick one.
        var rows = await posts.Where(p => p.Slug == slug).OrderBy(p => p.Id).Take(20).Select(PostCards.Row).ToListAsync();
        var normalized = tokens.ToDictionary(t => t.Key, t => t.Key == "postname" ? slug : t.Value);
        return rows
            .Where(row => PermalinkStructure.Agrees(normalized, reader.Site.PermalinkPostFor(row.Id, row.Slug, row.PublishedAtUtc, row.AuthorId, row.TermIds)))
            .Select(row => new PostTarget(row))
            .FirstOrDefault();
    }

    private static async Task<PostTarget?> LoadPostAsync(ReaderContext reader, int id, PostType type)
    {
        var row = await reader.Posts.Filter(ReaderQuery.Of(type)).Where(p => p.Id == id).Select(PostCards.Row).FirstOrDefaultAsync();
        return row is null ? null : new PostTarget(row);
    }

    /// <summary>The one URL the target is served at (its first page, for lists).</summary>
    private static string BasePath(SiteSnapshot site, Target target) => target switch
    {
        TermTarget t => site.TermUrl(t.Term),
        AuthorTarget a => site.AuthorUrl(a.Author),
        DateTarget d => string.Create(CultureInfo.InvariantCulture,
            $"/{d.Year:0000}/{(d.Month is { } m ? $"{m:00}/" : "")}{(d.Day is { } day ? $"{day:00}/" : "")}"),
        // The page chosen as the front page lives at "/"; its own address redirects there.
        PostTarget p when p.Row.Id == site.Settings.FrontPageId => "/",
        PostTarget p => PostCards.Build(site, p.Row, singular: true).Url,
        _ => "/",
    };

    private static async Task<IResult> RenderAsync(ReaderContext reader, Target target, string basePath, int pageNumber, int? commentPage)
    {
        var site = reader.Site;
        var settings = reader.Settings;
        string UrlOf(int n) => n == 1 ? basePath : string.Create(CultureInfo.InvariantCulture, $"{basePath}page/{n}/");

        switch (target)
        {
            // CASE: the latest posts, sticky ones first.
            case HomeTarget:
                return await ListPosts.RenderAsync(reader, ReaderQuery.Home, new PostListPage(
                    TemplateHierarchy.Home(),
                    settings.Tagline.Length > 0 ? $"{settings.Title} – {settings.Tagline}" : settings.Title,
                    settings.Tagline.Length > 0 ? settings.Tagline : settings.Title,
                    "home blog", null, UrlOf, IsHome: true), pageNumber);

            // CASE: a category (with its subcategories' posts) or a tag.
            case TermTarget { Term: var term }:
                var isCategory = term.Taxonomy == Taxonomy.Category;
                var label = isCategory ? "Category" : "Tag";
                return await ListPosts.RenderAsync(reader, ReaderQuery.InTerm(site, term), new PostListPage(
                        isCategory ? TemplateHierarchy.Category(term.Slug, term.Id) : TemplateHierarchy.Tag(term.Slug, term.Id),
                        reader.DocumentTitle(term.Name),
                        term.Description.Length > 0 ? term.Description : $"Posts filed under {term.Name}.",
                        $"archive {(isCategory ? "category" : "tag")} {(isCategory ? "category" : "tag")}-{term.Slug}",
                        new ArchiveTemplateModel(isCategory ? "category" : "tag", $"{label}: {term.Name}", term.Description),
                        UrlOf), pageNumber);

            // CASE: one author's posts.
            case AuthorTarget { Author: var author }:
                return await ListPosts.RenderAsync(reader, new ReaderQuery { AuthorId = author.Id }, new PostListPage(
                    TemplateHierarchy.Author(author.Slug, author.Id),
                    reader.DocumentTitle(author.DisplayName),
                    author.Bio.Length > 0 ? author.Bio : $"Posts by {author.DisplayName}.",
                    $"archive author author-{author.Slug}",
                    new ArchiveTemplateModel("author", $"Author: {author.DisplayName}", author.Bio),
                    UrlOf), pageNumber);

            // CASE: a year, month or day, in the site's time zone.
            case DateTarget d:
                var from = new DateTime(d.Year, d.Month ?? 1, d.Day ?? 1, 0, 0, 0, DateTimeKind.Unspecified);
                var until = d.Day is not null ? from.AddDays(1) : d.Month is not null ? from.AddMonths(1) : from.AddYears(1);
                var title = d.Day is not null ? PhpDate(from, settings.DateFormat)
                    : d.Month is not null ? PhpDate(from, "F Y") : PhpDate(from, "Y");
                return await ListPosts.RenderAsync(reader,
                    new ReaderQuery { FromUtc = settings.ToUtc(from), BeforeUtc = settings.ToUtc(until) },
                    new PostListPage(
                        TemplateHierarchy.Date(),
                        reader.DocumentTitle(title),
                        $"Posts from {title}.",
                        "archive date",
                        new ArchiveTemplateModel("date", d.Day is not null ? $"Day: {title}" : d.Month is not null ? $"Month: {title}" : $"Year: {title}", ""),
                        UrlOf), pageNumber);

            // CASE: the page chosen as the posts page: the latest posts, under its title and address.
            case PostTarget p when p.Row.Id == settings.PostsPageId:
                return await ListPosts.RenderAsync(reader, ReaderQuery.Home, new PostListPage(
                    TemplateHierarchy.Home(),
                    reader.DocumentTitle(p.Row.Title),
                    $"The latest posts from {settings.Title}.",
                    "blog", null, UrlOf), pageNumber);

            // CASE: a single post or page.
            case PostTarget p:
                return await ShowPost.RenderAsync(reader, p.Row, commentPage: commentPage);

            default:
                return await reader.NotFoundAsync();
        }
    }

    private static string PhpDate(DateTime local, string format) => Settings.PhpDateFormat.Format(local, format);

    /// <summary>The permalink of a published post or page by id, for WordPress's plain <c>?p=</c> links.</summary>
    private static async Task<string?> PermalinkOfAsync(ReaderContext reader, int id, PostType type)
    {
        var target = await LoadPostAsync(reader, id, type);
        return target is null ? null : PostCards.Build(reader.Site, target.Row, singular: true).Url;
    }

    private static bool TryId(string? text, out int id) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    [GeneratedRegex("^(.*/)comment-page-([0-9]+)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex CommentPageRegex();

    [GeneratedRegex("^(.*/)page/([0-9]+)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex PagedRegex();

    [GeneratedRegex("^/(category|tag|author)/(.+?)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex ArchiveRegex();

    [GeneratedRegex("^/([0-9]{4})(?:/([0-9]{2})(?:/([0-9]{2}))?)?/?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateRegex();
}
