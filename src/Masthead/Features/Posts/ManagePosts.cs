using System.Globalization;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// The Posts and Pages screens: status views with counts (All, Mine, Published, Scheduled, Drafts, Pending, Private, Trash),
/// search, category and month filters, pages of 20, and the trash, restore and delete-permanently actions, each
/// checked against the post's owner and status. The editor itself is still to come.
/// </summary>
public static class ManagePosts
{
    public const int PerPage = 20;
    public const string TrashedStatusMeta = "_wp_trash_meta_status";

    private static readonly (string Key, string Label, PostStatus? Status)[] Views =
    [
        ("all", "All", null), ("publish", "Published", PostStatus.Publish), ("future", "Scheduled", PostStatus.Future),
        ("draft", "Drafts", PostStatus.Draft), ("pending", "Pending", PostStatus.Pending), ("private", "Private", PostStatus.Private),
        ("trash", "Trash", PostStatus.Trash),
    ];

    public static void MapManagePosts(this IEndpointRouteBuilder app)
    {
        foreach (var (type, path, capability) in new[] { (PostType.Post, "posts", Capabilities.EditPosts), (PostType.Page, "pages", Capabilities.EditPages) })
        {
            app.MapGet($"/admin/{path}", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache readerState) =>
                ListAsync(http, db, antiforgery, readerState, type)).RequireAuthorization(capability);
            foreach (var (verb, change) in new[] { ("trash", Change.Trash), ("restore", Change.Restore), ("delete", Change.Delete) })
            {
                app.MapPost($"/admin/{path}/{{id:int}}/{verb}", (HttpContext http, AppDbContext db, ActivityLog activity, int id, IFormCollection form) =>
                    ChangeAsync(http, db, activity, type, id, change)).RequireAuthorization(capability);
            }
        }
    }

    private static string PathOf(PostType type) => type == PostType.Page ? "pages" : "posts";

    private enum Change { Trash, Restore, Delete }

    private static async Task<IResult> ChangeAsync(HttpContext http, AppDbContext db, ActivityLog activity, PostType type, int id, Change change)
    {
        var post = await db.Posts.SingleOrDefaultAsync(p => p.Id == id && p.Type == type);
        if (post is null)
        {
            return TypedResults.NotFound();
        }
        var trashedFrom = await db.PostMeta.SingleOrDefaultAsync(m => m.PostId == id && m.Key == TrashedStatusMeta);
        var judgedStatus = post.Status == PostStatus.Trash && WpName.TryParse<PostStatus>(trashedFrom?.Value, out var before) ? before : post.Status;
        var allowed = PostPermissions.CanDelete(http.User, post.AuthorId, post.Type, judgedStatus) && change switch
        {
            Change.Trash => post.Status != PostStatus.Trash,
            _ => post.Status == PostStatus.Trash,
        };
        if (!allowed)
        {
            return TypedResults.Content(PlainPage.Render("Not allowed", $"<p>You are not allowed to do that to this {WpName.Of(type)}.</p><p><a href=\"/admin/{PathOf(type)}\">Back to the list</a></p>"),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }
        switch (change)
        {
            // CASE: to the trash, remembering the status to restore.
            case Change.Trash:
                db.PostMeta.Add(new PostMeta { PostId = id, Key = TrashedStatusMeta, Value = WpName.Of(post.Status) });
                post.Status = PostStatus.Trash;
                break;
            // CASE: back from the trash as it was (a draft if nothing was remembered).
            case Change.Restore:
                post.Status = judgedStatus == PostStatus.Trash ? PostStatus.Draft : judgedStatus;
                if (trashedFrom is not null)
                {
                    db.PostMeta.Remove(trashedFrom);
                }
                break;
            // CASE: gone for good, with its terms, meta and comments.
            case Change.Delete:
                db.Posts.Remove(post);
                break;
        }
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, change switch { Change.Trash => "moved a post to the trash", Change.Restore => "restored a post", _ => "deleted a post" },
            http.User.Identity?.Name ?? "", PostPermissions.UserId(http.User), post.Title);
        return TypedResults.Redirect(change == Change.Trash ? $"/admin/{PathOf(type)}?trashed=1" : $"/admin/{PathOf(type)}?post_status=trash");
    }

    internal static async Task<ContentHttpResult> ListAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache readerState,
        PostType type)
    {
        var path = PathOf(type);
        var (site, _) = await readerState.GetAsync(db);
        var settings = site.Settings;
        var query = http.Request.Query;
        var me = PostPermissions.UserId(http.User) ?? 0;
        var posts = db.Posts.AsNoTracking().Where(p => p.Type == type);
        if (!PostPermissions.CanReadPrivate(http.User))
        {
            posts = posts.Where(p => p.Status != PostStatus.Private || p.AuthorId == me);
        }
        var counts = await posts.GroupBy(p => p.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToDictionaryAsync(c => c.Status, c => c.Count);
        var mine = await posts.CountAsync(p => p.AuthorId == me && p.Status != PostStatus.Trash);

        var view = Views.FirstOrDefault(v => v.Key == query["post_status"].ToString());
        var filtered = view.Status is { } status ? posts.Where(p => p.Status == status) : posts.Where(p => p.Status != PostStatus.Trash);
        if (query["author"] == "me")
        {
            filtered = filtered.Where(p => p.AuthorId == me);
        }
        if (int.TryParse(query["cat"], NumberStyles.None, CultureInfo.InvariantCulture, out var category) && category > 0)
        {
            filtered = filtered.Where(p => p.Terms.Any(t => t.TermId == category));
        }
        if (query["m"].ToString() is { Length: 6 } month && int.TryParse(month[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(month[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var monthNumber) && year is >= 1000 and <= 9000 && monthNumber is >= 1 and <= 12)
        {
            var from = settings.ToUtc(new DateTime(year, monthNumber, 1));
            var until = settings.ToUtc(new DateTime(year, monthNumber, 1).AddMonths(1));
            filtered = filtered.Where(p => p.PublishedAtUtc >= from && p.PublishedAtUtc < until);
        }
        var search = query["s"].ToString().Trim();
        if (search.Length is > 0 and <= 200)
        {
            var upper = search.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // SQL's upper(), translated by EF
            filtered = filtered.Where(p => p.Title.ToUpper().Contains(upper));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var total = await filtered.CountAsync();
        var pages = Math.Max(1, (total + PerPage - 1) / PerPage);
        var page = int.TryParse(query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, pages) : 1;
        var rows = await filtered.OrderByDescending(p => p.PublishedAtUtc).ThenByDescending(p => p.Id)
            .Skip((page - 1) * PerPage).Take(PerPage)
            .Select(p => new { p.Id, p.Title, p.Slug, p.Status, p.AuthorId, p.PublishedAtUtc, p.ModifiedAtUtc, TermIds = p.Terms.Select(t => t.TermId).ToList() })
            .ToListAsync();
        var trashedFrom = await db.PostMeta.Where(m => m.Key == TrashedStatusMeta && rows.Select(r => r.Id).Contains(m.PostId))
            .ToDictionaryAsync(m => m.PostId, m => m.Value);

        var token = PlainPage.AntiforgeryField(http, antiforgery);
        string Action(int id, string verb, string label) =>
            $"<form method=\"post\" action=\"/admin/{path}/{id}/{verb}\" class=\"row-action\">{token}<button type=\"submit\">{label}</button></form>";
        var tableRows = string.Concat(rows.Select(r =>
        {
            var judged = r.Status == PostStatus.Trash && WpName.TryParse<PostStatus>(trashedFrom.GetValueOrDefault(r.Id), out var was) ? was : r.Status;
            var canDelete = PostPermissions.CanDelete(http.User, r.AuthorId, type, judged);
            var actions = !canDelete ? "" : r.Status == PostStatus.Trash
                ? Action(r.Id, "restore", "Restore") + Action(r.Id, "delete", "Delete Permanently")
                : Action(r.Id, "trash", "Trash");
            var title = r.Status == PostStatus.Publish
                ? $"<a href=\"{PlainPage.Encode(site.UrlOf(type, r.Id, r.Slug, r.PublishedAtUtc, r.AuthorId, r.TermIds))}\">{PlainPage.Encode(r.Title)}</a>"
                : $"{PlainPage.Encode(r.Title.Length == 0 ? "(no title)" : r.Title)} — <em>{PlainPage.Encode(Views.FirstOrDefault(v => v.Status == r.Status).Label)}</em>";
            var categories = string.Join(", ", r.TermIds.Select(site.Term).Where(t => t?.Taxonomy == Taxonomies.Taxonomy.Category).Select(t => PlainPage.Encode(t!.Name)));
            var date = PhpDateFormat.Format(settings.ToLocal(r.Status == PostStatus.Publish ? r.PublishedAtUtc : r.ModifiedAtUtc), $"{settings.DateFormat} {settings.TimeFormat}");
            return $"<tr><td>{title}</td><td>{PlainPage.Encode(site.Author(r.AuthorId)?.DisplayName)}</td><td>{categories}</td><td>{(r.Status == PostStatus.Publish ? "Published" : "Last Modified")}<br>{PlainPage.Encode(date)}</td><td>{actions}</td></tr>";
        }));
        var viewLinks = string.Join(" | ", Views
            .Select(v => (v, Count: v.Status is { } s ? counts.GetValueOrDefault(s) : counts.Where(c => c.Key != PostStatus.Trash).Sum(c => c.Value)))
            .Where(x => x.v.Status is null || x.Count > 0)
            .Select(x => $"<a href=\"/admin/{path}{(x.v.Status is null ? "" : $"?post_status={x.v.Key}")}\"{(x.v.Key == (view.Key ?? "all") ? " aria-current=\"page\"" : "")}>{x.v.Label}</a> ({x.Count})")
            .Prepend($"<a href=\"/admin/{path}?author=me\">Mine</a> ({mine})"));
        string Link(int target) => $"/admin/{path}?{string.Join('&', query.Where(q => q.Key != "paged").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"paged={target}"))}";
        var paging = pages == 1 ? "" : $"<nav aria-label=\"Pages\"><p>Page {page} of {pages}. {(page > 1 ? $"<a href=\"{PlainPage.Encode(Link(page - 1))}\">Previous</a> " : "")}{(page < pages ? $"<a href=\"{PlainPage.Encode(Link(page + 1))}\">Next</a>" : "")}</p></nav>";
        var body = $"""
            {(query.ContainsKey("trashed") ? "<p role=\"status\">Moved to the Trash.</p>" : "")}
            <p><a href="/admin">Dashboard</a></p>
            <p>{viewLinks}</p>
            <form method="get" action="/admin/{path}" role="search"><label for="post-search">Search {path}</label> <input id="post-search" name="s" value="{PlainPage.Encode(search)}"> <button type="submit">Search</button></form>
            <table><caption>{(type == PostType.Page ? "Pages" : "Posts")} ({total})</caption><thead><tr><th scope="col">Title</th><th scope="col">Author</th><th scope="col">Categories</th><th scope="col">Date</th><th scope="col">Actions</th></tr></thead>
            <tbody>{(tableRows.Length == 0 ? $"<tr><td colspan=\"5\">No {path} found.</td></tr>" : tableRows)}</tbody></table>
            {paging}
            """;
        return PlainPage.Result(type == PostType.Page ? "Pages" : "Posts", body);
    }
}
