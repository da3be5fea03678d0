namespace Masthead.Features.Comments;

/// <summary>The moderator's side of comments: the writer, the counts the menu badge and the view links read, and the admin screens.</summary>
public static class CommentModerationFeature
{
    public static void AddCommentModeration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CommentModeration>();
        builder.Services.AddSingleton<CommentStateCountsCache>();
    }

    /// <summary>Admin → Comments and its screens, and the privacy tools under Tools.</summary>
    public static void MapCommentModeration(this RouteGroupBuilder admin)
    {
        admin.MapManageComments();
        admin.MapCommentPrivacy();
    }
}
