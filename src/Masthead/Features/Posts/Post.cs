namespace Masthead.Features.Posts;

/// <summary>Kinds of post, named as WordPress names them in REST and WXR.</summary>
public enum PostType { Post, Page, Attachment }

/// <summary>Lifecycle of a post; only <see cref="Publish"/> is visible to readers.</summary>
public enum PostStatus { Draft, Pending, Future, Publish, Private, Trash }

/// <summary>Whether readers may comment on a post.</summary>
public enum CommentStatus { Open, Closed }

/// <summary>A post, page or attachment. Dates are UTC; the site's time zone applies only to display and permalinks.</summary>
public sealed class Post
{
    public const int MaxTitleLength = 1000;

    public int Id { get; set; }
    public PostType Type { get; set; } = PostType.Post;
    public PostStatus Status { get; set; } = PostStatus.Draft;
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Content { get; set; } = "";
    public string Excerpt { get; set; } = "";
    public int AuthorId { get; set; }
    public int? ParentId { get; set; }
    public int MenuOrder { get; set; }
    public DateTime PublishedAtUtc { get; set; }
    public DateTime ModifiedAtUtc { get; set; }
    public CommentStatus CommentStatus { get; set; } = CommentStatus.Open;
    public bool IsSticky { get; set; }
    public int? FeaturedMediaId { get; set; }
    /// <summary>Approved comments, kept on the post so lists never count rows per post.</summary>
    public int CommentCount { get; set; }

    public List<PostTerm> Terms { get; set; } = [];

    /// <summary>Publishes now, or schedules when the date is still ahead, as WordPress does.</summary>
    public void Publish(DateTime publishAtUtc, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        PublishedAtUtc = publishAtUtc;
        ModifiedAtUtc = now;
        Status = publishAtUtc > now ? PostStatus.Future : PostStatus.Publish;
    }
}
