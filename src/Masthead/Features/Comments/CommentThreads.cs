using System.Globalization;
using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>A post's approved comments as a thread: replies nest under their parent, oldest first.</summary>
public static class CommentThreads
{
    public static async Task<IReadOnlyList<CommentTemplateModel>> LoadAsync(AppDbContext db, int postId, SiteSettings settings)
    {
        var comments = await db.Comments.AsNoTracking().Approved()
            .Where(c => c.PostId == postId)
            .OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.ParentId, c.AuthorName, c.AuthorUrl, c.Content, c.CreatedAtUtc })
            .ToListAsync();
        var ids = comments.Select(c => c.Id).ToHashSet();
        // A reply whose parent is not shown (held, spam, trashed) starts its own thread rather than vanishing.
        var byParent = comments.ToLookup(c => c.ParentId is { } p && ids.Contains(p) ? p : 0);

        CommentTemplateModel Model(int id, string author, string url, string content, DateTime createdUtc,
            IReadOnlyList<CommentTemplateModel> replies)
        {
            var local = settings.ToLocal(createdUtc);
            return new CommentTemplateModel(
                id,
                author.Length == 0 ? "Anonymous" : author,
                SafeUrl(url),
                PhpDateFormat.Format(local, $"{settings.DateFormat} \\a\\t {settings.TimeFormat}"),
                local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                AsParagraphs(content),
                replies);
        }

        // Discussion → "Enable threaded comments N levels deep" (1 when threading is off: every comment at the top).
        var deepest = settings.Discussion.ThreadDepth;

        IReadOnlyList<CommentTemplateModel> Build(int parentId, int depth) =>
        [
            .. byParent[parentId].SelectMany(c => depth < deepest
                ? [Model(c.Id, c.AuthorName, c.AuthorUrl, c.Content, c.CreatedAtUtc, Build(c.Id, depth + 1))]
                : Descendants(c.Id).Prepend(Model(c.Id, c.AuthorName, c.AuthorUrl, c.Content, c.CreatedAtUtc, []))),
        ];

        // At the deepest level, replies follow their ancestor at that same level, oldest first, so none is hidden.
        IEnumerable<CommentTemplateModel> Descendants(int parentId) =>
            byParent[parentId].SelectMany(c => Descendants(c.Id).Prepend(Model(c.Id, c.AuthorName, c.AuthorUrl, c.Content, c.CreatedAtUtc, [])));

        return Build(0, 1);
    }

    /// <summary>
    /// Comment text is shown as text: encoded, with blank lines as paragraph breaks. Markup in comments waits for
    /// the comments feature's sanitizer, so nothing a commenter typed can run in a reader's browser.
    /// </summary>
    private static string AsParagraphs(string text)
    {
        var paragraphs = text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => "<p>" + System.Net.WebUtility.HtmlEncode(p).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>");
        return string.Concat(paragraphs);
    }

    /// <summary>Only web links become an author link; anything else (javascript:, data:) is dropped.</summary>
    private static string SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : "";
}
