using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>What the writer may do here, which decides the buttons and boxes; the save re-checks every one of them.</summary>
public sealed record EditorRights(bool CanPublish, bool CanEditOthers, bool CanTrash, bool CanAddCategories);

/// <summary>A category in the checklist, with the categories filed under it.</summary>
public sealed record CategoryNode(int Id, string Name, IReadOnlyList<CategoryNode> Children);

/// <summary>One option of a picker (author, parent page): its value and what it says.</summary>
public sealed record EditorChoice(int Id, string Label);

/// <summary>
/// Everything the editor screen shows: the form as it stands (saved, or as sent when a save was refused), what went
/// wrong and where, and the choices the side boxes offer.
/// </summary>
public sealed record EditorModel(
    AdminChrome Chrome,
    PostType Type,
    Post? Post,
    EditorInput Input,
    IReadOnlyList<PostProblem> Errors,
    string? Notice,
    bool OfferAutosave,
    EditorRights Rights,
    string Permalink,
    string? ViewUrl,
    string TimeZone,
    bool DateIsAhead,
    double AutosaveSeconds,
    IReadOnlyList<CategoryNode> Categories,
    IReadOnlyList<EditorChoice> AllCategories,
    IReadOnlyList<string> PopularTags,
    IReadOnlyList<EditorChoice> Authors,
    IReadOnlyList<EditorChoice> ParentPages,
    int RevisionCount)
{
    public string Path => ManagePosts.PathOf(Type);
    public string Noun => WpName.Of(Type);
    public string TypeLabel => Type == PostType.Page ? "Page" : "Post";
    public string Heading => Post is null ? $"Add New {TypeLabel}" : $"Edit {TypeLabel}";
    public string FormAction => Post is null ? $"/admin/{Path}/new" : $"/admin/{Path}/{Post.Id}/edit";
    public string AutosaveUrl => Post is null ? "" : $"/admin/{Path}/{Post.Id}/autosave";
    public PostStatus Status => Post?.Status ?? PostStatus.Draft;
    public bool IsLive => Post.IsLiveStatus(Status);

    /// <summary>The main button's words: what pressing it will do for this writer and this post.</summary>
    public string PublishLabel => !Rights.CanPublish ? "Submit for Review" : IsLive ? "Update" : DateIsAhead ? "Schedule" : "Publish";

    public string StatusLabel => Status switch
    {
        PostStatus.Publish => "Published",
        PostStatus.Future => "Scheduled",
        PostStatus.Pending => "Pending Review",
        PostStatus.Private => "Privately Published",
        _ => "Draft",
    };

    public string VisibilityLabel => Input.Visibility switch
    {
        Visibility.Password => "Password protected",
        Visibility.Private => "Private",
        _ => "Public",
    };

    /// <summary>The messages about one field, shown beside it.</summary>
    public IReadOnlyList<string> ErrorsFor(string field) => [.. Errors.Where(e => e.Field == field).Select(e => e.Message)];

    public bool HasError(string field) => Errors.Any(e => e.Field == field);
}

/// <summary>Builds the editor's model: the writer's rights, the post's links, and the choices for the side boxes.</summary>
internal static class EditorScreenBuilder
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

    public static async Task<IResult> RenderAsync(HttpContext http, AppDbContext db, AdminChrome chrome, SiteSnapshot site, PostType type,
        Post? post, EditorInput input, IReadOnlyList<PostProblem> errors, int statusCode, DateTime nowUtc, bool offerAutosave = false)
    {
        var role = http.User.FindFirstValue(ClaimTypes.Role);
        var status = post?.Status ?? PostStatus.Draft;
        var rights = new EditorRights(
            PostPermissions.CanPublish(http.User, type),
            PostPermissions.CanEditOthers(http.User, type),
            post is not null && PostPermissions.CanDelete(http.User, post.AuthorId, type, status),
            type == PostType.Post && Roles.Can(role, Capabilities.ManageCategories));
        var termIds = post is null ? [] : await db.PostTerms.Where(pt => pt.PostId == post.Id).Select(pt => pt.TermId).ToListAsync();
        var permalink = post is null ? "" : PermalinkOf(site, post, termIds);
        var notice = http.Request.Query["message"].ToString() is { } key && Messages.TryGetValue(key, out var text) ? text : null;
        var (tree, flat) = type == PostType.Post ? await CategoriesAsync(db) : ([], []);
        var model = new EditorModel(
            chrome, type, post, input, errors, notice, offerAutosave, rights,
            permalink,
            ViewUrl: status == PostStatus.Publish ? permalink : null,
            site.Settings.TimeZone.Id,
            DateIsAhead: input.ParsedDate is { } date && site.Settings.ToUtc(date) > nowUtc,
            http.RequestServices.GetRequiredService<EditorOptions>().AutosaveSeconds,
            tree, flat,
            type == PostType.Post ? await PopularTagsAsync(db) : [],
            rights.CanEditOthers ? await AuthorsAsync(db, type) : [],
            type == PostType.Page ? await ParentPagesAsync(db, post) : [],
            post is null ? 0 : await PostRevisions.CountAsync(db, post.Id));
        return AdminFeature.Screen<EditorScreen>(model, statusCode);
    }

    /// <summary>
    /// Where the post is, or will be once out: a page not yet published is not among the site's pages, so its address
    /// is its slug under its parent's.
    /// </summary>
    private static string PermalinkOf(SiteSnapshot site, Post post, IEnumerable<int> termIds)
    {
        if (post.Type != PostType.Page || site.Page(post.Id) is not null)
        {
            return site.UrlOf(post.Type, post.Id, post.Slug, post.PublishedAtUtc, post.AuthorId, termIds);
        }
        var parent = post.ParentId is { } parentId && site.Page(parentId) is { } parentPage ? site.PageUrl(parentPage) : "/";
        return $"{parent}{Uri.EscapeDataString(post.Slug)}/";
    }

    /// <summary>The categories as the hierarchy nests them (for the checklist) and as one list by name (for the parent picker).</summary>
    private static async Task<(IReadOnlyList<CategoryNode> Tree, IReadOnlyList<EditorChoice> Flat)> CategoriesAsync(AppDbContext db)
    {
        var categories = await db.Terms.AsNoTracking().Where(t => t.Taxonomy == Taxonomy.Category)
            .Select(t => new { t.Id, t.Name, t.ParentId }).ToListAsync();
        var ids = categories.Select(c => c.Id).ToHashSet();
        var children = categories.ToLookup(c => c.ParentId is { } p && ids.Contains(p) ? p : 0);
        // A parent chain that loops back on itself is never reached from the top, so the walk ends.
        IReadOnlyList<CategoryNode> Under(int parent) =>
            [.. children[parent].OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).Select(c => new CategoryNode(c.Id, c.Name, Under(c.Id)))];
        return (Under(0), [.. categories.OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).Select(c => new EditorChoice(c.Id, c.Name))]);
    }

    private static Task<List<string>> PopularTagsAsync(AppDbContext db) =>
        db.Terms.AsNoTracking().Where(t => t.Taxonomy == Taxonomy.PostTag)
            .OrderByDescending(t => db.PostTerms.Count(pt => pt.TermId == t.Id)).ThenBy(t => t.Name)
            .Take(20).Select(t => t.Name).ToListAsync();

    /// <summary>A page's possible parents: every other page not in the trash.</summary>
    private static async Task<IReadOnlyList<EditorChoice>> ParentPagesAsync(AppDbContext db, Post? page)
    {
        var pageId = page?.Id ?? 0;
        var pages = await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Page && p.Id != pageId && p.Status != PostStatus.Trash)
            .OrderBy(p => p.Title).Select(p => new { p.Id, p.Title }).ToListAsync();
        return [.. pages.Select(p => new EditorChoice(p.Id, p.Title.Length == 0 ? "(no title)" : p.Title))];
    }

    /// <summary>Whoever may write this type, for those who may give a post to someone else.</summary>
    private static async Task<IReadOnlyList<EditorChoice>> AuthorsAsync(AppDbContext db, PostType type)
    {
        var capability = type == PostType.Page ? Capabilities.EditPages : Capabilities.EditPosts;
        var roles = Roles.All.Where(r => Roles.Can(r, capability)).ToList();
        var users = await db.Users.AsNoTracking().Where(u => roles.Contains(u.Role)).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync();
        return [.. users.Select(u => new EditorChoice(u.Id, u.DisplayName))];
    }
}
