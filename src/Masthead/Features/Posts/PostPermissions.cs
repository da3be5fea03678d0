using System.Globalization;
using System.Security.Claims;
using Masthead.Features.Users;

namespace Masthead.Features.Posts;

/// <summary>
/// Who may do what to one post, with ownership, following WordPress's meta-capability rules: your own post needs
/// the plain capability (and the "published" one once it is live); someone else's also needs the "others" one
/// (and the "private" one for private posts).
/// </summary>
public static class PostPermissions
{
    public static int? UserId(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static bool CanEditAny(ClaimsPrincipal user, PostType type) =>
        Roles.Can(user.FindFirstValue(ClaimTypes.Role), type == PostType.Page ? Capabilities.EditPages : Capabilities.EditPosts);

    public static bool CanDelete(ClaimsPrincipal user, int authorId, PostType type, PostStatus status)
    {
        var role = user.FindFirstValue(ClaimTypes.Role);
        var page = type == PostType.Page;
        bool Has(string capability) => Roles.Can(role, capability);
        var own = UserId(user) == authorId;
        // A trashed post is judged by what it was; WordPress keeps that status aside, and so do we (see PostWriter.TrashedStatusMeta).
        var live = status is PostStatus.Publish or PostStatus.Future;
        if (!Has(page ? Capabilities.DeletePages : Capabilities.DeletePosts))
        {
            return false;
        }
        if (live && !Has(page ? Capabilities.DeletePublishedPages : Capabilities.DeletePublishedPosts))
        {
            return false;
        }
        if (!own && !Has(page ? Capabilities.DeleteOthersPages : Capabilities.DeleteOthersPosts))
        {
            return false;
        }
        return own || status != PostStatus.Private || Has(page ? Capabilities.DeletePrivatePages : Capabilities.DeletePrivatePosts);
    }

    /// <summary>Whether the user may open and change this post in the editor, as it stands now.</summary>
    public static bool CanEdit(ClaimsPrincipal user, int authorId, PostType type, PostStatus status)
    {
        var role = user.FindFirstValue(ClaimTypes.Role);
        var page = type == PostType.Page;
        bool Has(string capability) => Roles.Can(role, capability);
        var own = UserId(user) == authorId;
        if (!Has(page ? Capabilities.EditPages : Capabilities.EditPosts))
        {
            return false;
        }
        if (status is PostStatus.Publish or PostStatus.Future && !Has(page ? Capabilities.EditPublishedPages : Capabilities.EditPublishedPosts))
        {
            return false;
        }
        if (!own && !Has(page ? Capabilities.EditOthersPages : Capabilities.EditOthersPosts))
        {
            return false;
        }
        return own || status != PostStatus.Private || Has(page ? Capabilities.EditPrivatePages : Capabilities.EditPrivatePosts);
    }

    /// <summary>Whether the user may make a post of this type public, scheduled or private (otherwise they submit it for review).</summary>
    public static bool CanPublish(ClaimsPrincipal user, PostType type) =>
        Roles.Can(user.FindFirstValue(ClaimTypes.Role), type == PostType.Page ? Capabilities.PublishPages : Capabilities.PublishPosts);

    /// <summary>Whether the user may give posts of this type to another author, or pin them to the top (WordPress ties both to editing others' posts).</summary>
    public static bool CanEditOthers(ClaimsPrincipal user, PostType type) =>
        Roles.Can(user.FindFirstValue(ClaimTypes.Role), type == PostType.Page ? Capabilities.EditOthersPages : Capabilities.EditOthersPosts);

    /// <summary>Whether the user may see someone else's private post in the admin lists.</summary>
    public static bool CanReadPrivate(ClaimsPrincipal user) =>
        Roles.Can(user.FindFirstValue(ClaimTypes.Role), Capabilities.ReadPrivatePosts);
}
