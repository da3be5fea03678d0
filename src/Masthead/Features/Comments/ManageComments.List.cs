using System.Globalization;
using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>
/// The Comments list (WordPress's edit-comments.php): views with counts, search, one post's comments, sorting, pages
/// of 20, and the rows with what this user may do to each. Authors see only the comments on their own posts.
/// </summary>
public static partial class ManageComments
{
    public const int PerPage = 20;

    /// <summary>The view links in WordPress's order and under its <c>comment_status</c> names; All leaves out spam and the Trash.</summary>
    private static readonly (string Key, string Label, CommentApproval? State)[] Views =
    [
        ("all", "All", null), ("mine", "Mine", null), ("moderated", "Pending", CommentApproval.Pending),
        ("approved", "Approved", CommentApproval.Approved), ("spam", "Spam", CommentApproval.Spam), ("trash", "Trash", CommentApproval.Trash),
    ];

    public static readonly ListSort DefaultSort = new("comment_date", Descending: true);

    private sealed record ListRequest(string View, CommentApproval? State, string Search, int PostId, ListSort Sort, int RequestedPage)
    {
        public bool Filtered => Search.Length > 0 || PostId > 0;

        public static ListRequest From(HttpRequest request)
        {
            var query = request.Query;
            var view = Views.FirstOrDefault(v => v.Key == query["comment_status"].ToString());
            var search = query["s"].ToString().Trim();
            var post = int.TryParse(query["p"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            var page = int.TryParse(query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
            return new ListRequest(view.Key ?? "all", view.State, search.Length <= 200 ? search : "", post,
                ListSort.From(request, DefaultSort, "comment_author", "comment_post_ID", "comment_date"), page);
        }
    }

    /// <summary>The comments <paramref name="user"/> may moderate: all of them, or those on their own posts.</summary>
    internal static IQueryable<Comment> Moderated(AppDbContext db, ClaimsPrincipal user)
    {
        if (CommentPermissions.CanModerateAll(user))
        {
            return db.Comments.AsNoTracking();
        }
        var me = PostPermissions.UserId(user) ?? 0;
        return db.Comments.AsNoTracking().Where(c => db.Posts.Any(p => p.Id == c.PostId && p.AuthorId == me));
    }

    internal static async Task<IResult> ListAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache readerState,
        CommentStateCountsCache stateCounts, SiteSettingsCache siteSettings)
    {
        var (site, _) = await readerState.GetAsync(db);
        var settings = site.Settings;
        var user = http.User;
        var request = ListRequest.From(http.Request);
        var me = PostPermissions.UserId(user) ?? 0;
        var moderated = Moderated(db, user);

        // One post's comments are counted for that post alone (its (PostId, Approval) index); the whole list's from the cache.
        var counts = request.PostId > 0
            ? (await moderated.Where(c => c.PostId == request.PostId).GroupBy(c => c.Approval)
                .Select(g => new { g.Key, Count = g.Count(), Mine = g.Count(c => c.UserId == me) }).ToListAsync())
                .Select(g => new CommentStateCount(g.Key, g.Count, g.Mine)).ToList()
            : (await stateCounts.GetAsync(db)).For(user);
        int CountOf(string view) => view switch
        {
            "all" => counts.Where(c => c.State is CommentApproval.Pending or CommentApproval.Approved).Sum(c => c.Count),
            "mine" => counts.Where(c => c.State is CommentApproval.Pending or CommentApproval.Approved).Sum(c => c.Mine),
            _ => counts.Where(c => c.State == Views.First(v => v.Key == view).State).Sum(c => c.Count),
        };

        var filtered = request.State is { } state ? moderated.Where(c => c.Approval == state)
            : moderated.Where(c => c.Approval == CommentApproval.Pending || c.Approval == CommentApproval.Approved);
        if (request.View == "mine")
        {
            filtered = filtered.Where(c => c.UserId == me);
        }
        if (request.PostId > 0)
        {
            filtered = filtered.Where(c => c.PostId == request.PostId);
        }
        if (request.Search.Length > 0)
        {
            filtered = Searched(filtered, request.Search);
        }
        var total = request.Search.Length > 0 ? await filtered.CountAsync() : CountOf(request.View);
        var pages = Math.Max(1, (total + PerPage - 1) / PerPage);
        var page = Math.Clamp(request.RequestedPage, 1, pages);
        var pageIds = Sorted(db, filtered, request.Sort).Skip((page - 1) * PerPage).Take(PerPage).Select(c => c.Id);
        var rows = await Sorted(db, db.Comments.AsNoTracking().Where(c => pageIds.Contains(c.Id)), request.Sort)
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new
            {
                c.Id,
                c.AuthorName,
                c.AuthorEmail,
                c.AuthorUrl,
                c.AuthorIp,
                c.Content,
                c.CreatedAtUtc,
                c.Approval,
                c.ParentId,
                ParentAuthor = db.Comments.Where(r => r.Id == c.ParentId).Select(r => r.AuthorName).FirstOrDefault(),
                PostId = p.Id,
                p.Title,
                p.Type,
                p.Status,
                p.Slug,
                p.PublishedAtUtc,
                PostAuthorId = p.AuthorId,
                p.CommentCount,
                TermIds = p.Terms.Select(t => t.TermId).ToList(),
            })
            .ToListAsync();

        var listed = rows.Select(r =>
        {
            var permalink = r.Status == PostStatus.Publish ? site.UrlOf(r.Type, r.PostId, r.Slug, r.PublishedAtUtc, r.PostAuthorId, r.TermIds) : null;
            var local = settings.ToLocal(r.CreatedAtUtc);
            return new CommentRow(
                r.Id, r.Approval, r.AuthorName.Length == 0 ? "Anonymous" : r.AuthorName, Words.Initials(r.AuthorName.Length == 0 ? "Anonymous" : r.AuthorName),
                SafeUrl(r.AuthorUrl), r.AuthorEmail, r.AuthorIp, r.Content,
                r.ParentId is { } parent ? (r.ParentAuthor ?? "a deleted comment") : null,
                r.ParentId is { } parentId ? FormattableString.Invariant($"/admin/comments/{parentId}/edit") : null,
                r.PostId, r.Title.Length == 0 ? "(no title)" : r.Title,
                PostPermissions.CanEdit(user, r.PostAuthorId, r.Type, r.Status) ? FormattableString.Invariant($"/admin/{ManagePosts.PathOf(r.Type)}/{r.PostId}/edit") : null,
                r.CommentCount, permalink,
                PhpDateFormat.Format(local, $"{settings.DateFormat} \\a\\t {settings.TimeFormat}"),
                local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
                permalink is not null && r.Approval == CommentApproval.Approved ? FormattableString.Invariant($"{permalink}#comment-{r.Id}") : null,
                r.AuthorName, r.AuthorUrl);
        }).ToList();

        string? postTitle = null;
        if (request.PostId > 0)
        {
            postTitle = await db.Posts.Where(p => p.Id == request.PostId).Select(p => p.Title).SingleOrDefaultAsync() ?? "";
        }
        var views = Views
            .Select(v => new CommentView(v.Key, v.Label, CountOf(v.Key), ListUrl.Of("/admin/comments",
                ("comment_status", v.Key == "all" ? null : v.Key), ("p", request.PostId > 0 ? request.PostId.ToString(CultureInfo.InvariantCulture) : null)),
                request.View == v.Key))
            .Where(v => v.Key is "all" or "moderated" or "approved" || v.Count > 0 || v.Current)
            .ToList();
        var model = new CommentsModel(
            await AdminChrome.ForAsync(http, db, siteSettings, antiforgery), views, request.View, request.Search, request.PostId, postTitle,
            BulkActionsFor(request.State), listed, page, pages, total, request.Sort,
            counts.Sum(c => c.Count) == 0, ReadNotice(http.Request.Query), CommentPermissions.CanManagePersonalData(user));
        return AdminFeature.Screen<CommentsScreen>(model);
    }

    /// <summary>Author, e-mail, website, IP address and text, as WordPress's comment search reads them.</summary>
    private static IQueryable<Comment> Searched(IQueryable<Comment> comments, string search)
    {
        // SQL's lower()/upper(), as the Posts list searches: ASCII through SQLite's native lower(), anything else
        // through the Unicode upper() DatabaseSetup installs.
#pragma warning disable CA1304, CA1311, CA1862
        if (System.Text.Ascii.IsValid(search))
        {
            var lower = search.ToLowerInvariant();
            return comments.Where(c => c.AuthorName.ToLower().Contains(lower) || c.AuthorEmail.ToLower().Contains(lower)
                || c.AuthorUrl.ToLower().Contains(lower) || c.AuthorIp.Contains(lower) || c.Content.ToLower().Contains(lower));
        }
        var upper = search.ToUpperInvariant();
        return comments.Where(c => c.AuthorName.ToUpper().Contains(upper) || c.AuthorEmail.ToUpper().Contains(upper)
            || c.AuthorUrl.ToUpper().Contains(upper) || c.Content.ToUpper().Contains(upper));
#pragma warning restore CA1304, CA1311, CA1862
    }

    private static IQueryable<Comment> Sorted(AppDbContext db, IQueryable<Comment> comments, ListSort sort) => (sort.Column, sort.Descending) switch
    {
        ("comment_author", false) => comments.OrderBy(c => c.AuthorName).ThenByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id),
        ("comment_author", true) => comments.OrderByDescending(c => c.AuthorName).ThenByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id),
        ("comment_post_ID", false) => comments.OrderBy(c => db.Posts.Where(p => p.Id == c.PostId).Select(p => p.Title).FirstOrDefault())
            .ThenByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id),
        ("comment_post_ID", true) => comments.OrderByDescending(c => db.Posts.Where(p => p.Id == c.PostId).Select(p => p.Title).FirstOrDefault())
            .ThenByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id),
        (_, false) => comments.OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id),
        _ => comments.OrderByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id),
    };

    /// <summary>The bulk actions that fit the view, in WordPress's order.</summary>
    private static List<(string Value, string Label)> BulkActionsFor(CommentApproval? view) => view switch
    {
        CommentApproval.Pending => [("approve", "Approve"), ("spam", "Mark as spam"), ("trash", "Move to Trash")],
        CommentApproval.Approved => [("unapprove", "Unapprove"), ("spam", "Mark as spam"), ("trash", "Move to Trash")],
        CommentApproval.Spam => [("unspam", "Not spam"), ("delete", "Delete permanently")],
        CommentApproval.Trash => [("untrash", "Restore"), ("spam", "Mark as spam"), ("delete", "Delete permanently")],
        _ => [("unapprove", "Unapprove"), ("approve", "Approve"), ("spam", "Mark as spam"), ("trash", "Move to Trash")],
    };

    /// <summary>Only web links become an author link; anything else (javascript:, data:) is shown as text, if at all.</summary>
    internal static string? SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri.AbsoluteUri : null;

    /// <summary>The notice the last action left in the address it redirected to, under WordPress's parameter names.</summary>
    private static CommentsNotice? ReadNotice(IQueryCollection query)
    {
        int Number(string key) => int.TryParse(query[key], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var skipped = Number("skipped");
        var skippedText = skipped > 0
            ? " " + Words.Count(skipped, "comment") + " left unchanged (not allowed, or not in a state that action applies to)."
            : "";
        string Done(int n, string what) => (n == 1 ? "1 comment " : $"{n:N0} comments ") + what + "." + skippedText;
        if (Number("trashed") is > 0 and var trashed)
        {
            int[] undo = [.. query["ids"].ToString().Split(',').Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
                .Where(id => id > 0).Distinct().Take(MaxBulk)];
            return new CommentsNotice(Done(trashed, "moved to the Trash"), false, undo, "untrash");
        }
        if (Number("spammed") is > 0 and var spammed)
        {
            int[] undo = [.. query["ids"].ToString().Split(',').Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
                .Where(id => id > 0).Distinct().Take(MaxBulk)];
            return new CommentsNotice(Done(spammed, "marked as spam"), false, undo, "unspam");
        }
        (string Key, string Text)[] plain =
        [
            ("approved", "approved"), ("unapproved", "unapproved"), ("unspammed", "restored from the spam"),
            ("untrashed", "restored from the Trash"), ("deleted", "permanently deleted"),
        ];
        foreach (var (key, text) in plain)
        {
            if (Number(key) is > 0 and var n)
            {
                return new CommentsNotice(Done(n, text), false, [], "");
            }
        }
        return query["done"].ToString() switch
        {
            "replied" => new CommentsNotice("Reply published.", false, [], ""),
            "edited" => new CommentsNotice("Comment updated.", false, [], ""),
            "erased" => new CommentsNotice("The comment's personal data was erased: its author is now “Anonymous”.", false, [], ""),
            "none" => new CommentsNotice("Choose an action and tick at least one comment.", true, [], ""),
            "nothing" => new CommentsNotice("Nothing was changed." + skippedText, true, [], ""),
            _ => null,
        };
    }

    /// <summary>One view link: "Pending (3)".</summary>
    public sealed record CommentView(string Key, string Label, int Count, string Href, bool Current);

    /// <summary>A notice above the list; <paramref name="Undo"/> holds the comments an Undo button would send back with <paramref name="UndoAction"/>.</summary>
    public sealed record CommentsNotice(string Text, bool IsError, IReadOnlyList<int> Undo, string UndoAction);

    /// <summary>One comment as its row shows it; null links are ones that do not apply.</summary>
    public sealed record CommentRow(
        int Id, CommentApproval State, string Author, string Initials, string? AuthorUrl, string Email, string Ip, string Content,
        string? InReplyTo, string? InReplyToHref, int PostId, string PostTitle, string? PostEditHref, int PostApprovedCount, string? PostViewHref,
        string Submitted, string SubmittedIso, string? ViewHref, string AuthorAsStored, string UrlAsStored)
    {
        public bool Held => State == CommentApproval.Pending;
    }

    public sealed record CommentsModel(
        AdminChrome Chrome, IReadOnlyList<CommentView> Views, string View, string Search, int PostId, string? PostTitle,
        IReadOnlyList<(string Value, string Label)> Actions, IReadOnlyList<CommentRow> Rows, int Page, int PageCount, int Total, ListSort Sort,
        bool NothingYet, CommentsNotice? Notice, bool CanErase)
    {
        /// <summary>The list's address with the current view, post, search and sort, and <paramref name="change"/>s on top.</summary>
        public string UrlWith(params (string Key, string? Value)[] change)
        {
            List<(string Key, string? Value)> values =
            [
                ("comment_status", View == "all" ? null : View), ("p", PostId > 0 ? PostId.ToString(CultureInfo.InvariantCulture) : null),
                ("s", Search.Length > 0 ? Search : null), .. Sort.Query(DefaultSort),
            ];
            foreach (var (key, value) in change)
            {
                values.RemoveAll(v => v.Key == key);
                values.Add((key, value));
            }
            return ListUrl.Of("/admin/comments", [.. values]);
        }

        /// <summary>Where the row actions come back to: this very page of the list.</summary>
        public string Here => UrlWith(("paged", ListUrl.Page(Page)));

        public string PageUrl(int n) => UrlWith(("paged", ListUrl.Page(n)));

        public string SortUrl(ListSort sort) => UrlWith(("orderby", sort == DefaultSort ? null : sort.Column),
            ("order", sort == DefaultSort ? null : sort.Descending ? "desc" : "asc"));

        public bool Filtered => Search.Length > 0 || PostId > 0;
    }
}
