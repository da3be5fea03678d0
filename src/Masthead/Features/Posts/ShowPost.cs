using Masthead.Features.Comments;
using Masthead.Features.Permalinks;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>A single post or page: the entry, its comment thread and, for posts, links to its neighbours.</summary>
public static class ShowPost
{
    public static async Task<IResult> RenderAsync(ReaderContext reader, PostRow row)
    {
        var post = PostCards.Build(reader.Site, row, singular: true);
        var comments = await CommentThreads.LoadAsync(reader.Db, row.Id, reader.Settings);
        LinkTemplateModel? previous = null, next = null;
        IReadOnlyList<string> templates;
        string bodyClass;
        if (row.Type == PostType.Page)
        {
            templates = TemplateHierarchy.Page(row.Slug, row.Id);
            bodyClass = $"page page-id-{row.Id}";
        }
        else
        {
            templates = TemplateHierarchy.SinglePost("post", row.Slug);
            bodyClass = $"single single-post postid-{row.Id}";
            previous = await NeighbourAsync(reader, row, older: true);
            next = await NeighbourAsync(reader, row, older: false);
        }

        var meta = new PageMetaTemplateModel(
            reader.DocumentTitle(post.Title), post.Excerpt, reader.Absolute(post.Url), bodyClass, NoIndex: false);
        return await reader.RenderAsync(templates, meta, model => model with
        {
            Post = post,
            Comments = comments,
            PreviousPost = previous,
            NextPost = next,
        });
    }

    /// <summary>The published post just before or after this one in time; ties on the instant are broken by id.</summary>
    private static async Task<LinkTemplateModel?> NeighbourAsync(ReaderContext reader, PostRow row, bool older)
    {
        var posts = reader.Db.Posts.AsNoTracking().Published();
        var at = row.PublishedAtUtc;
        var neighbour = older
            ? await posts.Where(p => p.PublishedAtUtc < at || (p.PublishedAtUtc == at && p.Id < row.Id))
                .Newest()
                .Select(p => new { p.Id, p.Title, p.Slug, p.PublishedAtUtc, p.AuthorId, TermIds = p.Terms.Select(t => t.TermId).ToList() })
                .FirstOrDefaultAsync()
            : await posts.Where(p => p.PublishedAtUtc > at || (p.PublishedAtUtc == at && p.Id > row.Id))
                .OrderBy(p => p.PublishedAtUtc).ThenBy(p => p.Id)
                .Select(p => new { p.Id, p.Title, p.Slug, p.PublishedAtUtc, p.AuthorId, TermIds = p.Terms.Select(t => t.TermId).ToList() })
                .FirstOrDefaultAsync();
        return neighbour is null
            ? null
            : new LinkTemplateModel(neighbour.Title, reader.Site.UrlOf(PostType.Post, neighbour.Id, neighbour.Slug, neighbour.PublishedAtUtc, neighbour.AuthorId, neighbour.TermIds));
    }
}
