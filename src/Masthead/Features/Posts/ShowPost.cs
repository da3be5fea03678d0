using Masthead.Features.Comments;
using Masthead.Features.Permalinks;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>A single post or page: the entry, its comment thread and, for posts, links to its neighbours.</summary>
public static class ShowPost
{
    /// <summary>Renders the post; a <paramref name="preview"/> (an unsaved draft from the editor) has no comments or neighbours and is not for search engines.</summary>
    public static async Task<IResult> RenderAsync(ReaderContext reader, PostRow row, bool preview = false)
    {
        var given = reader.Posts.Viewer.GivenPassword;
        var post = PostCards.Build(reader.Site, row, singular: true, given);
        // A protected post's comments are as private as its text.
        var comments = preview || row.IsLocked(given) ? [] : await CommentThreads.LoadAsync(reader.Db, row.Id, reader.Settings);
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
            (previous, next) = preview ? (null, null) : await NeighboursAsync(reader, row);
        }

        var meta = new PageMetaTemplateModel(
            reader.DocumentTitle(post.Title), post.Excerpt,
            // The page chosen as the front page is served at "/" only.
            reader.CanonicalUrl(row.Id == reader.Settings.FrontPageId ? "/" : post.Url), bodyClass, NoIndex: preview);
        return await reader.RenderAsync(templates, meta, model => model with
        {
            Post = post,
            Comments = comments,
            PreviousPost = previous,
            NextPost = next,
        });
    }

    private sealed record Neighbour(int Id, string Title, string Slug, DateTime PublishedAtUtc, int AuthorId);

    /// <summary>The published posts just before and just after this one in time; ties on the instant are broken by id.</summary>
    private static async Task<(LinkTemplateModel? Previous, LinkTemplateModel? Next)> NeighboursAsync(ReaderContext reader, PostRow row)
    {
        var posts = reader.Posts.Filter(ReaderQuery.Latest);
        var at = row.PublishedAtUtc;
        var id = row.Id;
        var older = await posts.OlderThan(at, id).Newest()
            .Select(p => new Neighbour(p.Id, p.Title, p.Slug, p.PublishedAtUtc, p.AuthorId))
            .FirstOrDefaultAsync();
        var newer = await posts.NewerThan(at, id).Oldest()
            .Select(p => new Neighbour(p.Id, p.Title, p.Slug, p.PublishedAtUtc, p.AuthorId))
            .FirstOrDefaultAsync();
        List<Neighbour> found = [.. new[] { older, newer }.OfType<Neighbour>()];

        // Only a structure with %category% needs the neighbours' categories; most sites never pay for them.
        ILookup<int, int> terms = Enumerable.Empty<int>().ToLookup(t => t);
        if (reader.Settings.PermalinkStructure.Contains("%category%", StringComparison.Ordinal) && found.Count > 0)
        {
            var ids = found.Select(n => n.Id).ToList();
            terms = (await reader.Db.PostTerms.Where(pt => ids.Contains(pt.PostId)).Select(pt => new { pt.PostId, pt.TermId }).ToListAsync())
                .ToLookup(pt => pt.PostId, pt => pt.TermId);
        }
        LinkTemplateModel Link(Neighbour n) =>
            new(n.Title, reader.Site.UrlOf(PostType.Post, n.Id, n.Slug, n.PublishedAtUtc, n.AuthorId, terms[n.Id]));
        bool IsOlder(Neighbour n) => n.PublishedAtUtc < at || (n.PublishedAtUtc == at && n.Id < id);
        return (
            found.Where(IsOlder).Select(Link).FirstOrDefault(),
            found.Where(n => !IsOlder(n)).Select(Link).FirstOrDefault());
    }
}
