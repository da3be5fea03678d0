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
/// search, category and month filters, pages of 20, and the trash, restore, delete-permanently and bulk actions, each
/// carried out (and checked against the post's owner and status) by <see cref="PostWriter"/>. Titles lead to the editor.
/// </summary>
public static class ManagePosts
{
    public const int PerPage = 20;

    /// <summary>How many posts one bulk action may touch; a page shows 20, so this only stops abuse.</summary>
    private const int MaxBulk = 200;

    private static readonly (string Key, string Label, PostStatus? Status)[] Views =
    [
        ("all", "All", null), ("publish", "Published", PostStatus.Publish), ("future", "Scheduled", PostStatus.Future),
        ("draft", "Drafts", PostStatus.Draft), ("pending", "Pending", PostStatus.Pending), ("private", "Private", PostStatus.Private),
        ("trash", "Trash", PostStatus.Trash),
    ];

    /// <summary>The types the admin edits, each with the capability its screens need.</summary>
    internal static readonly (PostType Type, string Capability)[] EditedTypes =
        [(PostType.Post, Capabilities.EditPosts), (PostType.Page, Capabilities.EditPages)];

    /// <summary>The admin path segment of a type: <c>/admin/posts</c>, <c>/admin/pages</c>.</summary>
    internal static string PathOf(PostType type) => type == PostType.Page ? "pages" : "posts";

    public static void MapManagePosts(this IEndpointRouteBuilder app)
    {
        foreach (var (type, capability) in EditedTypes)
        {
            var path = PathOf(type);
            app.MapGet($"/admin/{path}", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache readerState) =>
                ListAsync(http, db, antiforgery, readerState, type)).RequireAuthorization(capability);
            foreach (var (verb, change) in new[] { ("trash", Change.Trash), ("restore", Change.Restore), ("delete", Change.Delete) })
            {
                app.MapPost($"/admin/{path}/{{id:int}}/{verb}", (HttpContext http, PostWriter writer, int id, IFormCollection form) =>
                    ChangeAsync(http, writer, type, id, change)).RequireAuthorization(capability);
            }
            app.MapPost($"/admin/{path}/bulk", (HttpContext http, AppDbContext db, PostWriter writer, ActivityLog activity, IFormCollection form) =>
                BulkAsync(http, db, writer, activity, type, form)).RequireAuthorization(capability);
        }
    }

    private enum Change { Trash, Restore, Delete }

    private static async Task<IResult> ChangeAsync(HttpContext http, PostWriter writer, PostType type, int id, Change change)
    {
        var address = http.Connection.RemoteIpAddress?.ToString();
        var result = change == Change.Delete
            ? await writer.DeleteAsync(type, id, http.User, address)
            : await writer.WriteAsync(new PostChange { Id = id, Type = type, Action = change == Change.Trash ? PostAction.Trash : PostAction.Restore }, http.User, address);
        return result.Outcome switch
        {
            PostWriteOutcome.Saved or PostWriteOutcome.AlreadyDone => TypedResults.Redirect(change switch
            {
                Change.Trash => $"/admin/{PathOf(type)}?trashed=1",
                Change.Restore => $"/admin/{PathOf(type)}?post_status=trash&restored=1",
                _ => $"/admin/{PathOf(type)}?post_status=trash&deleted=1",
            }),
            PostWriteOutcome.NotFound => TypedResults.NotFound(),
            PostWriteOutcome.Conflict => PlainPage.Result("Changed at the same moment",
                $"<p>Someone else changed this {WpName.Of(type)} at the same moment, so nothing was done. <a href=\"/admin/{PathOf(type)}\">Back to the list</a></p>",
                StatusCodes.Status409Conflict),
            _ => PlainPage.Result("Not allowed", $"<p>You are not allowed to do that to this {WpName.Of(type)}.</p><p><a href=\"/admin/{PathOf(type)}\">Back to the list</a></p>",
                StatusCodes.Status403Forbidden),
        };
    }

    /// <summary>
    /// One action on every ticked post: each goes through the post writer on its own (and is checked on its own), the
    /// allowed ones change together in one transaction, and the answer says how many were changed and how many not.
    /// </summary>
    private static async Task<IResult> BulkAsync(HttpContext http, AppDbContext db, PostWriter writer, ActivityLog activity, PostType type, IFormCollection form)
    {
        var path = PathOf(type);
        var ids = form["post[]"].Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0).Distinct().Take(MaxBulk).ToList();
        var action = form["bulk_action"].ToString();
        if (ids.Count == 0 || action.Length == 0)
        {
            return TypedResults.Redirect($"/admin/{path}?bulk=none");
        }
        var address = http.Connection.RemoteIpAddress?.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var posts = await db.Posts.Where(p => ids.Contains(p.Id) && p.Type == type).Select(p => new { p.Id, p.Status }).ToListAsync();
        int? categoryId = action.StartsWith("category:", StringComparison.Ordinal)
            && int.TryParse(action["category:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && type == PostType.Post && await db.Terms.AnyAsync(t => t.Id == c && t.Taxonomy == Taxonomies.Taxonomy.Category) ? c : null;
        var changed = 0;
        foreach (var post in posts)
        {
            // The one bulk log entry below says what was done; each post's own would only repeat it.
            var change = new PostChange { Id = post.Id, Type = type, ActivityAction = "" };
            Task<PostWriteResult>? write = action switch
            {
                "trash" => writer.WriteAsync(change with { Action = PostAction.Trash }, http.User, address),
                "restore" => writer.WriteAsync(change with { Action = PostAction.Restore }, http.User, address),
                "delete" => writer.DeleteAsync(type, post.Id, http.User, address, activityAction: ""),
                "draft" => writer.WriteAsync(change with { Action = PostAction.Draft }, http.User, address),
                "pending" => writer.WriteAsync(change with { Action = PostAction.Pending }, http.User, address),
                // Publishing from the list applies to posts not yet out; one already out has nothing to publish.
                "publish" when post.Status is PostStatus.Draft or PostStatus.Pending && PostPermissions.CanPublish(http.User, type) =>
                    writer.WriteAsync(change with { Action = PostAction.Publish }, http.User, address),
                _ when categoryId is { } category => writer.WriteAsync(change with
                {
                    CategoryIds = [.. await db.PostTerms.Where(pt => pt.PostId == post.Id && pt.Term.Taxonomy == Taxonomies.Taxonomy.Category)
                        .Select(pt => pt.TermId).ToListAsync(), category],
                }, http.User, address),
                _ => null,
            };
            var result = write is null ? null : await write;
            if (result?.Outcome == PostWriteOutcome.Conflict)
            {
                // One of them changed under this action (another editor, another tab); all or nothing, so nothing.
                return TypedResults.Redirect($"/admin/{path}?bulk=conflict");
            }
            changed += result?.Saved == true ? 1 : 0;
        }
        try
        {
            await transaction.CommitAsync();
        }
        catch (DbUpdateException conflict) when (conflict.IsConflict())
        {
            return TypedResults.Redirect($"/admin/{path}?bulk=conflict");
        }
        if (changed > 0)
        {
            await activity.RecordAsync(http, $"changed {changed} {path} at once", http.User.Identity?.Name ?? "", PostPermissions.UserId(http.User), action);
        }
        return TypedResults.Redirect(string.Create(CultureInfo.InvariantCulture, $"/admin/{path}?bulk=done&changed={changed}&skipped={ids.Count - changed}"));
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
        else if (int.TryParse(query["author"], NumberStyles.None, CultureInfo.InvariantCulture, out var authorId) && authorId > 0)
        {
            filtered = filtered.Where(p => p.AuthorId == authorId);
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
        var orderBy = query["orderby"].ToString() is "title" or "author" ? query["orderby"].ToString() : "date";
        var ascending = query["order"] == "asc";
        var sorted = (orderBy, ascending) switch
        {
            ("title", true) => filtered.OrderBy(p => p.Title).ThenBy(p => p.Id),
            ("title", false) => filtered.OrderByDescending(p => p.Title).ThenByDescending(p => p.Id),
            ("author", true) => filtered.OrderBy(p => db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault()).ThenByDescending(p => p.PublishedAtUtc),
            ("author", false) => filtered.OrderByDescending(p => db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault()).ThenByDescending(p => p.PublishedAtUtc),
            (_, true) => filtered.OrderBy(p => p.PublishedAtUtc).ThenBy(p => p.Id),
            _ => filtered.OrderByDescending(p => p.PublishedAtUtc).ThenByDescending(p => p.Id),
        };
        var rows = await sorted
            .Skip((page - 1) * PerPage).Take(PerPage)
            .Select(p => new { p.Id, p.Title, p.Slug, p.Status, p.AuthorId, p.PublishedAtUtc, p.ModifiedAtUtc, TermIds = p.Terms.Select(t => t.TermId).ToList() })
            .ToListAsync();
        var trashedFrom = await db.PostMeta.Where(m => m.Key == PostWriter.TrashedStatusMeta && rows.Select(r => r.Id).Contains(m.PostId))
            .ToDictionaryAsync(m => m.PostId, m => m.Value);

        var token = PlainPage.AntiforgeryField(http, antiforgery);
        string Action(int id, string verb, string label) =>
            $"<form method=\"post\" action=\"/admin/{path}/{id}/{verb}\" class=\"row-action\">{token}<button type=\"submit\">{label}</button></form>";
        var tableRows = string.Concat(rows.Select(r =>
        {
            var judged = PostWriter.JudgedStatus(r.Status, trashedFrom.GetValueOrDefault(r.Id));
            var canDelete = PostPermissions.CanDelete(http.User, r.AuthorId, type, judged);
            var actions = !canDelete ? "" : r.Status == PostStatus.Trash
                ? Action(r.Id, "restore", "Restore") + Action(r.Id, "delete", "Delete Permanently")
                : Action(r.Id, "trash", "Trash");
            var name = PlainPage.Encode(r.Title.Length == 0 ? "(no title)" : r.Title);
            var canEdit = r.Status != PostStatus.Trash && PostPermissions.CanEdit(http.User, r.AuthorId, type, r.Status);
            var title = (canEdit ? $"<a href=\"/admin/{path}/{r.Id}/edit\">{name}</a>" : name)
                + (r.Status == PostStatus.Publish ? "" : $" — <em>{PlainPage.Encode(Views.FirstOrDefault(v => v.Status == r.Status).Label)}</em>")
                + (r.Status == PostStatus.Publish ? $" <a href=\"{PlainPage.Encode(site.UrlOf(type, r.Id, r.Slug, r.PublishedAtUtc, r.AuthorId, r.TermIds))}\" aria-label=\"View “{name}”\">View</a>" : "");
            var categories = string.Join(", ", r.TermIds.Select(site.Term).Where(t => t?.Taxonomy == Taxonomies.Taxonomy.Category).Select(t => PlainPage.Encode(t!.Name)));
            var date = PhpDateFormat.Format(settings.ToLocal(r.Status == PostStatus.Publish ? r.PublishedAtUtc : r.ModifiedAtUtc), $"{settings.DateFormat} {settings.TimeFormat}");
            return $"<tr><td><input type=\"checkbox\" name=\"post[]\" value=\"{r.Id}\" form=\"bulk\" aria-label=\"Select “{name}”\"></td><td>{title}</td><td>{PlainPage.Encode(site.Author(r.AuthorId)?.DisplayName)}</td><td>{categories}</td><td>{(r.Status == PostStatus.Publish ? "Published" : "Last Modified")}<br>{PlainPage.Encode(date)}</td><td>{actions}</td></tr>";
        }));
        var viewLinks = string.Join(" | ", Views
            .Select(v => (v, Count: v.Status is { } s ? counts.GetValueOrDefault(s) : counts.Where(c => c.Key != PostStatus.Trash).Sum(c => c.Value)))
            .Where(x => x.v.Status is null || x.Count > 0)
            .Select(x => $"<a href=\"/admin/{path}{(x.v.Status is null ? "" : $"?post_status={x.v.Key}")}\"{(x.v.Key == (view.Key ?? "all") ? " aria-current=\"page\"" : "")}>{x.v.Label}</a> ({x.Count})")
            .Prepend($"<a href=\"/admin/{path}?author=me\">Mine</a> ({mine})"));
        string Link(int target) => $"/admin/{path}?{string.Join('&', query.Where(q => q.Key != "paged").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"paged={target}"))}";
        // A column header sorts by itself, and a second click turns the order around, as WordPress's list tables do.
        string Sortable(string column, string label)
        {
            var current = orderBy == column;
            var next = current && !ascending ? "asc" : current ? "desc" : column == "date" ? "desc" : "asc";
            var link = $"/admin/{path}?{string.Join('&', query.Where(q => q.Key is not ("orderby" or "order" or "paged" or "bulk" or "changed" or "skipped")).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"orderby={column}&order={next}"))}";
            var sort = current ? $" aria-sort=\"{(ascending ? "ascending" : "descending")}\"" : "";
            return $"<th scope=\"col\"{sort}><a href=\"{PlainPage.Encode(link)}\">{label}</a></th>";
        }
        var categoryOptions = type != PostType.Post ? "" : string.Concat(site.Categories.Select(t => $"<option value=\"category:{t.Id}\">Add to category: {PlainPage.Encode(t.Name)}</option>"));
        var bulkForm = $"""
            <form method="post" action="/admin/{path}/bulk" id="bulk">{token}
            <label for="bulk-action">Bulk actions</label> <select id="bulk-action" name="bulk_action">
            <option value="">Choose an action</option>
            {(view.Status == PostStatus.Trash ? "<option value=\"restore\">Restore</option><option value=\"delete\">Delete Permanently</option>"
                : $"<option value=\"trash\">Move to Trash</option><option value=\"draft\">Set status: Draft</option><option value=\"pending\">Set status: Pending Review</option>{(PostPermissions.CanPublish(http.User, type) ? "<option value=\"publish\">Publish</option>" : "")}{categoryOptions}")}
            </select> <button type="submit">Apply</button></form>
            """;
        // Filters keep the view and the search they were chosen in; an empty choice means "all".
        var months = await posts.Where(p => p.Status != PostStatus.Trash).Select(p => p.PublishedAtUtc).ToListAsync();
        var monthOptions = months.Select(settings.ToLocal).Select(d => new DateTime(d.Year, d.Month, 1)).Distinct().OrderDescending()
            .Select(m => (Value: m.ToString("yyyyMM", CultureInfo.InvariantCulture), Label: PhpDateFormat.Format(m, "F Y")));
        var authorIds = await posts.Select(p => p.AuthorId).Distinct().ToListAsync();
        string Option(string value, string label, string current) =>
            $"<option value=\"{PlainPage.Encode(value)}\"{(value == current ? " selected" : "")}>{PlainPage.Encode(label)}</option>";
        var filters = $"""
            <form method="get" action="/admin/{path}">
            {(view.Status is null ? "" : $"<input type=\"hidden\" name=\"post_status\" value=\"{view.Key}\">")}
            <label for="filter-month">Date</label> <select id="filter-month" name="m"><option value="">All dates</option>{string.Concat(monthOptions.Select(m => Option(m.Value, m.Label, query["m"].ToString())))}</select>
            {(type != PostType.Post ? "" : $"<label for=\"filter-cat\">Category</label> <select id=\"filter-cat\" name=\"cat\"><option value=\"\">All categories</option>{string.Concat(site.Categories.Select(c => Option(c.Id.ToString(CultureInfo.InvariantCulture), c.Name, query["cat"].ToString())))}</select>")}
            <label for="filter-author">Author</label> <select id="filter-author" name="author"><option value="">All authors</option>{string.Concat(authorIds.Select(id => (Id: id, Name: site.Author(id)?.DisplayName ?? $"User {id}")).OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).Select(a => Option(a.Id.ToString(CultureInfo.InvariantCulture), a.Name, query["author"].ToString())))}</select>
            <button type="submit">Filter</button>
            </form>
            """;
        var bulkResult = query["bulk"] == "conflict"
            ? "<p role=\"alert\">Nothing was changed: someone else changed some of those at the same moment. Look at the list again and retry.</p>"
            : query["bulk"] == "done"
            ? $"<p role=\"status\">{PlainPage.Encode(query["changed"])} changed{(query["skipped"] is { Count: > 0 } skipped && skipped != "0" ? $", {PlainPage.Encode(skipped)} not changed (not allowed, or not in a state that action applies to)" : "")}.</p>"
            : "";
        var paging = pages == 1 ? "" : $"<nav aria-label=\"Pages\"><p>Page {page} of {pages}. {(page > 1 ? $"<a href=\"{PlainPage.Encode(Link(page - 1))}\">Previous</a> " : "")}{(page < pages ? $"<a href=\"{PlainPage.Encode(Link(page + 1))}\">Next</a>" : "")}</p></nav>";
        var body = $"""
            {(query.ContainsKey("trashed") ? "<p role=\"status\">Moved to the Trash.</p>" : "")}
            {(query.ContainsKey("restored") ? "<p role=\"status\">Restored from the Trash.</p>" : "")}
            {(query.ContainsKey("deleted") ? "<p role=\"status\">Deleted permanently.</p>" : "")}
            <p><a href="/admin">Dashboard</a> · <a href="/admin/{path}/new">Add New {(type == PostType.Page ? "Page" : "Post")}</a></p>
            {bulkResult}
            <p>{viewLinks}</p>
            <form method="get" action="/admin/{path}" role="search"><label for="post-search">Search {path}</label> <input id="post-search" name="s" value="{PlainPage.Encode(search)}"> <button type="submit">Search</button></form>
            {filters}
            <table><caption>{(type == PostType.Page ? "Pages" : "Posts")} ({total})</caption><thead><tr><th scope="col">Select</th>{Sortable("title", "Title")}{Sortable("author", "Author")}<th scope="col">Categories</th>{Sortable("date", "Date")}<th scope="col">Actions</th></tr></thead>
            <tbody>{(tableRows.Length == 0 ? $"<tr><td colspan=\"6\">No {path} found.</td></tr>" : tableRows)}</tbody></table>
            {bulkForm}
            {paging}
            """;
        return PlainPage.Result(type == PostType.Page ? "Pages" : "Posts", body);
    }
}
