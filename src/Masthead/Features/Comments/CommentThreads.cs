using System.Globalization;
using Masthead.Data;
using Masthead.Features.Settings;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>Which part of a post's discussion a page shows.</summary>
/// <param name="PostUrl">The post's own address (ending in /), which comment pages hang off.</param>
/// <param name="Page">The comment page asked for (<c>/comment-page-N/</c> or <c>?cpage=N</c>), or null for the default one.</param>
/// <param name="ReplyTo">The comment a no-script "Reply" link asked to answer (<c>?replytocom=</c>), or 0.</param>
/// <param name="Unapproved">A held comment its writer may see (a valid <c>moderation-hash</c>), or 0.</param>
/// <param name="Open">Whether the post takes comments now: reply links are offered only then.</param>
public sealed record CommentPageRequest(string PostUrl, int? Page = null, int ReplyTo = 0, int Unapproved = 0, bool Open = true);

/// <summary>
/// One page of a post's thread: its comments, links to the other pages (null when they fit on one), its number, and
/// the comment being answered (id and author name) when a <c>replytocom</c> link named one on this page.
/// </summary>
public sealed record CommentPage(
    IReadOnlyList<CommentTemplateModel> Comments, PaginationTemplateModel? Pages, int Number, int ReplyTo, string ReplyToAuthor);

/// <summary>
/// A post's approved comments as a thread: replies nest under their parent to the depth setting, top-level threads
/// split into pages as the Discussion settings say (per page, first or last page shown first, older or newer at the top).
/// </summary>
public static class CommentThreads
{
    private sealed record Row(int Id, int? ParentId, DateTime CreatedAtUtc);

    private sealed record Full(int Id, int? ParentId, int? UserId, string AuthorName, string AuthorUrl, string Content,
        DateTime CreatedAtUtc, CommentApproval Approval);

    /// <summary>The page's comments, or null when the page asked for does not exist.</summary>
    public static async Task<CommentPage?> LoadAsync(AppDbContext db, int postId, int postAuthorId, SiteSettings settings,
        CommentPageRequest request)
    {
        var discussion = settings.Discussion;
        var unapproved = request.Unapproved;
        var rows = await db.Comments.AsNoTracking()
            .Where(c => c.PostId == postId && (c.Approval == CommentApproval.Approved || (c.Id == unapproved && c.Approval == CommentApproval.Pending)))
            .OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id)
            .Select(c => new Row(c.Id, c.ParentId, c.CreatedAtUtc))
            .ToListAsync();
        var ids = rows.Select(c => c.Id).ToHashSet();
        // A reply whose parent is not shown (held, spam, trashed) starts its own thread rather than vanishing.
        var byParent = rows.ToLookup(c => c.ParentId is { } p && ids.Contains(p) ? p : 0);
        var top = byParent[0].ToList();

        var perPage = discussion.CommentsPerPage ?? Math.Max(1, top.Count);
        var total = Math.Max(1, (top.Count + perPage - 1) / perPage);
        var defaultPage = discussion.LastPageFirst ? total : 1;
        var number = request.Page ?? defaultPage;
        if (number < 1 || number > total)
        {
            return null;
        }
        var threads = top.Skip((number - 1) * perPage).Take(perPage).ToList();
        if (discussion.NewestFirst)
        {
            threads.Reverse();
        }

        // Only the page's threads are read whole; on a long discussion the rest stays in the database.
        var shown = new HashSet<int>();
        void Collect(int id)
        {
            shown.Add(id);
            foreach (var reply in byParent[id])
            {
                Collect(reply.Id);
            }
        }
        threads.ForEach(t => Collect(t.Id));
        var full = shown.Count == 0 ? [] : (await db.Comments.AsNoTracking()
            .Where(c => c.PostId == postId && shown.Contains(c.Id))
            .Select(c => new Full(c.Id, c.ParentId, c.UserId, c.AuthorName, c.AuthorUrl, c.Content, c.CreatedAtUtc, c.Approval))
            .ToListAsync()).ToDictionary(c => c.Id);

        string PageUrl(int n) => n == defaultPage ? request.PostUrl
            : string.Create(CultureInfo.InvariantCulture, $"{request.PostUrl}comment-page-{n}/");
        var pageUrl = PageUrl(number);
        var deepest = discussion.ThreadDepth;

        CommentTemplateModel Model(Full c, int depth, IReadOnlyList<CommentTemplateModel> replies)
        {
            var local = settings.ToLocal(c.CreatedAtUtc);
            var canReply = request.Open && deepest > 1 && depth < deepest && c.Approval == CommentApproval.Approved;
            return new CommentTemplateModel(
                c.Id,
                c.AuthorName.Length == 0 ? "Anonymous" : c.AuthorName,
                SafeUrl(c.AuthorUrl),
                PhpDateFormat.Format(local, $"{settings.DateFormat} \\a\\t {settings.TimeFormat}"),
                local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                CommentHtml.ToHtml(c.Content),
                replies,
                depth,
                canReply ? string.Create(CultureInfo.InvariantCulture, $"{pageUrl}?replytocom={c.Id}#respond") : "",
                c.Approval == CommentApproval.Pending,
                c.UserId is { } user && user == postAuthorId);
        }

        // At the deepest level, replies follow their ancestor at that same level, oldest first, so none is hidden.
        IEnumerable<CommentTemplateModel> Descendants(int parentId, int depth) =>
            byParent[parentId].SelectMany(c => Descendants(c.Id, depth).Prepend(Model(full[c.Id], depth, [])));

        IReadOnlyList<CommentTemplateModel> Build(IEnumerable<Row> level, int depth) =>
        [
            .. level.SelectMany(c => depth < deepest
                ? [Model(full[c.Id], depth, Build(byParent[c.Id], depth + 1))]
                : Descendants(c.Id, depth).Prepend(Model(full[c.Id], depth, []))),
        ];

        var replyTo = request.ReplyTo > 0 && full.TryGetValue(request.ReplyTo, out var target) && target.Approval == CommentApproval.Approved
            ? target : null;
        return new CommentPage(
            Build(threads, 1),
            Permalinks.ReaderContext.Paginate(number, total, n => PageUrl(n) + "#comments"),
            number,
            replyTo?.Id ?? 0,
            replyTo is null ? "" : replyTo.AuthorName.Length == 0 ? "Anonymous" : replyTo.AuthorName);
    }

    /// <summary>The address of the comment page <paramref name="comment"/> is on (the post's own address for the default page).</summary>
    public static async Task<string> PageUrlAsync(AppDbContext db, Comment comment, string postUrl, DiscussionSettings discussion)
    {
        if (discussion.CommentsPerPage is not { } perPage)
        {
            return postUrl;
        }
        var id = comment.Id;
        var rows = await db.Comments.AsNoTracking()
            .Where(c => c.PostId == comment.PostId && (c.Approval == CommentApproval.Approved || c.Id == id))
            .OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id)
            .Select(c => new Row(c.Id, c.ParentId, c.CreatedAtUtc))
            .ToListAsync();
        var byId = rows.ToDictionary(r => r.Id);
        var root = id;
        // Bounded: a thread cannot be longer than the post's comments, even if the data holds a loop.
        for (var steps = 0; steps < rows.Count && byId.TryGetValue(root, out var row) && row.ParentId is { } p && byId.ContainsKey(p); steps++)
        {
            root = p;
        }
        var top = rows.Where(r => r.ParentId is not { } p || !byId.ContainsKey(p)).Select(r => r.Id).ToList();
        var total = Math.Max(1, (top.Count + perPage - 1) / perPage);
        var number = Math.Max(0, top.IndexOf(root)) / perPage + 1;
        return number == (discussion.LastPageFirst ? total : 1) ? postUrl
            : string.Create(CultureInfo.InvariantCulture, $"{postUrl}comment-page-{number}/");
    }

    /// <summary>Only web links become an author link; anything else (javascript:, data:) is dropped.</summary>
    private static string SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : "";
}
