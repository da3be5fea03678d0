using Masthead.Features.Comments;

namespace Masthead.Features.Posts;

/// <summary>The one place that decides what a reader may see, for HTML pages, widgets and counts alike.</summary>
public static class PostQueries
{
    /// <summary>Published posts; drafts, pending, private, scheduled and trashed never match.</summary>
    public static IQueryable<Post> Published(this IQueryable<Post> posts) => posts.Published(PostType.Post);

    /// <summary>Published items of <paramref name="type"/>.</summary>
    public static IQueryable<Post> Published(this IQueryable<Post> posts, PostType type) =>
        posts.Where(p => p.Type == type && p.Status == PostStatus.Publish);

    /// <summary>Published posts and pages: what search and comment widgets may point a reader to.</summary>
    public static IQueryable<Post> PublishedPostsAndPages(this IQueryable<Post> posts) =>
        posts.Where(p => p.Status == PostStatus.Publish && (p.Type == PostType.Post || p.Type == PostType.Page));

    public static IQueryable<Post> Newest(this IQueryable<Post> posts) =>
        posts.OrderByDescending(p => p.PublishedAtUtc).ThenByDescending(p => p.Id);

    /// <summary>Approved comments; pending, spam and trash never reach a reader.</summary>
    public static IQueryable<Comment> Approved(this IQueryable<Comment> comments) =>
        comments.Where(c => c.Approval == CommentApproval.Approved);
}
