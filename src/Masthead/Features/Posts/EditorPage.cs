using System.Globalization;
using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Permalinks;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// The editor screen as HTML. It works as a plain form; the editor script only adds autosave and keeps the lock.
/// Which buttons and boxes show depends on what the writer may do, but the save re-checks everything.
/// </summary>
internal static class EditorPage
{
    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["published"] = "Published.",
        ["updated"] = "Updated.",
        ["scheduled"] = "Scheduled.",
        ["private"] = "Published privately.",
        ["pending"] = "Submitted for review.",
        ["saved"] = "Draft saved.",
        ["restored"] = "Restored from a revision.",
    };

    /// <summary>Shown instead of the editor while someone else has the post open, as WordPress does.</summary>
    public static IResult Locked(HttpContext http, IAntiforgery antiforgery, PostType type, Post post, string holder) => PlainPage.Result("This post is being edited", $"""
        <p role="alert"><strong>{PlainPage.Encode(holder)}</strong> is currently editing “{PlainPage.Encode(post.Title)}”. If you take over, they can no longer save or autosave it and are told why.</p>
        <form method="post" action="/admin/{ManagePosts.PathOf(type)}/{post.Id}/take-over">{PlainPage.AntiforgeryField(http, antiforgery)}<button type="submit">Take over</button></form>
        <p><a href="/admin/{ManagePosts.PathOf(type)}">Go back</a></p>
        """, StatusCodes.Status409Conflict);

    public static async Task<IResult> RenderAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, SiteSnapshot site, PostType type,
        Post? post, EditorInput input, IReadOnlyList<string> errors, int statusCode, DateTime nowUtc, bool offerAutosave = false)
    {
        var path = ManagePosts.PathOf(type);
        var noun = WpName.Of(type);
        var role = http.User.FindFirstValue(ClaimTypes.Role);
        var me = PostPermissions.UserId(http.User) ?? 0;
        var canPublish = PostPermissions.CanPublish(http.User, type);
        var canEditOthers = PostPermissions.CanEditOthers(http.User, type);
        var action = post is null ? $"/admin/{path}/new" : $"/admin/{path}/{post.Id}/edit";
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var status = post?.Status ?? PostStatus.Draft;
        var live = status is PostStatus.Publish or PostStatus.Future or PostStatus.Private;

        var notice = http.Request.Query["message"].ToString() is { } key && Messages.TryGetValue(key, out var text) ? text : null;
        var view = post is not null && status == PostStatus.Publish
            ? $" · <a href=\"{PlainPage.Encode(site.UrlOf(type, post.Id, post.Slug, post.PublishedAtUtc, post.AuthorId, await TermIdsAsync(db, post.Id)))}\">View {noun}</a>"
            : "";
        var autosaveNotice = !offerAutosave ? "" :
            $"<p role=\"status\">There is an autosave of this {noun} that is newer than the version below. <a href=\"/admin/{path}/{post!.Id}/edit?autosave=1\">Restore the autosave</a> (then save to keep it).</p>";
        var publishLabel = !canPublish ? "Submit for Review"
            : live ? "Update"
            : input.ParsedDate is { } date && site.Settings.ToUtc(date) > nowUtc ? "Schedule"
            : "Publish";
        var buttons = $"""
            <button type="submit" name="action" value="publish">{publishLabel}</button>
            {(live ? $"<button type=\"submit\" name=\"action\" value=\"draft\">Switch to Draft</button>" : "<button type=\"submit\" name=\"action\" value=\"draft\">Save Draft</button>")}
            <button type="submit" formaction="/admin/{path}/preview" formtarget="_blank" name="action" value="preview">Preview</button>
            {(post is not null && PostPermissions.CanDelete(http.User, post.AuthorId, type, status) ? $"<button type=\"submit\" formaction=\"/admin/{path}/{post.Id}/trash\">Move to Trash</button>" : "")}
            """;

        var body = $"""
            {PlainPage.Messages(notice, errors)}
            {autosaveNotice}
            <p><a href="/admin/{path}">All {path}</a>{(post is null ? "" : $" · <a href=\"/admin/{path}/{post.Id}/revisions\">Revisions</a>")}{(post is null ? "" : $" · Status: {StatusLabel(status)}")}{view}</p>
            <form method="post" action="{action}" id="editor" data-autosave="{(post is null ? "" : $"/admin/{path}/{post.Id}/autosave")}" data-autosave-seconds="{http.RequestServices.GetRequiredService<EditorOptions>().AutosaveSeconds.ToString(CultureInfo.InvariantCulture)}">
            {token}
            <p><label for="title">Title</label><br><input id="title" name="post_title" value="{PlainPage.Encode(input.Title)}" maxlength="{Post.MaxTitleLength}" size="60"></p>
            <p><label for="post_name">Slug</label><br><input id="post_name" name="post_name" value="{PlainPage.Encode(input.Slug)}" maxlength="{Slug.MaxLength}" aria-describedby="slug-help"> <small id="slug-help">Left empty, it is made from the title; it is kept unique.</small></p>
            <fieldset><legend>Written in</legend>
            <label><input type="radio" name="content_format" value="html"{Checked(!input.IsMarkdown)}> HTML</label>
            <label><input type="radio" name="content_format" value="markdown"{Checked(input.IsMarkdown)}> Markdown</label></fieldset>
            <p><label for="content">Content</label><br><textarea id="content" name="content" rows="20" cols="80">{PlainPage.Encode(input.Content)}</textarea></p>
            <p><label for="excerpt">Excerpt</label><br><textarea id="excerpt" name="excerpt" rows="3" cols="80" aria-describedby="excerpt-help">{PlainPage.Encode(input.Excerpt)}</textarea><br><small id="excerpt-help">Optional: a hand-written summary for lists and search results.</small></p>
            {(type == PostType.Post ? await TaxonomyBoxesAsync(db, input, Roles.Can(role, Capabilities.ManageCategories)) : await PageAttributesAsync(db, post, input))}
            <fieldset><legend>Publish</legend>
            <p>Visibility:
            <label><input type="radio" name="visibility" value="public"{Checked(input.Visibility == Visibility.Public)}> Public</label>
            <label><input type="radio" name="visibility" value="password"{Checked(input.Visibility == Visibility.Password)}> Password protected</label>
            {(canPublish ? $"<label><input type=\"radio\" name=\"visibility\" value=\"private\"{Checked(input.Visibility == Visibility.Private)}> Private</label>" : "")}</p>
            <p><label for="post_password">Password</label> <input id="post_password" name="post_password" value="{PlainPage.Encode(input.Password)}" maxlength="{Post.MaxPasswordLength}" autocomplete="off"></p>
            {(canPublish ? $"<p><label for=\"post_date\">Publish on ({PlainPage.Encode(site.Settings.TimeZone.Id)} time)</label> <input type=\"datetime-local\" id=\"post_date\" name=\"post_date\" value=\"{PlainPage.Encode(input.Date)}\" aria-describedby=\"date-help\"> <small id=\"date-help\">Empty: immediately. A time ahead schedules the {noun}.</small></p>" : "")}
            {(type == PostType.Post && canEditOthers ? $"<p><label><input type=\"checkbox\" name=\"sticky\" value=\"sticky\"{Checked(input.Sticky)}> Stick this post to the front page</label></p>" : "")}
            <p><label><input type="checkbox" name="comment_status" value="open"{Checked(input.CommentsOpen)}> Allow comments</label></p>
            {(canEditOthers ? await AuthorBoxAsync(db, type, input.AuthorId ?? me) : "")}
            </fieldset>
            <p>{buttons}</p>
            <p id="autosave-status" role="status"></p>
            </form>
            <script src="/admin/editor.js" defer></script>
            """;
        return PlainPage.Result(post is null ? $"Add New {(type == PostType.Page ? "Page" : "Post")}" : $"Edit {(type == PostType.Page ? "Page" : "Post")}", body, statusCode);
    }

    private static string Checked(bool on) => on ? " checked" : "";

    private static string StatusLabel(PostStatus status) => status switch
    {
        PostStatus.Publish => "Published",
        PostStatus.Future => "Scheduled",
        PostStatus.Pending => "Pending Review",
        PostStatus.Private => "Privately Published",
        _ => "Draft",
    };

    private static Task<List<int>> TermIdsAsync(AppDbContext db, int postId) =>
        db.PostTerms.Where(pt => pt.PostId == postId).Select(pt => pt.TermId).ToListAsync();

    /// <summary>The categories checklist (nested as the hierarchy is, with inline "add new") and the tags box with suggestions.</summary>
    private static async Task<string> TaxonomyBoxesAsync(AppDbContext db, EditorInput input, bool canAddCategories)
    {
        var categories = await db.Terms.AsNoTracking().Where(t => t.Taxonomy == Taxonomy.Category)
            .Select(t => new { t.Id, t.Name, t.ParentId }).ToListAsync();
        var children = categories.ToLookup(c => c.ParentId is { } p && categories.Any(x => x.Id == p) ? p : 0);
        var chosen = input.CategoryIds.ToHashSet();
        string List(int parent) => !children[parent].Any() ? "" :
            "<ul>" + string.Concat(children[parent].OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).Select(c =>
                $"<li><label><input type=\"checkbox\" name=\"post_category[]\" value=\"{c.Id}\"{Checked(chosen.Contains(c.Id))}> {PlainPage.Encode(c.Name)}</label>{List(c.Id)}</li>")) + "</ul>";
        var popular = await db.Terms.AsNoTracking().Where(t => t.Taxonomy == Taxonomy.PostTag)
            .OrderByDescending(t => db.PostTerms.Count(pt => pt.TermId == t.Id)).ThenBy(t => t.Name)
            .Take(20).Select(t => t.Name).ToListAsync();
        var add = !canAddCategories ? "" : $"""
            <p><label for="newcategory">Add New Category</label> <input id="newcategory" name="newcategory" value="{PlainPage.Encode(input.NewCategory)}" maxlength="200">
            <label for="newcategory_parent">Parent</label> <select id="newcategory_parent" name="newcategory_parent"><option value="">— None —</option>{string.Concat(categories.OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).Select(c => $"<option value=\"{c.Id}\"{(input.NewCategoryParent == c.Id ? " selected" : "")}>{PlainPage.Encode(c.Name)}</option>"))}</select>
            <small>Added and ticked when you save.</small></p>
            """;
        return $"""
            <fieldset><legend>Categories</legend>{List(0)}{add}</fieldset>
            <p><label for="tags">Tags</label><br><input id="tags" name="tax_input[post_tag]" value="{PlainPage.Encode(input.Tags)}" size="60" list="tag-suggestions" aria-describedby="tags-help">
            <small id="tags-help">Separate tags with commas.{(popular.Count == 0 ? "" : " Most used: " + PlainPage.Encode(string.Join(", ", popular)) + ".")}</small></p>
            <datalist id="tag-suggestions">{string.Concat(popular.Select(t => $"<option value=\"{PlainPage.Encode(t)}\"></option>"))}</datalist>
            """;
    }

    /// <summary>A page's parent and order, WordPress's "Page Attributes" box.</summary>
    private static async Task<string> PageAttributesAsync(AppDbContext db, Post? page, EditorInput input)
    {
        var pageId = page?.Id ?? 0;
        var pages = await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Page && p.Id != pageId && p.Status != PostStatus.Trash)
            .OrderBy(p => p.Title).Select(p => new { p.Id, p.Title }).ToListAsync();
        return $"""
            <fieldset><legend>Page Attributes</legend>
            <p><label for="parent_id">Parent</label> <select id="parent_id" name="parent_id"><option value="">(no parent)</option>{string.Concat(pages.Select(p => $"<option value=\"{p.Id}\"{(input.ParentId == p.Id ? " selected" : "")}>{PlainPage.Encode(p.Title.Length == 0 ? "(no title)" : p.Title)}</option>"))}</select></p>
            <p><label for="menu_order">Order</label> <input type="number" id="menu_order" name="menu_order" value="{input.MenuOrder.ToString(CultureInfo.InvariantCulture)}"></p>
            </fieldset>
            """;
    }

    private static async Task<string> AuthorBoxAsync(AppDbContext db, PostType type, int authorId)
    {
        var capability = type == PostType.Page ? Capabilities.EditPages : Capabilities.EditPosts;
        var writers = (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName, u.Role }).ToListAsync())
            .Where(u => Roles.Can(u.Role, capability));
        return $"""
            <p><label for="post_author">Author</label> <select id="post_author" name="post_author">{string.Concat(writers.Select(u => $"<option value=\"{u.Id}\"{(u.Id == authorId ? " selected" : "")}>{PlainPage.Encode(u.DisplayName)}</option>"))}</select></p>
            """;
    }
}
