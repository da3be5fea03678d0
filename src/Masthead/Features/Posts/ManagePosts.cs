using System.Globalization;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// The Posts and Pages screens: status views with counts (All, Mine, Published, Scheduled, Drafts, Pending, Private, Trash),
/// search, category and month filters, pages of 20, and the trash, restore, delete-permanently and bulk actions, each
/// carried out (and checked against the post's owner and status) by <see cref="PostWriter"/>. Titles lead to the editor.
/// </summary>
public static partial class ManagePosts
{
    public const int PerPage = 20;

    /// <summary>How many posts one bulk action may touch; a page shows 20, so this only stops abuse.</summary>
    private const int MaxBulk = 200;

    /// <summary>The status links, in WordPress's order, each with what a row in that status is marked ("— Draft").</summary>
    private static readonly (string Key, string Label, PostStatus? Status, string State)[] Views =
    [
        ("all", "All", null, ""), ("publish", "Published", PostStatus.Publish, ""), ("future", "Scheduled", PostStatus.Future, "Scheduled"),
        ("draft", "Drafts", PostStatus.Draft, "Draft"), ("pending", "Pending", PostStatus.Pending, "Pending"),
        ("private", "Private", PostStatus.Private, "Private"), ("trash", "Trash", PostStatus.Trash, ""),
    ];

    /// <summary>The types the admin edits, each with the capability its screens need.</summary>
    internal static readonly (PostType Type, string Capability)[] EditedTypes =
        [(PostType.Post, Capabilities.EditPosts), (PostType.Page, Capabilities.EditPages)];

    /// <summary>The admin path segment of a type: <c>/admin/posts</c>, <c>/admin/pages</c>.</summary>
    internal static string PathOf(PostType type) => type == PostType.Page ? "pages" : "posts";

    public static void MapManagePosts(this RouteGroupBuilder admin)
    {
        foreach (var (type, capability) in EditedTypes)
        {
            var path = PathOf(type);
            admin.MapGet($"/{path}", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache readerState, PostCountsCache counts,
                SiteSettingsCache settings) => ListAsync(http, db, antiforgery, readerState, counts, settings, type)).RequireAuthorization(capability);
            foreach (var (verb, change) in new[] { ("trash", Change.Trash), ("restore", Change.Restore), ("delete", Change.Delete) })
            {
                admin.MapPost($"/{path}/{{id:int}}/{verb}", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings,
                    PostWriter writer, int id, IFormCollection form) =>
                    ChangeAsync(http, db, antiforgery, settings, writer, type, id, change)).RequireAuthorization(capability);
            }
            admin.MapPost($"/{path}/bulk", (HttpContext http, AppDbContext db, PostWriter writer, ActivityLog activity, IFormCollection form) =>
                BulkAsync(http, db, writer, activity, type, form)).RequireAuthorization(capability);
        }
    }

    private enum Change { Trash, Restore, Delete }

    private static async Task<IResult> ChangeAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings,
        PostWriter writer, PostType type, int id, Change change)
    {
        var address = http.Connection.RemoteIpAddress?.ToString();
        var result = change == Change.Delete
            ? await writer.DeleteAsync(type, id, http.User, address)
            : await writer.WriteAsync(new PostChange { Id = id, Type = type, Action = change == Change.Trash ? PostAction.Trash : PostAction.Restore }, http.User, address);
        return result.Outcome switch
        {
            PostWriteOutcome.Saved or PostWriteOutcome.AlreadyDone => TypedResults.Redirect(change switch
            {
                Change.Trash => string.Create(CultureInfo.InvariantCulture, $"/admin/{PathOf(type)}?trashed=1&ids={id}"),
                Change.Restore => $"/admin/{PathOf(type)}?post_status=trash&restored=1",
                _ => $"/admin/{PathOf(type)}?post_status=trash&deleted=1",
            }),
            PostWriteOutcome.NotFound => TypedResults.NotFound(),
            PostWriteOutcome.Conflict => await RefusedAsync(http, db, antiforgery, settings, type, "Changed at the same moment",
                $"Someone else changed this {WpName.Of(type)} at the same moment, so nothing was done.", StatusCodes.Status409Conflict),
            _ => await RefusedAsync(http, db, antiforgery, settings, type, "Not allowed",
                $"You are not allowed to do that to this {WpName.Of(type)}.", StatusCodes.Status403Forbidden),
        };
    }

    /// <summary>
    /// One action on every ticked post: each goes through the post writer on its own (and is checked on its own), the
    /// allowed ones change together in one transaction, and the answer says how many were changed and how many not.
    /// </summary>
    private static async Task<IResult> BulkAsync(HttpContext http, AppDbContext db, PostWriter writer, ActivityLog activity, PostType type, IFormCollection form)
    {
        var path = PathOf(type);
        var ids = BulkChoice.Ids(form, "post[]", MaxBulk);
        var action = BulkChoice.Action(form);
        var fromTrash = action is "restore" or "delete" && form["undo"] != "1";
        if (ids.Count == 0 || action.Length == 0)
        {
            return TypedResults.Redirect($"/admin/{path}?{(fromTrash ? "post_status=trash&" : "")}bulk=none");
        }
        var address = http.Connection.RemoteIpAddress?.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var posts = await db.Posts.Where(p => ids.Contains(p.Id) && p.Type == type).Select(p => new { p.Id, p.Status }).ToListAsync();
        // "Add to category" names its category in a select of its own beside the action.
        int? categoryId = action == "category" && int.TryParse(form["bulk_category"], NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && type == PostType.Post && await db.Terms.AnyAsync(t => t.Id == c && t.Taxonomy == Taxonomies.Taxonomy.Category) ? c : null;
        var changed = new List<int>();
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
            if (result?.Saved == true)
            {
                changed.Add(post.Id);
            }
        }
        try
        {
            await transaction.CommitAsync();
        }
        catch (DbUpdateException conflict) when (conflict.IsConflict())
        {
            return TypedResults.Redirect($"/admin/{path}?bulk=conflict");
        }
        if (changed.Count > 0)
        {
            await activity.RecordAsync(http, $"changed {changed.Count} {path} at once", http.User.Identity?.Name ?? "", PostPermissions.UserId(http.User), action);
        }
        var skipped = ids.Count - changed.Count;
        var view = fromTrash ? "post_status=trash&" : "";
        var skippedPart = skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $"&skipped={skipped}") : "";
        return TypedResults.Redirect((action, changed.Count, skipped) switch
        {
            // Trashed posts come back with the notice's Undo, so the address carries which ones they were.
            ("trash", > 0, _) => FormattableString.Invariant($"/admin/{path}?trashed={changed.Count}&ids={string.Join(',', changed)}{skippedPart}"),
            ("restore", > 0, 0) => FormattableString.Invariant($"/admin/{path}?{view}restored={changed.Count}"),
            ("delete", > 0, 0) => FormattableString.Invariant($"/admin/{path}?{view}deleted={changed.Count}"),
            _ => FormattableString.Invariant($"/admin/{path}?{view}bulk=done&changed={changed.Count}&skipped={skipped}"),
        });
    }

    private static async Task<IResult> RefusedAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings,
        PostType type, string title, string message, int status) =>
        AdminFeature.Screen<PostRefusedScreen>(new PostRefusedModel(await AdminChrome.ForAsync(http, db, settings, antiforgery), title, message,
            $"/admin/{PathOf(type)}"), status);

    /// <summary>Why an action on one post did nothing, and the way back to its list.</summary>
    public sealed record PostRefusedModel(AdminChrome Chrome, string Title, string Message, string BackHref);
}
