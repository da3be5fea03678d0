using Masthead.Features.Comments;
using Masthead.Features.Permalinks;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>A single post or page: the entry, its comment thread and, for posts, links to its neighbours.</summary>
public static class ShowPost
{
    /// <summary>Renders the post; a <paramref name="preview"/> (an unsaved draft from the editor) has no comments or neighbours and is not for search engines. <paramref name="commentPage"/> is the comment page asked for (<c>/comment-page-N/</c>), or null for the default one.</summary>
    public static async Task<IResult> RenderAsync(ReaderContext reader, PostRow row, bool preview = false, int? commentPage = null)
    {
        var given = reader.Posts.Viewer.GivenPassword;
        var post = PostCards.Build(reader.Site, row, singular: true, given);
        var discussion = reader.Settings.Discussion;
        var open = !preview && CommentPosting.IsOpen(row.Type, row.CommentStatus, row.PublishedAtUtc, discussion,
            reader.Clock.GetUtcNow().UtcDateTime);
        post = post with { CommentsOpen = open };
        var query = reader.Http.Request.Query;
        var held = reader.Http.RequestServices.GetRequiredService<CommentTokens>()
            .HeldCommentId(query["unapproved"], query["moderation-hash"]);
        if (held > 0)
        {
            // This address shows one commenter their own held comment: no cache may keep it, nor a search engine.
            reader.Http.Response.Headers.CacheControl = "private, no-store";
        }
        CommentPage? comments = null;
        // A protected post's comments are as private as its text.
        if (!preview && !row.IsLocked(given))
        {
            comments = await CommentThreads.LoadAsync(reader.Db, row.Id, row.AuthorId, reader.Settings, new CommentPageRequest(
                post.Url, commentPage ?? Number(query["cpage"]), Number(query["replytocom"]) ?? 0, held, open));
            if (comments is null)
            {
                return await reader.NotFoundAsync();
            }
        }
        var thread = new DiscussionTemplateModel(
            row.Id, open && !row.IsLocked(given), discussion.RegisteredUsersOnly, discussion.RequireNameAndEmail,
            "/login?redirect_to=" + Uri.EscapeDataString(post.Url + "#respond"), PostComment.FormAction,
            CommentTokens.CookieHash(reader.Settings.HomeUrl),
            comments?.ReplyTo ?? 0, comments?.ReplyToAuthor ?? "",
            // "Cancel reply": this same comment page, without ?replytocom.
            (reader.Http.Request.Path.Value ?? post.Url) + "#respond",
            discussion.ThreadDepth > 1, comments?.Pages, row.CommentCount);
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
            reader.CanonicalUrl(row.Id == reader.Settings.FrontPageId ? "/" : post.Url), bodyClass, NoIndex: preview || held > 0);
        return await reader.RenderAsync(templates, meta, model => model with
        {
            Post = post,
            Comments = comments?.Comments ?? [],
            Discussion = thread,
            PreviousPost = previous,
            NextPost = next,
        });
    }

    private static int? Number(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

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
