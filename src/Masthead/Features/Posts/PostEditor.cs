using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>How the editor behaves in the browser.</summary>
public sealed class EditorOptions
{
    /// <summary>How often the editor script autosaves what is typed (and renews the writer's lock on the post).</summary>
    public double AutosaveSeconds { get; set; } = 60;
}

/// <summary>
/// Writing and editing one post or page. The save reads the form into a <see cref="PostChange"/> and hands it to
/// <see cref="PostWriter"/>, which decides everything a save means (who may, the status, cleaning, slug, terms,
/// revision, lock); this file only shows the editor and turns the writer's answer into a page or a redirect.
/// </summary>
public static class PostEditor
{
    public static void MapPostEditor(this IEndpointRouteBuilder app)
    {
        foreach (var (type, capability) in ManagePosts.EditedTypes)
        {
            var path = ManagePosts.PathOf(type);
            app.MapGet($"/admin/{path}/new", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock) =>
                ShowAsync(http, db, antiforgery, reader, clock, type, id: null)).RequireAuthorization(capability);
            app.MapGet($"/admin/{path}/{{id:int}}/edit", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, int id) =>
                ShowAsync(http, db, antiforgery, reader, clock, type, id)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/new", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, PostWriter writer, IFormCollection form) =>
                SaveAsync(http, db, antiforgery, reader, clock, writer, type, id: null, form)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/{{id:int}}/edit", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, PostWriter writer, int id, IFormCollection form) =>
                SaveAsync(http, db, antiforgery, reader, clock, writer, type, id, form)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/{{id:int}}/take-over", (HttpContext http, AppDbContext db, TimeProvider clock, ActivityLog activity, int id, IFormCollection form) =>
                TakeOverAsync(http, db, clock, activity, type, id)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/preview", (HttpContext http, AppDbContext db, TimeProvider clock, IFormCollection form) =>
                PreviewAsync(http, db, clock, type, form)).RequireAuthorization(capability);
        }
        app.MapGet("/admin/editor.js", () => TypedResults.Text(EditorScript.Value, "text/javascript; charset=utf-8"));
    }

    private static readonly Lazy<string> EditorScript = new(() =>
    {
        using var stream = typeof(PostEditor).Assembly.GetManifestResourceStream("Masthead.Features.Posts.editor.js")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// What the form holds, unsaved, drawn by the active theme as readers would see it (cleaned exactly as a save
    /// would clean it, and marked not to be indexed).
    /// </summary>
    private static async Task<IResult> PreviewAsync(HttpContext http, AppDbContext db, TimeProvider clock, PostType type, IFormCollection form)
    {
        var input = EditorInput.FromForm(form);
        if (input.Problems() is { Count: > 0 } problems)
        {
            return PlainPage.Result("Cannot preview", PlainPage.Messages(null, problems, "Fix these first:"), StatusCodes.Status400BadRequest);
        }
        var (html, htmlProblem) = input.StoredHtml(Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.UnfilteredHtml));
        if (htmlProblem is not null)
        {
            return PlainPage.Result("Cannot preview", PlainPage.Messages(null, [htmlProblem], "Fix these first:"), StatusCodes.Status400BadRequest);
        }
        var reader = await ReaderContext.CreateAsync(http, db);
        var date = input.ParsedDate is { } local ? reader.Settings.ToUtc(local) : clock.GetUtcNow().UtcDateTime;
        var tagNames = input.TagNames;
        var tagIds = (await db.FindAsync(Taxonomy.PostTag, tagNames)).Values.ToList();
        var row = new PostRow(0, type, input.Title, Slug.From(input.Slug.Length > 0 ? input.Slug : input.Title), html, input.Excerpt,
            PostPermissions.UserId(http.User) ?? 0, date, 0, input.CommentsOpen ? CommentStatus.Open : CommentStatus.Closed, input.Sticky,
            [.. input.CategoryIds, .. tagIds], Password: "");
        return await ShowPost.RenderAsync(reader, row, preview: true);
    }

    /// <summary>The "you may not" page: the same words whether the post is someone else's, live, or private.</summary>
    internal static IResult Refused(PostType type) =>
        PlainPage.Result("Not allowed", $"<p>You are not allowed to edit this {WpName.Of(type)}.</p><p><a href=\"/admin/{ManagePosts.PathOf(type)}\">Back to the list</a></p>",
            StatusCodes.Status403Forbidden);

    /// <summary>The page for a post that cannot be edited: missing, not yours (or live, or private), or in the trash.</summary>
    internal static IResult Refusal(PostWriteOutcome outcome, PostType type) => outcome switch
    {
        PostWriteOutcome.NotFound => PlainPage.Result("Not found", $"<p>There is no such {WpName.Of(type)}. It may have been deleted.</p><p><a href=\"/admin/{ManagePosts.PathOf(type)}\">Back to the list</a></p>",
            StatusCodes.Status404NotFound),
        PostWriteOutcome.InTrash => PlainPage.Result("In the Trash", $"<p>This {WpName.Of(type)} is in the Trash. Restore it from the list, then edit it.</p><p><a href=\"/admin/{ManagePosts.PathOf(type)}?post_status=trash\">The Trash</a></p>",
            StatusCodes.Status409Conflict),
        _ => Refused(type),
    };

    /// <summary>Loads a post for its editor, or says why it cannot be edited (missing, trashed, not yours), by the writer's rule.</summary>
    internal static async Task<(Post? Post, IResult? Problem)> LoadEditableAsync(HttpContext http, AppDbContext db, PostType type, int id)
    {
        var post = await db.Posts.SingleOrDefaultAsync(p => p.Id == id && p.Type == type);
        if (post is null)
        {
            return (null, Refusal(PostWriteOutcome.NotFound, type));
        }
        return PostWriter.RefusalFor(http.User, post) is { } refusal ? (null, Refusal(refusal, type)) : (post, null);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, PostType type, int? id)
    {
        var (site, _) = await reader.GetAsync(db);
        var now = clock.GetUtcNow().UtcDateTime;
        if (id is null)
        {
            var defaultCategory = await ManageTerms.DefaultCategoryIdAsync(db);
            var blank = new EditorInput
            {
                CategoryIds = defaultCategory > 0 ? [defaultCategory] : [],
                AuthorId = PostPermissions.UserId(http.User),
                CommentsOpen = site.Settings.Discussion.CommentsOpenByDefault,
            };
            return await EditorPage.RenderAsync(http, db, antiforgery, site, type, post: null, blank, errors: [], StatusCodes.Status200OK, now);
        }
        var (post, problem) = await LoadEditableAsync(http, db, type, id.Value);
        if (post is null)
        {
            return problem!;
        }
        var me = PostPermissions.UserId(http.User) ?? 0;
        if (await PostLocks.HolderAsync(db, post.Id, me, now) is { } holder)
        {
            return EditorPage.Locked(http, antiforgery, type, post, holder);
        }
        // A GET changes nothing: the editor script takes the lock with a POST as soon as the page loads (and renews
        // it while open). Without script the lock is simply not taken; saves still refuse while someone else holds it.
        var input = await LoadInputAsync(db, post, site.Settings, now);
        var autosave = await PostRevisions.NewerAutosaveAsync(db, post, me);
        var restoring = autosave is not null && http.Request.Query["autosave"] == "1";
        if (restoring)
        {
            // The form as saved, with the title, text and excerpt the writer's autosave kept.
            var markdown = (await MetaOfAsync(db, autosave!.Id)).GetValueOrDefault(EditorInput.MarkdownMeta);
            input = input with { Title = autosave.Title, Content = markdown ?? autosave.Content, IsMarkdown = markdown is not null, Excerpt = autosave.Excerpt };
        }
        return await EditorPage.RenderAsync(http, db, antiforgery, site, type, post, input, errors: [], StatusCodes.Status200OK, now,
            offerAutosave: autosave is not null && !restoring);
    }

    /// <summary>Takes the post from whoever has it open; their next save or autosave is then refused.</summary>
    private static async Task<IResult> TakeOverAsync(HttpContext http, AppDbContext db, TimeProvider clock, ActivityLog activity, PostType type, int id)
    {
        var (post, problem) = await LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return problem!;
        }
        var me = PostPermissions.UserId(http.User) ?? 0;
        await PostLocks.TakeAsync(db, id, me, clock.GetUtcNow().UtcDateTime);
        await activity.RecordAsync(http, $"took over editing a {WpName.Of(type)}", http.User.Identity?.Name ?? "", me, post.Title);
        return TypedResults.Redirect($"/admin/{ManagePosts.PathOf(type)}/{id}/edit");
    }

    private static async Task<EditorInput> LoadInputAsync(AppDbContext db, Post post, Settings.SiteSettings settings, DateTime now)
    {
        var terms = await db.PostTerms.Where(pt => pt.PostId == post.Id).Select(pt => new { pt.TermId, pt.Term.Taxonomy, pt.Term.Name }).ToListAsync();
        var meta = await MetaOfAsync(db, post.Id);
        var markdown = meta.GetValueOrDefault(EditorInput.MarkdownMeta);
        var input = EditorInput.FromPost(post,
            terms.Where(t => t.Taxonomy == Taxonomy.Category).Select(t => t.TermId),
            terms.Where(t => t.Taxonomy == Taxonomy.PostTag).Select(t => t.Name).Order(StringComparer.CurrentCultureIgnoreCase),
            markdown, settings, now);
        return meta.ContainsKey(EditorInput.PrivateDraftMeta) ? input with { Visibility = Visibility.Private } : input;
    }

    private static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock,
        PostWriter writer, PostType type, int? id, IFormCollection form)
    {
        var (site, _) = await reader.GetAsync(db);
        var now = clock.GetUtcNow().UtcDateTime;
        var me = PostPermissions.UserId(http.User) ?? 0;
        var input = EditorInput.FromForm(form);
        var action = form["action"].ToString() switch { "publish" => PostAction.Publish, "pending" => PostAction.Pending, _ => PostAction.Draft };
        var change = input.ToChange(type, id, action);
        if (input.DateProblem is { } dateProblem)
        {
            // A date that cannot be read is the form's own problem; the rest is the writer's to judge, once the date is fixed.
            var (current, refused) = id is null ? (null, null) : await LoadEditableAsync(http, db, type, id.Value);
            return refused ?? await EditorPage.RenderAsync(http, db, antiforgery, site, type, current, input, [.. change.Problems(), dateProblem],
                StatusCodes.Status400BadRequest, now, current is not null && await PostRevisions.NewerAutosaveAsync(db, current, me) is not null);
        }

        var result = await writer.WriteAsync(change, http.User, http.Connection.RemoteIpAddress?.ToString());
        var post = result.Post;
        async Task<bool> HasNewerAutosaveAsync() => post is not null && await PostRevisions.NewerAutosaveAsync(db, post, me) is not null;
        Task<IResult> Again(IReadOnlyList<string> errors, int status, bool offerAutosave) =>
            EditorPage.RenderAsync(http, db, antiforgery, site, type, post, input, errors, status, now, offerAutosave);
        var noun = WpName.Of(type);
        return result.Outcome switch
        {
            PostWriteOutcome.Saved => TypedResults.Redirect($"/admin/{ManagePosts.PathOf(type)}/{post!.Id}/edit?message={SavedMessage(result)}"),
            PostWriteOutcome.Invalid => await Again(result.Problems, StatusCodes.Status400BadRequest, await HasNewerAutosaveAsync()),
            PostWriteOutcome.HeldByOther => await Again(
                [$"{result.HeldBy} took over this {noun} while you were editing, so your changes were not saved. Copy what you need from below."],
                StatusCodes.Status409Conflict, await HasNewerAutosaveAsync()),
            PostWriteOutcome.TakenWhileSaving => await Again(
                [$"{result.HeldBy} took over this {noun} while you were saving, so your changes were not saved. Copy what you need from below."],
                StatusCodes.Status409Conflict, offerAutosave: false),
            PostWriteOutcome.Conflict => await Again(
                [$"Someone else changed this {noun} at the same moment, so your changes were not saved. Copy what you need from below, then reload."],
                StatusCodes.Status409Conflict, offerAutosave: false),
            var refusal => Refusal(refusal, type),
        };
    }

    /// <summary>The notice the editor shows after a save, by the status the post went to and the one it had.</summary>
    private static string SavedMessage(PostWriteResult result) => result.Post!.Status switch
    {
        PostStatus.Publish when result.WasLive => "updated",
        PostStatus.Publish => "published",
        PostStatus.Future => "scheduled",
        PostStatus.Private => "private",
        PostStatus.Pending => "pending",
        _ => "saved",
    };

    /// <summary>The editor's own post meta (the Markdown source, a private draft's mark) of a post or autosave.</summary>
    private static Task<Dictionary<string, string>> MetaOfAsync(AppDbContext db, int postId) =>
        db.PostMeta.Where(m => m.PostId == postId && (m.Key == EditorInput.MarkdownMeta || m.Key == EditorInput.PrivateDraftMeta))
            .ToDictionaryAsync(m => m.Key, m => m.Value);
}
