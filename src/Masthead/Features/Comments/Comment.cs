namespace Masthead.Features.Comments;

/// <summary>Moderation state of a comment; readers see only approved ones.</summary>
public enum CommentApproval { Pending, Approved, Spam, Trash }

/// <summary>A reader's or user's comment on a post, threaded through <see cref="ParentId"/>.</summary>
public sealed class Comment
{
    public int Id { get; set; }
    public int PostId { get; set; }
    public int? ParentId { get; set; }
    public int? UserId { get; set; }
    public string AuthorName { get; set; } = "";
    public string AuthorEmail { get; set; } = "";
    public string AuthorUrl { get; set; } = "";
    public string AuthorIp { get; set; } = "";
    public string Content { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public CommentApproval Approval { get; set; } = CommentApproval.Pending;
}

/// <summary>Free-form key/value data attached to a comment.</summary>
public sealed class CommentMeta
{
    public int Id { get; set; }
    public int CommentId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
