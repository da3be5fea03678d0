using Masthead.Features.Permalinks;
using Masthead.Features.Themes;

namespace Masthead.Features.Posts;

/// <summary>What a list page is called and where its pages live.</summary>
public sealed record PostListPage(
    IReadOnlyList<string> Templates, string Title, string Description, string BodyClass,
    ArchiveTemplateModel? Archive, Func<int, string> UrlOf, bool IsHome = false);

/// <summary>The home page, every archive and search results: a paginated list of the posts a reader query selects.</summary>
public static class ListPosts
{
    public static async Task<IResult> RenderAsync(ReaderContext reader, ReaderQuery query, PostListPage page, int pageNumber)
    {
        var found = await reader.Posts.PageAsync(query with { Page = pageNumber, PageSize = reader.Settings.PostsPerPage }, PostCards.Row);
        if (!found.Exists)
        {
            return await reader.NotFoundAsync();
        }

        var given = reader.Posts.Viewer.GivenPassword;
        IReadOnlyList<PostTemplateModel> posts = [.. found.Items.Select(row => PostCards.Build(reader.Site, row, singular: false, given))];
        if (reader.Settings.ArchiveDisplay == Settings.ArchiveDisplay.Excerpt)
        {
            posts = [.. posts.Select(p => p with { Content = "", HasMore = false })];
        }

        var meta = new PageMetaTemplateModel(
            pageNumber > 1 ? reader.DocumentTitle(page.Title, pageNumber) : page.Title,
            page.Description,
            reader.CanonicalUrl(page.UrlOf(pageNumber)),
            pageNumber > 1 ? $"{page.BodyClass} paged paged-{pageNumber}" : page.BodyClass,
            NoIndex: query.Search is not null,
            IsHome: page.IsHome);
        return await reader.RenderAsync(page.Templates, meta, model => model with
        {
            Posts = posts,
            Archive = page.Archive,
            Pagination = ReaderContext.Paginate(pageNumber, found.PageCount, page.UrlOf),
            SearchQuery = query.Search ?? "",
        });
    }
}
