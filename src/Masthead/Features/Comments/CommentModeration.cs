using System.Globalization;
using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Posts;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>What a moderator can do to a comment's state, under the names WordPress's bulk actions use.</summary>
public enum ModerationAction { Approve, Unapprove, Spam, NotSpam, Trash, Restore, Delete }

/// <summary>How many of the asked-for comments were changed, and how many were left as they were (not allowed, or not in a state the action applies to).</summary>
public sealed record ModerationResult(int Changed, int Skipped, int NotFound)
{
    public bool AllowedNone => Changed == 0 && Skipped > 0;
}

/// <summary>What a quick or full edit asks for; the moderator's change to a comment's author and text.</summary>
public sealed record CommentEdit(string AuthorName, string AuthorEmail, string AuthorUrl, string Content);

/// <summary>The outcome of an edit or a reply: done (with the comment's id), or why not.</summary>
public sealed record CommentWriteResult(int? Id, bool NotFound, bool NotAllowed, IReadOnlyList<FieldError> Errors)
{
    public bool Saved => Id is not null;

    public static CommentWriteResult Done(int id) => new(id, false, false, []);
    public static readonly CommentWriteResult Missing = new(null, true, false, []);
    public static readonly CommentWriteResult Refused = new(null, false, true, []);
    public static CommentWriteResult Invalid(params FieldError[] errors) => new(null, false, false, errors);
}

/// <summary>What the activity log calls each moderation.</summary>
public static class CommentActivity
{
    public const string Approved = "approved a comment";
    public const string Unapproved = "unapproved a comment";
    public const string Spammed = "marked a comment as spam";
    public const string Unspammed = "marked a comment as not spam";
    public const string Trashed = "moved a comment to the Trash";
    public const string Restored = "restored a comment";
    public const string Deleted = "deleted a comment permanently";
    public const string Edited = "edited a comment";
    public const string Replied = "replied to a comment";
    public const string ErasedOne = "erased a comment's personal data";
    public const string ErasedByEmail = "erased personal data";
    public const string Exported = "exported personal data";
}

/// <summary>
/// The one writer for moderation: the Comments screen's row and bulk actions, the moderation links of notification
/// e-mails, edits and replies all come here. Each comment is checked against its post's author on its own, each
/// change runs inside <see cref="CommentCounts.ChangeAsync{T}"/> so the posts' counts stay exact, and each is logged.
/// </summary>
public sealed class CommentModeration(AppDbContext db, ActivityLog activity, TimeProvider clock)
{
    /// <summary>WordPress's meta key for the state a comment had before it was trashed or marked as spam.</summary>
    public const string PreviousStateMeta = "_wp_trash_meta_status";

    /// <summary>When it was trashed or marked as spam, in Unix seconds, as WordPress keeps it.</summary>
    public const string PreviousStateTimeMeta = "_wp_trash_meta_time";

    public const int MaxNameLength = 245;
    public const int MaxEmailLength = 100;
    public const int MaxUrlLength = 200;
    public const int MaxContentLength = 65_525;

    /// <summary>The WordPress form of a state in <see cref="PreviousStateMeta"/>: <c>1</c>, <c>0</c>, <c>spam</c>, <c>trash</c>.</summary>
    public static string StoredState(CommentApproval state) => state switch
    {
        CommentApproval.Approved => "1",
        CommentApproval.Pending => "0",
        _ => WpName.Of(state),
    };

    /// <summary>The state a stored one names; anything unreadable goes back to the moderation queue, as WordPress does.</summary>
    public static CommentApproval ReadState(string? stored) => stored switch
    {
        "1" or "approved" => CommentApproval.Approved,
        "spam" => CommentApproval.Spam,
        _ => CommentApproval.Pending,
    };

    /// <summary>The action's state before and after, or null when the comment is not in a state the action applies to.</summary>
    private static CommentApproval? Target(ModerationAction action, CommentApproval from, string? previous) => (action, from) switch
    {
        (ModerationAction.Approve, CommentApproval.Pending) => CommentApproval.Approved,
        (ModerationAction.Unapprove, CommentApproval.Approved) => CommentApproval.Pending,
        (ModerationAction.Spam, CommentApproval.Pending or CommentApproval.Approved or CommentApproval.Trash) => CommentApproval.Spam,
        (ModerationAction.NotSpam, CommentApproval.Spam) => ReadState(previous) is var back && back == CommentApproval.Spam ? CommentApproval.Pending : back,
        (ModerationAction.Trash, CommentApproval.Pending or CommentApproval.Approved or CommentApproval.Spam) => CommentApproval.Trash,
        (ModerationAction.Restore, CommentApproval.Trash) => ReadState(previous),
        _ => null,
    };

    public static string ActivityOf(ModerationAction action) => action switch
    {
        ModerationAction.Approve => CommentActivity.Approved,
        ModerationAction.Unapprove => CommentActivity.Unapproved,
        ModerationAction.Spam => CommentActivity.Spammed,
        ModerationAction.NotSpam => CommentActivity.Unspammed,
        ModerationAction.Trash => CommentActivity.Trashed,
        ModerationAction.Restore => CommentActivity.Restored,
        _ => CommentActivity.Deleted,
    };

    /// <summary>
    /// Applies <paramref name="action"/> to each comment the user may moderate and that is in a state it applies to;
    /// the rest are counted as skipped. All the changes, their counts and the one log entry commit together.
    /// </summary>
    public async Task<ModerationResult> ApplyAsync(ClaimsPrincipal user, string? address, ModerationAction action, IReadOnlyCollection<int> ids)
    {
        // The posts first, to hold their rows; the comments are read again inside, so two moderators acting at once
        // each see the other's change rather than overwrite it.
        var postIds = await db.Comments.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => c.PostId).Distinct().ToListAsync();
        var changed = new List<Comment>();
        var found = 0;
        var now = clock.GetUtcNow();
        await CommentCounts.ChangeAsync(db, postIds, async () =>
        {
            var rows = await db.Comments
                .Where(c => ids.Contains(c.Id))
                .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { Comment = c, PostAuthorId = p.AuthorId })
                .ToListAsync();
            found = rows.Count;
            var chosen = rows.Where(f => CommentPermissions.CanModerate(user, f.PostAuthorId)).Select(f => f.Comment).ToList();
            var chosenIds = chosen.Select(c => c.Id).ToList();
            var metas = await db.CommentMeta
                .Where(m => chosenIds.Contains(m.CommentId) && (m.Key == PreviousStateMeta || m.Key == PreviousStateTimeMeta)).ToListAsync();
            foreach (var comment in chosen)
            {
                var own = metas.Where(m => m.CommentId == comment.Id).ToList();
                var previous = own.FirstOrDefault(m => m.Key == PreviousStateMeta)?.Value;
                if (action == ModerationAction.Delete)
                {
                    // Only what is already out of sight (spam, trash) is deleted for good, as WordPress's lists offer it.
                    if (comment.Approval is CommentApproval.Spam or CommentApproval.Trash)
                    {
                        db.Comments.Remove(comment);
                        changed.Add(comment);
                    }
                    continue;
                }
                if (Target(action, comment.Approval, previous) is not { } target)
                {
                    continue;
                }
                if (target is CommentApproval.Spam or CommentApproval.Trash)
                {
                    // Spam from the Trash keeps what it was before the Trash, so "Not Spam" brings that back.
                    if (comment.Approval != CommentApproval.Trash || previous is null)
                    {
                        SetMeta(own, comment.Id, PreviousStateMeta, StoredState(comment.Approval));
                    }
                    SetMeta(own, comment.Id, PreviousStateTimeMeta, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    db.CommentMeta.RemoveRange(own);
                }
                comment.Approval = target;
                changed.Add(comment);
            }
            if (changed.Count > 0)
            {
                activity.Add(address, ActivityOf(action), user.Identity?.Name ?? "", PostPermissions.UserId(user), await DetailAsync(changed));
            }
            return await db.SaveChangesAsync();
        });
        return new ModerationResult(changed.Count, found - changed.Count, ids.Count - found);
    }

    /// <summary>Whether the comment exists and the user may moderate it.</summary>
    public async Task<bool> MayModerateAsync(ClaimsPrincipal user, int id)
    {
        var authors = await db.Comments.Where(c => c.Id == id).Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => p.AuthorId).ToListAsync();
        return authors.Count == 1 && CommentPermissions.CanModerate(user, authors[0]);
    }

    /// <summary>Changes a comment's author and text (its state stays as it is).</summary>
    public async Task<CommentWriteResult> EditAsync(ClaimsPrincipal user, string? address, int id, CommentEdit edit)
    {
        var found = await db.Comments.Where(c => c.Id == id)
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { Comment = c, PostAuthorId = p.AuthorId }).SingleOrDefaultAsync();
        if (found is null)
        {
            return CommentWriteResult.Missing;
        }
        if (!CommentPermissions.CanModerate(user, found.PostAuthorId))
        {
            return CommentWriteResult.Refused;
        }
        var cleaned = edit with
        {
            AuthorName = edit.AuthorName.Trim(),
            AuthorEmail = edit.AuthorEmail.Trim(),
            AuthorUrl = edit.AuthorUrl.Trim(),
            Content = edit.Content.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(),
        };
        if (Validate(cleaned) is { Length: > 0 } errors)
        {
            return CommentWriteResult.Invalid(errors);
        }
        var comment = found.Comment;
        comment.AuthorName = cleaned.AuthorName;
        comment.AuthorEmail = cleaned.AuthorEmail;
        comment.AuthorUrl = cleaned.AuthorUrl;
        comment.Content = cleaned.Content;
        await CommentCounts.ChangeAsync(db, [comment.PostId], async () =>
        {
            activity.Add(address, CommentActivity.Edited, user.Identity?.Name ?? "", PostPermissions.UserId(user), await DetailAsync([comment]));
            return await db.SaveChangesAsync();
        });
        return CommentWriteResult.Done(comment.Id);
    }

    /// <summary>
    /// A moderator's reply, approved at once; replying approves the comment replied to if it was waiting, as
    /// WordPress does (answering a comment is taken as accepting it).
    /// </summary>
    public async Task<CommentWriteResult> ReplyAsync(ClaimsPrincipal user, string? address, string agent, int parentId, string text)
    {
        var found = await db.Comments.Where(c => c.Id == parentId)
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { Comment = c, PostAuthorId = p.AuthorId, p.Status }).SingleOrDefaultAsync();
        if (found is null)
        {
            return CommentWriteResult.Missing;
        }
        var me = PostPermissions.UserId(user);
        if (!CommentPermissions.CanModerate(user, found.PostAuthorId) || me is null)
        {
            return CommentWriteResult.Refused;
        }
        var content = text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (content.Length == 0)
        {
            return CommentWriteResult.Invalid(new FieldError("content", "Type a reply."));
        }
        if (content.Length > MaxContentLength)
        {
            return CommentWriteResult.Invalid(new FieldError("content", $"The reply is too long: at most {MaxContentLength:N0} characters."));
        }
        if (found.Status is not (PostStatus.Publish or PostStatus.Private))
        {
            return CommentWriteResult.Invalid(new FieldError("content", "This post is not published, so its comments cannot be replied to."));
        }
        var parent = found.Comment;
        if (parent.Approval is CommentApproval.Spam or CommentApproval.Trash)
        {
            return CommentWriteResult.Invalid(new FieldError("content", "A comment in the spam or the Trash cannot be replied to; restore it first."));
        }
        var author = await db.Users.Where(u => u.Id == me).Select(u => new { u.DisplayName, u.Email, u.Url }).SingleAsync();
        var reply = new Comment
        {
            PostId = parent.PostId,
            ParentId = parent.Id,
            UserId = me,
            AuthorName = author.DisplayName,
            AuthorEmail = author.Email,
            AuthorUrl = author.Url,
            AuthorIp = address ?? "",
            Agent = agent.Length > 255 ? agent[..255] : agent,
            Content = content,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Approval = CommentApproval.Approved,
        };
        await CommentCounts.ChangeAsync(db, [parent.PostId], async () =>
        {
            if (parent.Approval == CommentApproval.Pending)
            {
                parent.Approval = CommentApproval.Approved;
            }
            db.Comments.Add(reply);
            activity.Add(address, CommentActivity.Replied, user.Identity?.Name ?? "", me, await DetailAsync([parent]));
            return await db.SaveChangesAsync();
        });
        return CommentWriteResult.Done(reply.Id);
    }

    public static FieldError[] Validate(CommentEdit edit)
    {
        var errors = new List<FieldError>();
        if (edit.AuthorName.Length > MaxNameLength)
        {
            errors.Add(new FieldError("author", $"The name is too long: at most {MaxNameLength} characters."));
        }
        if (edit.AuthorEmail.Length > MaxEmailLength)
        {
            errors.Add(new FieldError("email", $"The e-mail address is too long: at most {MaxEmailLength} characters."));
        }
        else if (edit.AuthorEmail.Length > 0 && !LooksLikeEmail(edit.AuthorEmail))
        {
            errors.Add(new FieldError("email", "The e-mail address is not valid (it needs a name, an @ and a domain)."));
        }
        if (edit.AuthorUrl.Length > MaxUrlLength)
        {
            errors.Add(new FieldError("url", $"The website address is too long: at most {MaxUrlLength} characters."));
        }
        else if (edit.AuthorUrl.Length > 0 && !(Uri.TryCreate(edit.AuthorUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add(new FieldError("url", "The website must be an address starting with http:// or https://."));
        }
        if (edit.Content.Length == 0)
        {
            errors.Add(new FieldError("content", "The comment cannot be empty; move it to the Trash instead."));
        }
        else if (edit.Content.Length > MaxContentLength)
        {
            errors.Add(new FieldError("content", $"The comment is too long: at most {MaxContentLength:N0} characters."));
        }
        return [.. errors];
    }

    private static bool LooksLikeEmail(string email) =>
        email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < email.Length - 3 && email.IndexOf('.', at) > at + 1
        && !email.Any(char.IsWhiteSpace);

    private void SetMeta(List<CommentMeta> own, int commentId, string key, string value)
    {
        if (own.FirstOrDefault(m => m.Key == key) is { } meta)
        {
            meta.Value = value;
            return;
        }
        var added = new CommentMeta { CommentId = commentId, Key = key, Value = value };
        db.CommentMeta.Add(added);
        own.Add(added);
    }

    /// <summary>The log's detail: one comment by its id, author and post; several by their ids.</summary>
    private async Task<string> DetailAsync(List<Comment> comments)
    {
        if (comments.Count == 1)
        {
            var comment = comments[0];
            var title = await db.Posts.Where(p => p.Id == comment.PostId).Select(p => p.Title).SingleOrDefaultAsync() ?? "";
            return string.Create(CultureInfo.InvariantCulture, $"#{comment.Id} by {(comment.AuthorName.Length == 0 ? "Anonymous" : comment.AuthorName)} on “{title}”");
        }
        return $"{comments.Count} comments: " + string.Join(", ", comments.Select(c => string.Create(CultureInfo.InvariantCulture, $"#{c.Id}")));
    }
}
