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
/// Writing and editing one post or page: every save is checked against the post's owner and status, cleaned of
/// unsafe HTML for writers without <c>unfiltered_html</c>, kept as a revision, and written in one transaction.
/// A writer who may not publish gets "Submit for Review" instead, whatever the form says.
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
            app.MapPost($"/admin/{path}/new", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, ActivityLog activity, IFormCollection form) =>
                SaveAsync(http, db, antiforgery, reader, clock, activity, type, id: null, form)).RequireAuthorization(capability);
            app.MapPost($"/admin/{path}/{{id:int}}/edit", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ReaderStateCache reader, TimeProvider clock, ActivityLog activity, int id, IFormCollection form) =>
                SaveAsync(http, db, antiforgery, reader, clock, activity, type, id, form)).RequireAuthorization(capability);
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

    /// <summary>Loads a post for its editor, or says why it cannot be edited (missing, trashed, not yours).</summary>
    internal static async Task<(Post? Post, IResult? Problem)> LoadEditableAsync(HttpContext http, AppDbContext db, PostType type, int id)
    {
        var post = await db.Posts.SingleOrDefaultAsync(p => p.Id == id && p.Type == type);
        if (post is null)
        {
            return (null, PlainPage.Result("Not found", $"<p>There is no such {WpName.Of(type)}. It may have been deleted.</p><p><a href=\"/admin/{ManagePosts.PathOf(type)}\">Back to the list</a></p>",
                StatusCodes.Status404NotFound));
        }
        if (!PostPermissions.CanEdit(http.User, post.AuthorId, type, post.Status))
        {
            return (null, Refused(type));
        }
        if (post.Status == PostStatus.Trash)
        {
            return (null, PlainPage.Result("In the Trash", $"<p>This {WpName.Of(type)} is in the Trash. Restore it from the list, then edit it.</p><p><a href=\"/admin/{ManagePosts.PathOf(type)}?post_status=trash\">The Trash</a></p>",
                StatusCodes.Status409Conflict));
        }
        return (post, null);
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
        ActivityLog activity, PostType type, int? id, IFormCollection form)
    {
        var (site, _) = await reader.GetAsync(db);
        var now = clock.GetUtcNow().UtcDateTime;
        var me = PostPermissions.UserId(http.User) ?? 0;
        Post? post = null;
        if (id is not null)
        {
            (post, var problem) = await LoadEditableAsync(http, db, type, id.Value);
            if (post is null)
            {
                return problem!;
            }
        }
        var input = EditorInput.FromForm(form);
        async Task<bool> HasNewerAutosaveAsync() => post is not null && await PostRevisions.NewerAutosaveAsync(db, post, me) is not null;
        if (post is not null && await PostLocks.HolderAsync(db, post.Id, me, now) is { } holder)
        {
            // Someone took the post over while this form was open; saving would silently undo their work.
            return await EditorPage.RenderAsync(http, db, antiforgery, site, type, post, input,
                [$"{holder} took over this {WpName.Of(type)} while you were editing, so your changes were not saved. Copy what you need from below."],
                StatusCodes.Status409Conflict, now, await HasNewerAutosaveAsync());
        }
        var action = form["action"].ToString();
        var canPublish = PostPermissions.CanPublish(http.User, type);
        var canEditOthers = PostPermissions.CanEditOthers(http.User, type);
        var canManageCategories = Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.ManageCategories);
        List<string> errors = [.. input.Problems()];
        var (html, htmlProblem) = errors.Count > 0 ? ("", null)
            : input.StoredHtml(Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.UnfilteredHtml));
        if (htmlProblem is not null)
        {
            errors.Add(htmlProblem);
        }
        if (input.Visibility == Visibility.Private && !canPublish && action == "publish")
        {
            errors.Add($"Only someone who may publish can make a {WpName.Of(type)} private.");
        }
        if (input.NewCategory.Length > 0 && !canManageCategories)
        {
            errors.Add("You are not allowed to add categories; choose from the list.");
        }
        var authorId = post?.AuthorId ?? me;
        if (canEditOthers && input.AuthorId is { } chosen && chosen != authorId)
        {
            var role = await db.Users.Where(u => u.Id == chosen).Select(u => u.Role).SingleOrDefaultAsync();
            if (Roles.Can(role, type == PostType.Page ? Capabilities.EditPages : Capabilities.EditPosts))
            {
                authorId = chosen;
            }
            else
            {
                errors.Add("The chosen author cannot write; choose someone from the list.");
            }
        }
        int? parentId = null;
        if (type == PostType.Page && input.ParentId is { } parent)
        {
            parentId = await IsValidParentAsync(db, parent, post?.Id) ? parent : null;
            if (parentId is null)
            {
                errors.Add("The parent page does not exist, or is this page or one of its children.");
            }
        }
        if (errors.Count > 0)
        {
            return await EditorPage.RenderAsync(http, db, antiforgery, site, type, post, input, errors, StatusCodes.Status400BadRequest, now, await HasNewerAutosaveAsync());
        }

        var wasLive = post?.Status is PostStatus.Publish or PostStatus.Future or PostStatus.Private;
        var chosenDate = input.ParsedDate is { } local ? site.Settings.ToUtc(local) : (DateTime?)null;
        var status = action switch
        {
            "publish" when !canPublish => PostStatus.Pending,
            "publish" when input.Visibility == Visibility.Private => PostStatus.Private,
            "publish" => (chosenDate ?? (wasLive ? post!.PublishedAtUtc : now)) > now ? PostStatus.Future : PostStatus.Publish,
            "pending" => PostStatus.Pending,
            _ => PostStatus.Draft,
        };
        var publishedAt = status is PostStatus.Publish or PostStatus.Future or PostStatus.Private
            ? chosenDate ?? (wasLive ? post!.PublishedAtUtc : now)
            : chosenDate ?? now;

        // Tags are found or made before the transaction: that work grows with the list, and must not hold the write
        // lock that every other save and sign-in waits on.
        var tagIds = type == PostType.Post ? await db.EnsureTagsAsync(input.TagNames) : [];
        try
        {
            var (saved, takenBy) = await WriteAsync(db, post, type, input, status, publishedAt, now, me, authorId, parentId, html, tagIds, canEditOthers, canManageCategories);
            if (takenBy is not null)
            {
                db.ForgetPendingChanges();
                return await EditorPage.RenderAsync(http, db, antiforgery, site, type, post, input,
                    [$"{takenBy} took over this {WpName.Of(type)} while you were saving, so your changes were not saved. Copy what you need from below."],
                    StatusCodes.Status409Conflict, now, offerAutosave: false);
            }
            post = saved;
        }
        catch (DbUpdateException conflict) when (conflict.IsConflict())
        {
            // Someone trashed, published or restored it (or saved the same meta) between this form's load and its save.
            db.ForgetPendingChanges();
            return await EditorPage.RenderAsync(http, db, antiforgery, site, type, post, input,
                [$"Someone else changed this {WpName.Of(type)} at the same moment, so your changes were not saved. Copy what you need from below, then reload."],
                StatusCodes.Status409Conflict, now, offerAutosave: false);
        }

        var (verb, message) = status switch
        {
            PostStatus.Publish when wasLive => ("updated", "updated"),
            PostStatus.Publish => ("published", "published"),
            PostStatus.Future => ("scheduled", "scheduled"),
            PostStatus.Private => ("published privately", "private"),
            PostStatus.Pending => ("submitted for review", "pending"),
            _ => ("saved a draft of", "saved"),
        };
        await activity.RecordAsync(http, $"{verb} a {WpName.Of(type)}", http.User.Identity?.Name ?? "", me, post.Title);
        return TypedResults.Redirect($"/admin/{ManagePosts.PathOf(type)}/{post.Id}/edit?message={message}");
    }

    /// <summary>
    /// The save itself, in one transaction: the post, its terms and meta, a revision and the writer's lock. If someone
    /// else took the post since the check before, nothing is committed and their name comes back.
    /// </summary>
    private static async Task<(Post Post, string? TakenBy)> WriteAsync(AppDbContext db, Post? existing, PostType type, EditorInput input, PostStatus status, DateTime publishedAt,
        DateTime now, int me, int authorId, int? parentId, string html, List<int> tagIds, bool canEditOthers, bool canManageCategories)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var isNew = existing is null;
        var post = existing ?? new Post { Type = type, AuthorId = me };
        post.Title = input.Title;
        post.Content = html;
        post.Excerpt = input.Excerpt;
        post.Status = status;
        post.PublishedAtUtc = publishedAt;
        post.ModifiedAtUtc = now;
        post.AuthorId = authorId;
        post.Password = input.Visibility == Visibility.Password ? input.Password : "";
        post.CommentStatus = input.CommentsOpen ? CommentStatus.Open : CommentStatus.Closed;
        if (type == PostType.Post && canEditOthers)
        {
            post.IsSticky = input.Sticky && input.Visibility != Visibility.Private;
        }
        if (type == PostType.Page)
        {
            post.ParentId = parentId;
            post.MenuOrder = input.MenuOrder;
        }
        var wantedSlug = Slug.From(input.Slug.Length > 0 ? input.Slug : input.Title);
        post.Slug = await db.FreePostSlugAsync(type, wantedSlug, exceptId: post.Id);
        if (isNew)
        {
            db.Posts.Add(post);
        }
        await db.SaveChangesAsync();

        if (type == PostType.Post)
        {
            await SetTermsAsync(db, post.Id, input, tagIds, canManageCategories);
        }
        await SetMetaAsync(db, post.Id, EditorInput.MarkdownMeta, input.IsMarkdown ? input.Content : null);
        // A draft meant to go out privately remembers it (its status says draft until it is published).
        await SetMetaAsync(db, post.Id, EditorInput.PrivateDraftMeta, input.Visibility == Visibility.Private && status != PostStatus.Private ? "1" : null);
        await PostRevisions.SaveAsync(db, post, me, now);
        if (await PostLocks.TryTakeAsync(db, post.Id, me, now) is { } takenBy)
        {
            return (post, takenBy);
        }
        await db.SaveChangesAsync();

        await transaction.CommitAsync();
        return (post, null);
    }

    /// <summary>Whether <paramref name="parentId"/> is a page that is neither this page nor below it.</summary>
    private static async Task<bool> IsValidParentAsync(AppDbContext db, int parentId, int? pageId)
    {
        var pages = await db.Posts.Where(p => p.Type == PostType.Page).Select(p => new { p.Id, p.ParentId }).ToDictionaryAsync(p => p.Id, p => p.ParentId);
        var seen = new HashSet<int>();
        for (int? at = parentId; at is { } current; at = pages.GetValueOrDefault(current))
        {
            if (!pages.ContainsKey(current) || current == pageId || !seen.Add(current))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Replaces the post's categories and tags: unknown category ids are dropped, a new category is made if asked.</summary>
    private static async Task SetTermsAsync(AppDbContext db, int postId, EditorInput input, List<int> tagIds, bool canManageCategories)
    {
        var categoryIds = await db.Terms.Where(t => t.Taxonomy == Taxonomy.Category && input.CategoryIds.Contains(t.Id)).Select(t => t.Id).ToListAsync();
        if (input.NewCategory.Length > 0 && canManageCategories)
        {
            if ((await db.FindAsync(Taxonomy.Category, [input.NewCategory])).Values.FirstOrDefault() is var existingId and > 0)
            {
                categoryIds.Add(existingId);
            }
            else
            {
                var parent = input.NewCategoryParent is { } p && await db.Terms.AnyAsync(t => t.Id == p && t.Taxonomy == Taxonomy.Category) ? p : (int?)null;
                var created = new Term
                {
                    Taxonomy = Taxonomy.Category,
                    Name = input.NewCategory,
                    ParentId = parent,
                    Slug = await db.FreeSlugAsync(Taxonomy.Category, Slug.From(input.NewCategory)),
                };
                db.Terms.Add(created);
                await db.SaveChangesAsync();
                categoryIds.Add(created.Id);
            }
        }
        if (categoryIds.Count == 0 && await ManageTerms.DefaultCategoryIdAsync(db) is > 0 and var fallback)
        {
            categoryIds.Add(fallback);
        }

        var wanted = categoryIds.Concat(tagIds).Distinct().ToHashSet();
        var current = await db.PostTerms.Where(pt => pt.PostId == postId).ToListAsync();
        db.PostTerms.RemoveRange(current.Where(pt => !wanted.Contains(pt.TermId)));
        db.PostTerms.AddRange(wanted.Except(current.Select(pt => pt.TermId)).Select(termId => new PostTerm { PostId = postId, TermId = termId }));
    }

    /// <summary>The editor's own post meta (the Markdown source, a private draft's mark) of a post or autosave.</summary>
    private static Task<Dictionary<string, string>> MetaOfAsync(AppDbContext db, int postId) =>
        db.PostMeta.Where(m => m.PostId == postId && (m.Key == EditorInput.MarkdownMeta || m.Key == EditorInput.PrivateDraftMeta))
            .ToDictionaryAsync(m => m.Key, m => m.Value);

    /// <summary>Sets one post meta value, or removes it when <paramref name="value"/> is null (saved with the caller's SaveChanges).</summary>
    internal static async Task SetMetaAsync(AppDbContext db, int postId, string key, string? value)
    {
        var meta = await db.PostMeta.FirstOrDefaultAsync(m => m.PostId == postId && m.Key == key);
        if (value is null)
        {
            if (meta is not null)
            {
                db.PostMeta.Remove(meta);
            }
            return;
        }
        if (meta is null)
        {
            db.PostMeta.Add(new PostMeta { PostId = postId, Key = key, Value = value });
        }
        else
        {
            meta.Value = value;
        }
    }
}
