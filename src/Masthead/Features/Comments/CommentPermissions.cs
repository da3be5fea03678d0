using System.Security.Claims;
using Masthead.Features.Posts;
using Masthead.Features.Users;

namespace Masthead.Features.Comments;

/// <summary>
/// Who may moderate which comments, as WordPress's roles allow: editors and administrators every comment
/// (<c>moderate_comments</c>), authors the comments on their own posts, contributors and subscribers none.
/// </summary>
public static class CommentPermissions
{
    /// <summary>
    /// The capability the Comments screens are behind. WordPress opens edit-comments.php to anyone who edits posts and
    /// then asks per comment; a contributor's posts are never live, so they would only ever meet an empty screen, and
    /// the one capability authors, editors and administrators share and contributors lack is editing published posts.
    /// </summary>
    public const string ScreenCapability = Capabilities.EditPublishedPosts;

    public static bool CanUseScreen(ClaimsPrincipal user) => Roles.Can(user.FindFirstValue(ClaimTypes.Role), ScreenCapability);

    /// <summary>Whether the user may moderate every comment, whoever wrote the post.</summary>
    public static bool CanModerateAll(ClaimsPrincipal user)
    {
        var role = user.FindFirstValue(ClaimTypes.Role);
        return Roles.Can(role, Capabilities.ModerateComments) && Roles.Can(role, Capabilities.EditOthersPosts);
    }

    /// <summary>Whether the user may moderate, edit or reply to a comment on a post written by <paramref name="postAuthorId"/>.</summary>
    public static bool CanModerate(ClaimsPrincipal user, int postAuthorId) =>
        CanModerateAll(user) || CanUseScreen(user) && PostPermissions.UserId(user) == postAuthorId;

    /// <summary>Erasing and exporting a person's data is the administrator's (WordPress maps both to <c>manage_options</c>).</summary>
    public static bool CanManagePersonalData(ClaimsPrincipal user) => Roles.Can(user.FindFirstValue(ClaimTypes.Role), Capabilities.ManageOptions);
}
