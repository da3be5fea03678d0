using System.Linq.Expressions;

namespace Masthead.Features.Posts;

/// <summary>
/// Lifecycle of a post; only <see cref="Publish"/> is visible to readers. Revisions are <see cref="Inherit"/>:
/// they are seen only through their post.
/// </summary>
public enum PostStatus { Draft, Pending, Future, Publish, Private, Trash, Inherit }

/// <summary>Whether readers may comment on a post.</summary>
public enum CommentStatus { Open, Closed }

/// <summary>A post, page or attachment. Dates are UTC; the site's time zone applies only to display and permalinks.</summary>
public sealed class Post
{
    public const int MaxTitleLength = 1000;

    /// <summary>WordPress's limit for post content, so an export from here imports there.</summary>
    public const int MaxContentLength = 65_525;

    /// <summary>WordPress's column size for a post password.</summary>
    public const int MaxPasswordLength = 255;

    /// <summary>WordPress's column size for a GUID.</summary>
    public const int MaxGuidLength = 255;

    public int Id { get; set; }

    /// <summary>
    /// The post's lasting identity for feed readers and exports, never changed after creation; an imported post keeps
    /// the one WordPress gave it (which only looks like a URL).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "WordPress's name for it, in REST and WXR.")]
    public string Guid { get; set; } = $"urn:uuid:{System.Guid.NewGuid()}";
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

    /// <summary>Whether pingbacks and trackbacks are accepted; kept from imports, closed here since Masthead takes none yet.</summary>
    public CommentStatus PingStatus { get; set; } = CommentStatus.Closed;

    /// <summary>An attachment's media type (<c>image/jpeg</c>); empty for other types.</summary>
    public string MimeType { get; set; } = "";
    public bool IsSticky { get; set; }
    /// <summary>When set, readers see the title and must give this password for the text (WordPress's "password protected").</summary>
    public string Password { get; set; } = "";
    public int? FeaturedMediaId { get; set; }
    /// <summary>Approved comments, kept on the post so lists never count rows per post.</summary>
    public int CommentCount { get; set; }

    public List<PostTerm> Terms { get; set; } = [];

    /// <summary>Whether readers may see the post once its date comes: published, or scheduled to be.</summary>
    public bool IsLive => IsLiveStatus(Status);

    /// <summary>Whether a post in <paramref name="status"/> is out, or on its way out: published, scheduled or private.</summary>
    public static bool IsLiveStatus(PostStatus? status) => status is PostStatus.Publish or PostStatus.Future or PostStatus.Private;

    /// <summary>
    /// The one rule for a scheduled post whose time has come: it is published. The scheduled publisher claims such
    /// posts with one UPDATE filtered by this (so two instances never publish one twice), and nothing else decides it.
    /// </summary>
    public static Expression<Func<Post, bool>> DueToPublish(DateTime nowUtc) =>
        p => p.Status == PostStatus.Future && p.PublishedAtUtc <= nowUtc;

    /// <summary>Publishes now, or schedules when the date is still ahead, as WordPress does.</summary>
    public void Publish(DateTime publishAtUtc, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        PublishedAtUtc = publishAtUtc;
        ModifiedAtUtc = now;
        Status = publishAtUtc > now ? PostStatus.Future : PostStatus.Publish;
    }

    /// <summary>Schedules the post for <paramref name="publishAtUtc"/>; a time already past cannot be waited for, so it publishes.</summary>
    public void Schedule(DateTime publishAtUtc, TimeProvider clock) => Publish(publishAtUtc, clock);

    /// <summary>Publishes the post for the newsroom only. A private post is never also password-protected nor sticky.</summary>
    public void MakePrivate(DateTime publishAtUtc, TimeProvider clock)
    {
        PublishedAtUtc = publishAtUtc;
        ModifiedAtUtc = clock.GetUtcNow().UtcDateTime;
        Status = PostStatus.Private;
        Password = "";
        IsSticky = false;
    }

    /// <summary>Hands the post to an editor for review; it stays unseen by readers, dated <paramref name="datedUtc"/>.</summary>
    public void SubmitForReview(DateTime datedUtc, TimeProvider clock)
    {
        PublishedAtUtc = datedUtc;
        ModifiedAtUtc = clock.GetUtcNow().UtcDateTime;
        Status = PostStatus.Pending;
    }

    /// <summary>Takes the post back to a draft (or keeps it one), dated <paramref name="datedUtc"/>.</summary>
    public void SaveAsDraft(DateTime datedUtc, TimeProvider clock)
    {
        PublishedAtUtc = datedUtc;
        ModifiedAtUtc = clock.GetUtcNow().UtcDateTime;
        Status = PostStatus.Draft;
    }

    /// <summary>
    /// Moves the post to the trash and answers the status it had, which the caller keeps (as WordPress keeps
    /// <c>_wp_trash_meta_status</c>) so <see cref="Restore"/> can bring it back as it was.
    /// </summary>
    public PostStatus Trash()
    {
        if (Status == PostStatus.Trash)
        {
            throw new InvalidOperationException("The post is already in the trash.");
        }
        var was = Status;
        Status = PostStatus.Trash;
        return was;
    }

    /// <summary>Brings the post back from the trash with the status it had there, or as a draft when that is not known.</summary>
    public void Restore(PostStatus? statusBeforeTrash)
    {
        if (Status != PostStatus.Trash)
        {
            throw new InvalidOperationException("Only a post in the trash can be restored.");
        }
        Status = statusBeforeTrash is { } was && was is not (PostStatus.Trash or PostStatus.Inherit) ? was : PostStatus.Draft;
    }
}
