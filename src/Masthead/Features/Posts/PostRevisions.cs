using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// Saved versions of a post, kept as WordPress keeps them: child rows of type "revision" holding the title, text and
/// excerpt of each save, plus at most one autosave per writer. The screen compares a revision with the one before
/// it side by side and can bring it back.
/// </summary>
public static class PostRevisions
{
    private const string AutosaveSuffix = "-autosave-v1";

    public static void MapPostRevisions(this RouteGroupBuilder admin)
    {
        foreach (var (type, capability) in ManagePosts.EditedTypes)
        {
            var path = ManagePosts.PathOf(type);
            admin.MapGet($"/{path}/{{id:int}}/revisions", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings, int id) =>
                ShowAsync(http, db, antiforgery, settings, type, id)).RequireAuthorization(capability);
            admin.MapPost($"/{path}/{{id:int}}/revisions/{{revisionId:int}}/restore",
                (HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings, PostWriter writer, int id, int revisionId, IFormCollection form) =>
                    RestoreAsync(http, db, antiforgery, settings, writer, type, id, revisionId)).RequireAuthorization(capability);
            admin.MapPost($"/{path}/{{id:int}}/autosave",
                (HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings, TimeProvider clock, int id, IFormCollection form) =>
                    AutosaveAsync(http, db, antiforgery, settings, clock, type, id, form)).RequireAuthorization(capability);
        }
    }

    private static IQueryable<Post> RevisionsOf(AppDbContext db, int postId) =>
        db.Posts.Where(p => p.ParentId == postId && p.Type == PostType.Revision);

    /// <summary>Keeps the post's title, text and excerpt as a revision when they differ from the last one, and drops the writer's autosave.</summary>
    public static async Task SaveAsync(AppDbContext db, Post post, int writerId, DateTime nowUtc)
    {
        var autosaveSlug = post.Id + AutosaveSuffix;
        var last = await RevisionsOf(db, post.Id).Where(r => r.Slug != autosaveSlug)
            .OrderByDescending(r => r.Id).Select(r => new { r.Title, r.Content, r.Excerpt }).FirstOrDefaultAsync();
        if (last is null || last.Title != post.Title || last.Content != post.Content || last.Excerpt != post.Excerpt)
        {
            db.Posts.Add(new Post
            {
                Type = PostType.Revision,
                Status = PostStatus.Inherit,
                ParentId = post.Id,
                Slug = $"{post.Id}-revision-v1",
                Title = post.Title,
                Content = post.Content,
                Excerpt = post.Excerpt,
                AuthorId = writerId,
                PublishedAtUtc = nowUtc,
                ModifiedAtUtc = nowUtc,
                CommentStatus = CommentStatus.Closed,
            });
        }
        await RevisionsOf(db, post.Id).Where(r => r.Slug == autosaveSlug && r.AuthorId == writerId).ExecuteDeleteAsync();
    }

    /// <summary>How many saved versions the post has, for the editor's Revisions box (autosaves are not counted).</summary>
    public static Task<int> CountAsync(AppDbContext db, int postId)
    {
        var autosaveSlug = postId + AutosaveSuffix;
        return RevisionsOf(db, postId).CountAsync(r => r.Slug != autosaveSlug);
    }

    /// <summary>The writer's autosave of this post, when it is newer than the post itself.</summary>
    public static Task<Post?> NewerAutosaveAsync(AppDbContext db, Post post, int writerId)
    {
        var slug = post.Id + AutosaveSuffix;
        var modified = post.ModifiedAtUtc;
        return RevisionsOf(db, post.Id).AsNoTracking()
            .FirstOrDefaultAsync(r => r.Slug == slug && r.AuthorId == writerId && r.ModifiedAtUtc > modified);
    }

    /// <summary>
    /// Keeps what is in the editor right now as the writer's autosave, without touching the post, and renews the
    /// writer's lock (only that, with <c>lock_only</c>). The script in the editor calls this every minute; it is refused
    /// while someone else holds the post.
    /// </summary>
    private static async Task<IResult> AutosaveAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings,
        TimeProvider clock, PostType type, int id, IFormCollection form)
    {
        var (post, refusal) = await PostEditor.LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return await PostEditor.RefusalAsync(http, db, settings, antiforgery, refusal!.Value, type);
        }
        var me = PostPermissions.UserId(http.User) ?? 0;
        var now = clock.GetUtcNow().UtcDateTime;
        // Checking who holds the post and renewing the writer's lock are one step, so two tabs or two writers opening
        // a free post at once cannot both come away holding it.
        if (await PostLocks.TryTakeAsync(db, id, me, now) is { } holder)
        {
            return TypedResults.Conflict(new { message = $"{holder} is editing this {WpName.Of(type)} now; your changes were not autosaved." });
        }
        if (form.ContainsKey("lock_only"))
        {
            return TypedResults.Ok(new { lockOnly = true });
        }
        var input = EditorInput.FromForm(form);
        if (input.Title.Length > Post.MaxTitleLength || input.Content.Length > Post.MaxContentLength || input.Excerpt.Length > Post.MaxContentLength)
        {
            return TypedResults.BadRequest(new { message = "Too long to autosave; shorten it, then save." });
        }
        var (html, htmlProblem) = input.StoredHtml(Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.UnfilteredHtml));
        if (htmlProblem is not null)
        {
            return TypedResults.BadRequest(new { message = $"Not autosaved. {htmlProblem}" });
        }
        var slug = id + AutosaveSuffix;
        await using var transaction = await db.Database.BeginTransactionAsync();
        var autosave = await RevisionsOf(db, id).FirstOrDefaultAsync(r => r.Slug == slug && r.AuthorId == me);
        if (autosave is null)
        {
            autosave = new Post { Type = PostType.Revision, Status = PostStatus.Inherit, ParentId = id, Slug = slug, AuthorId = me, PublishedAtUtc = now, CommentStatus = CommentStatus.Closed };
            db.Posts.Add(autosave);
        }
        // Stored as a post is (HTML, cleaned for writers without unfiltered_html, with any Markdown source beside it),
        // so the editor brings it back the same way it opens a post.
        autosave.Title = input.Title;
        autosave.Content = html;
        autosave.Excerpt = input.Excerpt;
        autosave.ModifiedAtUtc = now;
        await db.SaveChangesAsync();
        await db.SetPostMetaAsync(autosave.Id, EditorInput.MarkdownMeta, input.IsMarkdown ? input.Content : null);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return TypedResults.Ok(new { savedAt = now });
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settingsCache, PostType type, int id)
    {
        var (post, refusal) = await PostEditor.LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return await PostEditor.RefusalAsync(http, db, settingsCache, antiforgery, refusal!.Value, type);
        }
        var settings = await settingsCache.GetAsync(db);
        var autosaveSlug = id + AutosaveSuffix;
        var revisions = await RevisionsOf(db, id).AsNoTracking().Where(r => r.Slug != autosaveSlug)
            .OrderByDescending(r => r.Id)
            .Select(r => new { r.Id, r.Title, r.Content, r.Excerpt, r.ModifiedAtUtc, Author = db.Users.Where(u => u.Id == r.AuthorId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync();
        var chrome = await AdminChrome.ForAsync(http, db, settingsCache, antiforgery);
        var path = ManagePosts.PathOf(type);
        var postTitle = post.Title.Length == 0 ? "(no title)" : post.Title;
        if (revisions.Count == 0)
        {
            return AdminFeature.Screen<RevisionsScreen>(new RevisionsModel(chrome, path, id, postTitle, WpName.Of(type), [], null, null, []));
        }
        var selected = int.TryParse(http.Request.Query["revision"], out var wanted) && revisions.FindIndex(r => r.Id == wanted) is >= 0 and var found ? found : 0;
        var right = revisions[selected];
        var left = selected + 1 < revisions.Count ? revisions[selected + 1] : null;
        string When(DateTime utc) => PhpDateFormat.Format(settings.ToLocal(utc), $"{settings.DateFormat} {settings.TimeFormat}");
        var entries = revisions.Select((r, i) => new RevisionEntry(r.Id, When(r.ModifiedAtUtc), r.Author ?? "", IsCurrent: i == 0, IsSelected: i == selected)).ToList();
        return AdminFeature.Screen<RevisionsScreen>(new RevisionsModel(chrome, path, id, postTitle, WpName.Of(type), entries,
            left is null ? null : entries[selected + 1], entries[selected],
            [Compare("Title", left?.Title ?? "", right.Title), Compare("Content", left?.Content ?? "", right.Content), Compare("Excerpt", left?.Excerpt ?? "", right.Excerpt)]));
    }

    /// <summary>One field's comparison: removed lines on the left, added on the right, unchanged on both; no rows when nothing changed.</summary>
    private static FieldDiff Compare(string field, string before, string after) =>
        new(field, before == after ? [] : TextDiff.Lines(before, after));

    private static async Task<IResult> RestoreAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings,
        PostWriter writer, PostType type, int id, int revisionId)
    {
        var (post, refusal) = await PostEditor.LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return await PostEditor.RefusalAsync(http, db, settings, antiforgery, refusal!.Value, type);
        }
        var revision = await RevisionsOf(db, id).AsNoTracking().SingleOrDefaultAsync(r => r.Id == revisionId && r.Slug != id + AutosaveSuffix);
        if (revision is null)
        {
            return TypedResults.NotFound();
        }
        // Restoring is saving the old text (as HTML, which revisions hold): an editor's revision may hold HTML an author
        // is not trusted with, so it is cleaned alike, and what is stored must fit as a save's must.
        var result = await writer.WriteAsync(new PostChange
        {
            Id = id,
            Type = type,
            Title = revision.Title,
            Content = revision.Content,
            Excerpt = revision.Excerpt,
            TakesLock = true,
            ActivityAction = $"restored a revision of a {WpName.Of(type)}",
        }, http.User, http.Connection.RemoteIpAddress?.ToString());
        var noun = WpName.Of(type);
        var back = ("Back to the revisions", $"/admin/{ManagePosts.PathOf(type)}/{id}/revisions");
        return result.Outcome switch
        {
            PostWriteOutcome.Saved => TypedResults.Redirect($"/admin/{ManagePosts.PathOf(type)}/{id}/edit?message=restored"),
            PostWriteOutcome.HeldByOther or PostWriteOutcome.TakenWhileSaving => await PostEditor.MessageAsync(http, db, settings, antiforgery,
                $"This {noun} is being edited", [$"{result.HeldBy} is editing this {noun} now; restore the revision when they are done."], back,
                StatusCodes.Status409Conflict),
            PostWriteOutcome.Invalid => await PostEditor.MessageAsync(http, db, settings, antiforgery, "Too long to restore",
                [$"{string.Join(" ", result.Problems.Select(p => p.Message))} Nothing was changed. Open the editor and copy what you need from it instead."], back,
                StatusCodes.Status400BadRequest),
            PostWriteOutcome.Conflict => await PostEditor.MessageAsync(http, db, settings, antiforgery, "Changed at the same moment",
                [$"Someone else changed this {noun} at the same moment, so nothing was done."], back, StatusCodes.Status409Conflict),
            _ => await PostEditor.RefusalAsync(http, db, settings, antiforgery, result.Outcome, type),
        };
    }
}

/// <summary>One saved version in the revisions list.</summary>
public sealed record RevisionEntry(int Id, string When, string Author, bool IsCurrent, bool IsSelected);

/// <summary>One field of the comparison; no rows when it did not change.</summary>
public sealed record FieldDiff(string Field, IReadOnlyList<DiffRow> Rows)
{
    public bool Unchanged => Rows.Count == 0;
}

/// <summary>The revisions screen: every saved version, and the chosen one compared with the one before it.</summary>
public sealed record RevisionsModel(AdminChrome Chrome, string Path, int PostId, string PostTitle, string Noun,
    IReadOnlyList<RevisionEntry> Revisions, RevisionEntry? Left, RevisionEntry? Right, IReadOnlyList<FieldDiff> Fields)
{
    public string RevisionUrl(int revisionId) => $"/admin/{Path}/{PostId}/revisions?revision={revisionId}";
}
