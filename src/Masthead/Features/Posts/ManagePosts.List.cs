using System.Globalization;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// The list itself: what the query string asks for, read in a bounded number of queries whatever the number of posts
/// (the counts by status kept between views by PostCountsCache, the months in one query, one page of rows with
/// their term ids), and the
/// view-model the screen renders.
/// </summary>
public static partial class ManagePosts
{
    /// <summary>What the address asks the list for; anything it cannot read falls back to the whole list.</summary>
    private sealed record ListRequest(string View, PostStatus? Status, string Author, int Category, string Month, string Search,
        string OrderBy, bool Ascending, int RequestedPage)
    {
        public bool Filtered => Author.Length > 0 || Category > 0 || Month.Length > 0 || Search.Length > 0;

        public static ListRequest From(IQueryCollection query, PostType type)
        {
            var view = Views.FirstOrDefault(v => v.Key == query["post_status"].ToString());
            var author = query["author"].ToString() is var a && (a == "me" || int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
                ? a : "";
            var category = type == PostType.Post && int.TryParse(query["cat"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
            var month = query["m"].ToString() is { Length: 6 } m && ParseMonth(m) is not null ? m : "";
            var search = query["s"].ToString().Trim();
            var orderBy = query["orderby"].ToString() is "title" or "author" ? query["orderby"].ToString() : "date";
            var page = int.TryParse(query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
            return new ListRequest(view.Key ?? "all", view.Status, author, category, month, search.Length <= 200 ? search : "",
                orderBy, query["order"] == "asc", page);
        }
    }

    private static (int Year, int Month)? ParseMonth(string value) =>
        int.TryParse(value[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
        && int.TryParse(value[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
        && year is >= 1000 and <= 9000 && month is >= 1 and <= 12 ? (year, month) : null;

    internal static async Task<IResult> ListAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache readerState,
        PostCountsCache postCounts, SiteSettingsCache siteSettings, PostType type)
    {
        var (site, _) = await readerState.GetAsync(db);
        var settings = site.Settings;
        var request = ListRequest.From(http.Request.Query, type);
        var me = PostPermissions.UserId(http.User) ?? 0;
        var visible = db.Posts.AsNoTracking().Where(p => p.Type == type);
        if (!PostPermissions.CanReadPrivate(http.User))
        {
            visible = visible.Where(p => p.Status != PostStatus.Private || p.AuthorId == me);
        }
        // Every status link's count, and Mine too, kept between views until a post changes status or author.
        var counts = (await postCounts.GetAsync(db)).For(type, me, PostPermissions.CanReadPrivate(http.User));
        var mine = counts.Where(c => c.Status != PostStatus.Trash).Sum(c => c.Mine);
        int CountOf(PostStatus? status) => status is { } s ? counts.Where(c => c.Status == s).Sum(c => c.Count)
            : counts.Where(c => c.Status != PostStatus.Trash).Sum(c => c.Count);

        var filtered = request.Status is { } status ? visible.Where(p => p.Status == status) : visible.Where(p => p.Status != PostStatus.Trash);
        if (request.Author == "me")
        {
            filtered = filtered.Where(p => p.AuthorId == me);
        }
        else if (request.Author.Length > 0)
        {
            var authorId = int.Parse(request.Author, CultureInfo.InvariantCulture);
            filtered = filtered.Where(p => p.AuthorId == authorId);
        }
        if (request.Category > 0)
        {
            filtered = filtered.Where(p => p.Terms.Any(t => t.TermId == request.Category));
        }
        if (request.Month.Length == 6 && ParseMonth(request.Month) is { } chosen)
        {
            var from = settings.ToUtc(new DateTime(chosen.Year, chosen.Month, 1));
            var until = settings.ToUtc(new DateTime(chosen.Year, chosen.Month, 1).AddMonths(1));
            filtered = filtered.Where(p => p.PublishedAtUtc >= from && p.PublishedAtUtc < until);
        }
        if (request.Search.Length > 0)
        {
            // SQL's lower()/upper(), translated by EF: ASCII words match through SQLite's native lower(); other words
            // need the Unicode upper() DatabaseSetup installs, which is slower (as the reader's search does).
#pragma warning disable CA1304, CA1311, CA1862
            if (System.Text.Ascii.IsValid(request.Search))
            {
                var lower = request.Search.ToLowerInvariant();
                filtered = filtered.Where(p => p.Title.ToLower().Contains(lower));
            }
            else
            {
                var upper = request.Search.ToUpperInvariant();
                filtered = filtered.Where(p => p.Title.ToUpper().Contains(upper));
            }
#pragma warning restore CA1304, CA1311, CA1862
        }
        // An unfiltered view's total is already among the counts; only a filtered one needs counting.
        var total = request.Filtered ? await filtered.CountAsync() : CountOf(request.Status);
        var pages = Math.Max(1, (total + PerPage - 1) / PerPage);
        var page = Math.Clamp(request.RequestedPage, 1, pages);
        // The page's ids come from the index alone (page 500 skips 9,980 index entries, not 9,980 rows); only its 20
        // rows are read, in the same query.
        var pageIds = Sorted(db, filtered, request).Skip((page - 1) * PerPage).Take(PerPage).Select(p => p.Id);
        var rows = await Sorted(db, db.Posts.AsNoTracking().Where(p => pageIds.Contains(p.Id)), request)
            .Select(p => new { p.Id, p.Title, p.Slug, p.Status, p.AuthorId, p.PublishedAtUtc, p.ModifiedAtUtc, p.CommentCount, TermIds = p.Terms.Select(t => t.TermId).ToList() })
            .ToListAsync();
        // A trashed post is judged by the status it had, kept aside when it was trashed.
        var trashedIds = rows.Where(r => r.Status == PostStatus.Trash).Select(r => r.Id).ToList();
        var trashedFrom = trashedIds.Count == 0 ? [] : await db.PostMeta
            .Where(m => m.Key == PostWriter.TrashedStatusMeta && trashedIds.Contains(m.PostId)).ToDictionaryAsync(m => m.PostId, m => m.Value);

        var path = PathOf(type);
        var listed = rows.Select(r =>
        {
            var judged = PostWriter.JudgedStatus(r.Status, trashedFrom.GetValueOrDefault(r.Id));
            var live = r.Status == PostStatus.Publish;
            return new PostRow(
                r.Id, r.Title.Length == 0 ? "(no title)" : r.Title,
                live || r.Status == PostStatus.Trash ? null : Views.First(v => v.Status == r.Status).State,
                r.Status == PostStatus.Trash,
                r.Status != PostStatus.Trash && PostPermissions.CanEdit(http.User, r.AuthorId, type, r.Status) ? $"/admin/{path}/{r.Id}/edit" : null,
                PostPermissions.CanDelete(http.User, r.AuthorId, type, judged),
                live ? site.UrlOf(type, r.Id, r.Slug, r.PublishedAtUtc, r.AuthorId, r.TermIds) : null,
                site.Author(r.AuthorId)?.DisplayName ?? "",
                [.. r.TermIds.Select(site.Term).Where(t => t?.Taxonomy == Taxonomies.Taxonomy.Category).Select(t => t!.Name)],
                r.Status switch { PostStatus.Publish => "Published", PostStatus.Future => "Scheduled", _ => "Last Modified" },
                PhpDateFormat.Format(settings.ToLocal(r.Status is PostStatus.Publish or PostStatus.Future ? r.PublishedAtUtc : r.ModifiedAtUtc),
                    $"{settings.DateFormat} {settings.TimeFormat}"),
                // The post's comments on the Comments screen, for those who moderate them.
                r.Status is PostStatus.Publish or PostStatus.Private && Comments.CommentPermissions.CanModerate(http.User, r.AuthorId)
                    ? string.Create(CultureInfo.InvariantCulture, $"/admin/comments?p={r.Id}") : null,
                r.CommentCount);
        }).ToList();

        var views = Views
            .Select(v => new StatusView(v.Key, v.Label, CountOf(v.Status), v.Key == "all" ? $"/admin/{path}" : $"/admin/{path}?post_status={v.Key}",
                request.View == v.Key && request.Author != "me"))
            .Where(v => v.Key == "all" || v.Count > 0)
            .ToList();
        if (mine > 0 && mine < CountOf(null))
        {
            views.Insert(1, new StatusView("mine", "Mine", mine, $"/admin/{path}?author=me", request.Author == "me"));
        }
        var model = new PostsModel(
            await AdminChrome.ForAsync(http, db, siteSettings, antiforgery), type, path, views, request.View, request.Search,
            request.Month, request.Category, request.Author,
            await MonthChoicesAsync(db, type, PostPermissions.CanReadPrivate(http.User) ? null : me, settings), type == PostType.Post ? [.. site.Categories.Select(c => (c.Id, c.Name))] : [],
            await AuthorChoicesAsync(db, visible, site),
            BulkActions(http, type, request.Status, site),
            listed, page, pages, total, request.OrderBy, request.Ascending, CountOf(null) == 0 && CountOf(PostStatus.Trash) == 0,
            ReadNotice(http.Request.Query, type));
        return AdminFeature.Screen<PostsScreen>(model);
    }

    private static IQueryable<Post> Sorted(AppDbContext db, IQueryable<Post> posts, ListRequest request) => (request.OrderBy, request.Ascending) switch
    {
        ("title", true) => posts.OrderBy(p => p.Title).ThenBy(p => p.Id),
        ("title", false) => posts.OrderByDescending(p => p.Title).ThenByDescending(p => p.Id),
        ("author", true) => posts.OrderBy(p => db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault())
            .ThenByDescending(p => p.PublishedAtUtc).ThenByDescending(p => p.Id),
        ("author", false) => posts.OrderByDescending(p => db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault())
            .ThenByDescending(p => p.PublishedAtUtc).ThenByDescending(p => p.Id),
        (_, true) => posts.OrderBy(p => p.PublishedAtUtc).ThenBy(p => p.Id),
        _ => posts.OrderByDescending(p => p.PublishedAtUtc).ThenByDescending(p => p.Id),
    };

    /// <summary>
    /// The months that have posts, newest first, in the site's time zone: each UTC month's first and last post give the
    /// (at most two) local months its posts fall in, so no date is read one by one.
    /// </summary>
    private static async Task<IReadOnlyList<(string Value, string Label)>> MonthChoicesAsync(AppDbContext db, PostType type, int? privateOnlyOf,
        SiteSettings settings)
    {
        var spans = await MonthSpans(db, type.Name, privateOnlyOf).ToListAsync();
        return [.. spans.SelectMany(s => new[] { s.First, s.Last }).Select(settings.ToLocal).Select(d => new DateTime(d.Year, d.Month, 1))
            .Distinct().OrderDescending()
            .Select(m => (m.ToString("yyyyMM", CultureInfo.InvariantCulture), PhpDateFormat.Format(m, "F Y")))];
    }

    private static async Task<IReadOnlyList<(int Id, string Name)>> AuthorChoicesAsync(AppDbContext db, IQueryable<Post> visible, SiteSnapshot site)
    {
        // From the users, each looked up in the author index, rather than a pass over every post.
        var ids = await db.Users.Where(u => visible.Any(p => p.AuthorId == u.Id)).Select(u => u.Id).ToListAsync();
        return [.. ids.Select(id => (id, site.Author(id)?.DisplayName ?? $"User {id}")).OrderBy(a => a.Item2, StringComparer.CurrentCultureIgnoreCase)];
    }

    private static List<(string Value, string Label)> BulkActions(HttpContext http, PostType type, PostStatus? view, SiteSnapshot site)
    {
        if (view == PostStatus.Trash)
        {
            return [("restore", "Restore"), ("delete", "Delete Permanently")];
        }
        var actions = new List<(string, string)> { ("trash", "Move to Trash"), ("draft", "Set status: Draft"), ("pending", "Set status: Pending Review") };
        if (PostPermissions.CanPublish(http.User, type))
        {
            actions.Add(("publish", "Publish"));
        }
        if (type == PostType.Post)
        {
            // One action; its category is chosen beside it, so the menu does not repeat every category twice.
            actions.Add(("category", "Add to category…"));
        }
        return actions;
    }

    /// <summary>The notice the last action left in the address it redirected to.</summary>
    private static PostsNotice? ReadNotice(IQueryCollection query, PostType type)
    {
        var noun = type == PostType.Page ? "page" : "post";
        int Number(string key) => int.TryParse(query[key], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var skipped = Number("skipped");
        var skippedText = skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {skipped} not changed (not allowed, or not in a state that action applies to)") : "";
        if (query["bulk"] == "conflict")
        {
            return new PostsNotice("Nothing was changed: someone else changed some of those at the same moment. Look at the list again and retry.", true, []);
        }
        if (Number("trashed") is > 0 and var trashed)
        {
            int[] undo = [.. query["ids"].ToString().Split(',').Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
                .Where(id => id > 0).Distinct().Take(MaxBulk)];
            var lead = skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $"{trashed} changed{skippedText}. ") : "";
            return new PostsNotice($"{lead}{Words.Count(trashed, noun)} moved to the Trash.", false, undo);
        }
        if (Number("restored") is > 0 and var restored)
        {
            return new PostsNotice(restored == 1 ? "Restored from the Trash." : $"{Words.Count(restored, noun)} restored from the Trash.", false, []);
        }
        if (Number("deleted") is > 0 and var deleted)
        {
            return new PostsNotice(deleted == 1 ? "Deleted permanently." : $"{Words.Count(deleted, noun)} deleted permanently.", false, []);
        }
        if (query["bulk"] == "done")
        {
            return new PostsNotice(string.Create(CultureInfo.InvariantCulture, $"{Number("changed")} changed{skippedText}."), false, []);
        }
        return null;
    }

    /// <summary>One status link: "Drafts (2)".</summary>
    public sealed record StatusView(string Key, string Label, int Count, string Href, bool Current);

    /// <summary>A notice above the list; <paramref name="Undo"/> holds the posts an Undo button would bring back from the Trash.</summary>
    public sealed record PostsNotice(string Text, bool IsError, IReadOnlyList<int> Undo);

    /// <summary>One row; null links are actions this user may not take on this post.</summary>
    public sealed record PostRow(int Id, string Title, string? State, bool InTrash, string? EditHref, bool CanDelete, string? ViewHref,
        string Author, IReadOnlyList<string> Categories, string DateLabel, string Date, string? CommentsHref = null, int ApprovedComments = 0)
    {
        /// <summary>A post not yet live is previewed, by whoever may edit it, where a live one is viewed.</summary>
        public string? PreviewHref => ViewHref is null && !InTrash && EditHref is not null ? EditHref[..^"edit".Length] + "preview" : null;
    }

    public sealed record PostsModel(
        AdminChrome Chrome, PostType Type, string Path, IReadOnlyList<StatusView> Views, string View, string Search,
        string Month, int Category, string Author,
        IReadOnlyList<(string Value, string Label)> Months, IReadOnlyList<(int Id, string Name)> Categories,
        IReadOnlyList<(int Id, string Name)> Authors, IReadOnlyList<(string Value, string Label)> Actions,
        IReadOnlyList<PostRow> Rows, int Page, int PageCount, int Total, string OrderBy, bool Ascending, bool NothingYet,
        PostsNotice? Notice)
    {
        public string Plural => Type == PostType.Page ? "Pages" : "Posts";

        public string Singular => Type == PostType.Page ? "Page" : "Post";

        public string Noun => Singular.ToLowerInvariant();

        public string ListPath => $"/admin/{Path}";

        public bool InTrashView => View == "trash";

        public bool Filtered => Search.Length > 0 || Month.Length > 0 || Category > 0 || Author.Length > 0;

        /// <summary>The list's address with the current view, filters and sort, and <paramref name="change"/>s on top.</summary>
        public string UrlWith(params (string Key, string? Value)[] change)
        {
            var values = new List<(string Key, string? Value)>
            {
                ("post_status", View == "all" ? null : View), ("author", Author.Length > 0 ? Author : null),
                ("cat", Category > 0 ? Category.ToString(CultureInfo.InvariantCulture) : null), ("m", Month.Length > 0 ? Month : null),
                ("s", Search.Length > 0 ? Search : null),
                ("orderby", OrderBy == "date" && !Ascending ? null : OrderBy), ("order", OrderBy == "date" && !Ascending ? null : Ascending ? "asc" : "desc"),
            };
            foreach (var (key, value) in change)
            {
                values.RemoveAll(v => v.Key == key);
                values.Add((key, value));
            }
            return ListUrl.Of(ListPath, [.. values]);
        }

        public string PageUrl(int n) => UrlWith(("paged", ListUrl.Page(n)));

        /// <summary>The list's sort, for its column headings.</summary>
        public ListSort Sort => new(OrderBy, Descending: !Ascending);

        public string SortUrl(ListSort sort) => UrlWith(("orderby", sort.Column), ("order", sort.Descending ? "desc" : "asc"));
    }
}
