using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Masthead.Hosting;
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

    public static void MapPostRevisions(this IEndpointRouteBuilder app)
    {
        foreach (var (type, capability) in ManagePosts.EditedTypes)
        {
            var path = ManagePosts.PathOf(type);
            app.MapGet($"/admin/{path}/{{id:int}}/revisions", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSettingsCache settings, int id) =>
                ShowAsync(http, db, antiforgery, settings, type, id)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/{{id:int}}/revisions/{{revisionId:int}}/restore", (HttpContext http, AppDbContext db, PostWriter writer, int id, int revisionId, IFormCollection form) =>
                RestoreAsync(http, db, writer, type, id, revisionId)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/{{id:int}}/autosave", (HttpContext http, AppDbContext db, TimeProvider clock, int id, IFormCollection form) =>
                AutosaveAsync(http, db, clock, type, id, form)).RequireAuthorization(capability);
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
    private static async Task<IResult> AutosaveAsync(HttpContext http, AppDbContext db, TimeProvider clock, PostType type, int id, IFormCollection form)
    {
        var (post, problem) = await PostEditor.LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return problem!;
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
        var (post, problem) = await PostEditor.LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return problem!;
        }
        var settings = await settingsCache.GetAsync(db);
        var autosaveSlug = id + AutosaveSuffix;
        var revisions = await RevisionsOf(db, id).AsNoTracking().Where(r => r.Slug != autosaveSlug)
            .OrderByDescending(r => r.Id)
            .Select(r => new { r.Id, r.Title, r.Content, r.Excerpt, r.ModifiedAtUtc, Author = db.Users.Where(u => u.Id == r.AuthorId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync();
        var path = ManagePosts.PathOf(type);
        var back = $"<p><a href=\"/admin/{path}/{id}/edit\">Back to the editor</a></p>";
        if (revisions.Count == 0)
        {
            return PlainPage.Result("Revisions", $"<p>No revisions yet: one is kept each time the {WpName.Of(type)} is saved.</p>{back}");
        }
        var selected = int.TryParse(http.Request.Query["revision"], out var wanted) && revisions.FindIndex(r => r.Id == wanted) is >= 0 and var found ? found : 0;
        var right = revisions[selected];
        var left = selected + 1 < revisions.Count ? revisions[selected + 1] : null;
        string When(DateTime utc) => PhpDateFormat.Format(settings.ToLocal(utc), $"{settings.DateFormat} {settings.TimeFormat}");

        var list = string.Concat(revisions.Select((r, i) =>
            $"<li>{(i == selected ? "<strong>" : $"<a href=\"/admin/{path}/{id}/revisions?revision={r.Id}\">")}{PlainPage.Encode(When(r.ModifiedAtUtc))} by {PlainPage.Encode(r.Author)}{(i == 0 ? " (current)" : "")}{(i == selected ? "</strong>" : "</a>")}</li>"));
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var restore = selected == 0 ? "<p>This is the current revision.</p>" : $"""
            <form method="post" action="/admin/{path}/{id}/revisions/{right.Id}/restore">{token}<button type="submit">Restore This Revision</button></form>
            """;
        var body = $"""
            <p>Comparing {(left is null ? "the first revision with nothing before it" : $"{PlainPage.Encode(When(left.ModifiedAtUtc))} (by {PlainPage.Encode(left.Author)})")} and {PlainPage.Encode(When(right.ModifiedAtUtc))} (by {PlainPage.Encode(right.Author)}).</p>
            {restore}
            {Compare("Title", left?.Title ?? "", right.Title)}
            {Compare("Content", left?.Content ?? "", right.Content)}
            {Compare("Excerpt", left?.Excerpt ?? "", right.Excerpt)}
            <h2>All revisions</h2><ol reversed>{list}</ol>
            {back}
            """;
        return PlainPage.Result($"Compare Revisions of “{(post.Title.Length == 0 ? "(no title)" : post.Title)}”", body);
    }

    /// <summary>A side-by-side table of one field: removed lines on the left, added on the right, unchanged on both.</summary>
    private static string Compare(string field, string before, string after)
    {
        if (before == after)
        {
            return $"<h2>{field}</h2><p>No change.</p>";
        }
        var rows = string.Concat(TextDiff.Lines(before, after).Select(row => row.Unchanged
            ? $"<tr><td>{PlainPage.Encode(row.Left)}</td><td>{PlainPage.Encode(row.Right)}</td></tr>"
            : $"<tr><td>{(row.Left is null ? "" : $"<del>{PlainPage.Encode(row.Left)}</del>")}</td><td>{(row.Right is null ? "" : $"<ins>{PlainPage.Encode(row.Right)}</ins>")}</td></tr>"));
        return $"""
            <h2>{field}</h2>
            <table class="diff"><thead><tr><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>{rows}</tbody></table>
            """;
    }

    private static async Task<IResult> RestoreAsync(HttpContext http, AppDbContext db, PostWriter writer, PostType type, int id, int revisionId)
    {
        var (post, problem) = await PostEditor.LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return problem!;
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
        var back = $"<p><a href=\"/admin/{ManagePosts.PathOf(type)}/{id}/revisions\">Back to the revisions</a></p>";
        return result.Outcome switch
        {
            PostWriteOutcome.Saved => TypedResults.Redirect($"/admin/{ManagePosts.PathOf(type)}/{id}/edit?message=restored"),
            PostWriteOutcome.HeldByOther or PostWriteOutcome.TakenWhileSaving => PlainPage.Result("This post is being edited",
                $"<p role=\"alert\">{PlainPage.Encode(result.HeldBy)} is editing this {WpName.Of(type)} now; restore the revision when they are done.</p>{back}",
                StatusCodes.Status409Conflict),
            PostWriteOutcome.Invalid => PlainPage.Result("Too long to restore",
                $"<p role=\"alert\">{PlainPage.Encode(string.Join(" ", result.Problems))} Nothing was changed. Open the editor and copy what you need from it instead.</p>{back}",
                StatusCodes.Status400BadRequest),
            PostWriteOutcome.Conflict => PlainPage.Result("Changed at the same moment",
                $"<p role=\"alert\">Someone else changed this {WpName.Of(type)} at the same moment, so nothing was done.</p>{back}", StatusCodes.Status409Conflict),
            var refusal => PostEditor.Refusal(refusal, type),
        };
    }
}
