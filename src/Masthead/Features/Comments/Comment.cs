namespace Masthead.Features.Comments;

/// <summary>Moderation state of a comment; readers see only approved ones.</summary>
public enum CommentApproval { Pending, Approved, Spam, Trash }

/// <summary>WordPress's comment types; plugins add their own (a shop's <c>review</c>), which are kept as they are.</summary>
public static class CommentTypes
{
    public const string Comment = "comment";
    public const string Pingback = "pingback";
    public const string Trackback = "trackback";

    /// <summary>WordPress's column size for <c>comment_type</c>.</summary>
    public const int MaxLength = 20;
}

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

    /// <summary>One of <see cref="CommentTypes"/>, or a plugin's own type.</summary>
    public string Type { get; set; } = CommentTypes.Comment;

    /// <summary>The commenter's browser as it named itself, kept for spam checks (WordPress's <c>comment_agent</c>).</summary>
    public string Agent { get; set; } = "";
}

/// <summary>Free-form key/value data attached to a comment.</summary>
public sealed class CommentMeta
{
    public int Id { get; set; }
    public int CommentId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
