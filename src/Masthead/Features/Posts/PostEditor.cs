using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
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
    public static void MapPostEditor(this RouteGroupBuilder admin)
    {
        foreach (var (type, capability) in ManagePosts.EditedTypes)
        {
            var path = ManagePosts.PathOf(type);
            admin.MapGet($"/{path}/new",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock) =>
                    ShowAsync(http, db, settings, antiforgery, reader, clock, type, id: null)).RequireAuthorization(capability);
            admin.MapGet($"/{path}/{{id:int}}/edit",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, int id) =>
                    ShowAsync(http, db, settings, antiforgery, reader, clock, type, id)).RequireAuthorization(capability);
            admin.MapPost($"/{path}/new",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, PostWriter writer, IFormCollection form) =>
                    SaveAsync(http, db, settings, antiforgery, reader, clock, writer, type, id: null, form)).RequireAuthorization(capability);
            admin.MapPost($"/{path}/{{id:int}}/edit",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, PostWriter writer, int id, IFormCollection form) =>
                    SaveAsync(http, db, settings, antiforgery, reader, clock, writer, type, id, form)).RequireAuthorization(capability);
            admin.MapPost($"/{path}/{{id:int}}/take-over",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, TimeProvider clock, ActivityLog activity, int id, IFormCollection form) =>
                    TakeOverAsync(http, db, settings, antiforgery, clock, activity, type, id)).RequireAuthorization(capability);
            admin.MapGet($"/{path}/{{id:int}}/preview",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, int id) =>
                    PreviewSavedAsync(http, db, settings, antiforgery, type, id)).RequireAuthorization(capability);
            admin.MapPost($"/{path}/preview",
                (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, TimeProvider clock, IFormCollection form) =>
                    PreviewAsync(http, db, settings, antiforgery, clock, type, form)).RequireAuthorization(capability);
        }
    }

    /// <summary>
    /// What the form holds, unsaved, drawn by the active theme as readers would see it (cleaned exactly as a save
    /// would clean it, and marked not to be indexed).
    /// </summary>
    private static async Task<IResult> PreviewAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        TimeProvider clock, PostType type, IFormCollection form)
    {
        var input = EditorInput.FromForm(form);
        List<PostProblem> problems = [.. input.Problems()];
        var (html, htmlProblem) = problems.Count > 0 ? ("", null) : input.StoredHtml(Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.UnfilteredHtml));
        if (htmlProblem is not null)
        {
            problems.Add(new(PostFields.Content, htmlProblem));
        }
        if (problems.Count > 0)
        {
            // The preview opened in a tab of its own; the form, with everything typed, is still in the editor's tab.
            return await MessageAsync(http, db, settings, antiforgery, "Cannot preview", [.. problems.Select(p => p.Message)],
                ("Close this tab and fix these in the editor, or go to the list", $"/admin/{ManagePosts.PathOf(type)}"), StatusCodes.Status400BadRequest);
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

    /// <summary>
    /// A saved draft, pending or scheduled post as readers will see it once published (the list's Preview), for whoever
    /// may edit it; marked not to be indexed and drawn without comments, as the editor's preview is.
    /// </summary>
    private static async Task<IResult> PreviewSavedAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        PostType type, int id)
    {
        var (post, refusal) = await LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return await RefusalAsync(http, db, settings, antiforgery, refusal!.Value, type);
        }
        var row = await db.Posts.AsNoTracking().Where(p => p.Id == post.Id).Select(PostCards.Row).SingleAsync();
        // The password is not asked of the writer previewing their own post.
        return await ShowPost.RenderAsync(await ReaderContext.CreateAsync(http, db), row with { Password = "" }, preview: true);
    }

    /// <summary>A message about a post inside the admin shell (why it cannot be edited, previewed or restored), with the way back.</summary>
    internal static async Task<IResult> MessageAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        string title, IReadOnlyList<string> messages, (string Label, string Href) back, int statusCode) =>
        AdminFeature.Screen<PostMessageScreen>(
            new PostMessage(await AdminChrome.ForAsync(http, db, settings, antiforgery), title, messages, back.Href, back.Label), statusCode);

    /// <summary>
    /// The page for a post that cannot be edited: missing, not yours (or live, or private), or in the trash. The "you may
    /// not" page says the same whether the post is someone else's, live, or private.
    /// </summary>
    internal static Task<IResult> RefusalAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        PostWriteOutcome outcome, PostType type)
    {
        var noun = WpName.Of(type);
        var list = $"/admin/{ManagePosts.PathOf(type)}";
        return outcome switch
        {
            PostWriteOutcome.NotFound => MessageAsync(http, db, settings, antiforgery, "Not found",
                [$"There is no such {noun}. It may have been deleted."], ("Back to the list", list), StatusCodes.Status404NotFound),
            PostWriteOutcome.InTrash => MessageAsync(http, db, settings, antiforgery, "In the Trash",
                [$"This {noun} is in the Trash. Restore it from the list, then edit it."], ("The Trash", list + "?post_status=trash"), StatusCodes.Status409Conflict),
            _ => MessageAsync(http, db, settings, antiforgery, "Not allowed",
                [$"You are not allowed to edit this {noun}."], ("Back to the list", list), StatusCodes.Status403Forbidden),
        };
    }

    /// <summary>Loads a post for its editor, or says why it cannot be edited (missing, trashed, not yours), by the writer's rule.</summary>
    internal static async Task<(Post? Post, PostWriteOutcome? Refusal)> LoadEditableAsync(HttpContext http, AppDbContext db, PostType type, int id)
    {
        var post = await db.Posts.SingleOrDefaultAsync(p => p.Id == id && p.Type == type);
        if (post is null)
        {
            return (null, PostWriteOutcome.NotFound);
        }
        return PostWriter.RefusalFor(http.User, post) is { } refusal ? (null, refusal) : (post, null);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        ReaderStateCache reader, TimeProvider clock, PostType type, int? id)
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
            return await EditorScreenBuilder.RenderAsync(http, db, await AdminChrome.ForAsync(http, db, settings, antiforgery), site, type,
                post: null, blank, errors: [], StatusCodes.Status200OK, now);
        }
        var (post, refusal) = await LoadEditableAsync(http, db, type, id.Value);
        if (post is null)
        {
            return await RefusalAsync(http, db, settings, antiforgery, refusal!.Value, type);
        }
        var me = PostPermissions.UserId(http.User) ?? 0;
        var chrome = await AdminChrome.ForAsync(http, db, settings, antiforgery);
        if (await PostLocks.HolderAsync(db, post.Id, me, now) is { } holder)
        {
            return AdminFeature.Screen<EditorLockedScreen>(
                new EditorLock(chrome, ManagePosts.PathOf(type), WpName.Of(type), post.Id, post.Title, holder), StatusCodes.Status409Conflict);
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
        return await EditorScreenBuilder.RenderAsync(http, db, chrome, site, type, post, input, errors: [], StatusCodes.Status200OK, now,
            offerAutosave: autosave is not null && !restoring);
    }

    /// <summary>Takes the post from whoever has it open; their next save or autosave is then refused.</summary>
    private static async Task<IResult> TakeOverAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        TimeProvider clock, ActivityLog activity, PostType type, int id)
    {
        var (post, refusal) = await LoadEditableAsync(http, db, type, id);
        if (post is null)
        {
            return await RefusalAsync(http, db, settings, antiforgery, refusal!.Value, type);
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

    private static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        ReaderStateCache reader, TimeProvider clock, PostWriter writer, PostType type, int? id, IFormCollection form)
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
            if (refused is { } refusal)
            {
                return await RefusalAsync(http, db, settings, antiforgery, refusal, type);
            }
            return await EditorScreenBuilder.RenderAsync(http, db, await AdminChrome.ForAsync(http, db, settings, antiforgery), site, type, current, input,
                [.. change.Problems(), dateProblem], StatusCodes.Status400BadRequest, now,
                current is not null && await PostRevisions.NewerAutosaveAsync(db, current, me) is not null);
        }

        var result = await writer.WriteAsync(change, http.User, http.Connection.RemoteIpAddress?.ToString());
        var post = result.Post;
        async Task<bool> HasNewerAutosaveAsync() => post is not null && await PostRevisions.NewerAutosaveAsync(db, post, me) is not null;
        async Task<IResult> Again(IReadOnlyList<PostProblem> errors, int status, bool offerAutosave) =>
            await EditorScreenBuilder.RenderAsync(http, db, await AdminChrome.ForAsync(http, db, settings, antiforgery), site, type, post, input,
                errors, status, now, offerAutosave);
        var noun = WpName.Of(type);
        return result.Outcome switch
        {
            PostWriteOutcome.Saved => TypedResults.Redirect($"/admin/{ManagePosts.PathOf(type)}/{post!.Id}/edit?message={SavedMessage(result)}"),
            PostWriteOutcome.Invalid => await Again(result.Problems, StatusCodes.Status400BadRequest, await HasNewerAutosaveAsync()),
            PostWriteOutcome.HeldByOther => await Again(
                [Whole($"{result.HeldBy} took over this {noun} while you were editing, so your changes were not saved. Copy what you need from below.")],
                StatusCodes.Status409Conflict, await HasNewerAutosaveAsync()),
            PostWriteOutcome.TakenWhileSaving => await Again(
                [Whole($"{result.HeldBy} took over this {noun} while you were saving, so your changes were not saved. Copy what you need from below.")],
                StatusCodes.Status409Conflict, offerAutosave: false),
            PostWriteOutcome.Conflict => await Again(
                [Whole($"Someone else changed this {noun} at the same moment, so your changes were not saved. Copy what you need from below, then reload.")],
                StatusCodes.Status409Conflict, offerAutosave: false),
            var refusal => await RefusalAsync(http, db, settings, antiforgery, refusal, type),
        };
    }

    /// <summary>A problem with the save as a whole rather than with one field.</summary>
    private static PostProblem Whole(string message) => new("", message);

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

/// <summary>A message about a post inside the admin shell, and the link back.</summary>
public sealed record PostMessage(AdminChrome Chrome, string Title, IReadOnlyList<string> Messages, string BackHref, string BackLabel);

/// <summary>Who holds a post the writer opened, for the "being edited" screen.</summary>
public sealed record EditorLock(AdminChrome Chrome, string Path, string Noun, int PostId, string PostTitle, string Holder);
