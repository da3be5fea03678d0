using System.Net.Mail;
using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Masthead.Features.Comments;

/// <summary>
/// A comment as it arrives, from the reader's form or a signed-in user. <c>UserId</c> is the signed-in user it comes
/// from (name, e-mail and site are then the account's) and <c>Role</c> their role; <c>Spam</c> says the form's
/// defenses found a robot (honeypot filled, sent faster than anyone types), <c>Hold</c> that they could not tell (no
/// timing token: no script), so a moderator decides.
/// </summary>
public sealed record CommentSubmission(
    int PostId, int? ParentId, string Author, string Email, string Url, string Text, string Ip, string Agent,
    int? UserId = null, bool Spam = false, bool Hold = false, string? Role = null);

/// <summary>Why a comment was not taken, in the words the commenter sees, and the status code the page answers with.</summary>
public sealed record CommentRefusal(string Message, int StatusCode);

/// <summary>The saved comment, or why there is none.</summary>
public sealed record CommentResult(Comment? Comment, CommentRefusal? Refusal);

/// <summary>
/// The one place that decides what a new comment is — approved, held, spam or trash — from the Discussion settings
/// and the form's defenses, refuses what WordPress refuses (closed posts, duplicates, floods, missing fields), and
/// saves it with its post's count and the notification mail in one transaction.
/// </summary>
public sealed class CommentPosting(AppDbContext db, TimeProvider clock, SiteSettingsCache settingsCache, CommentNotifications notifications,
    IOptions<CommentOptions> options)
{
    public const string DuplicateMessage = "Duplicate comment detected; it looks as though you’ve already said that!";
    public const string FloodMessage = "You are posting comments too quickly. Slow down.";
    public const string ClosedMessage = "Sorry, comments are closed for this item.";

    private sealed record Target(int Id, PostType Type, PostStatus Status, CommentStatus CommentStatus, DateTime PublishedAtUtc,
        string Password, int AuthorId, string Title);

    private static CommentResult Refuse(string message, int status) => new(null, new CommentRefusal(message, status));

    /// <summary>Whether a post takes comments now: its own switch, and the "close after N days" setting for posts.</summary>
    public static bool IsOpen(PostType type, CommentStatus status, DateTime publishedAtUtc, DiscussionSettings discussion, DateTime nowUtc) =>
        status == CommentStatus.Open
        && (type != PostType.Post || discussion.CloseAfterDays is not { } days || publishedAtUtc > nowUtc.AddDays(-days));

    /// <summary>Decides, refuses or saves a comment; <paramref name="givenPassword"/> is the post password this reader gave last.</summary>
    public async Task<CommentResult> PostAsync(CommentSubmission s, string? givenPassword)
    {
        var settings = await settingsCache.GetAsync(db);
        var discussion = settings.Discussion;
        var now = clock.GetUtcNow().UtcDateTime;
        var post = await db.Posts.AsNoTracking().Where(p => p.Id == s.PostId)
            .Select(p => new Target(p.Id, p.Type, p.Status, p.CommentStatus, p.PublishedAtUtc, p.Password, p.AuthorId, p.Title))
            .FirstOrDefaultAsync();
        // CASE: no such post, or one readers cannot see (draft, pending, scheduled, private, trashed).
        if (post is null || post.Status != PostStatus.Publish || (post.Type != PostType.Post && post.Type != PostType.Page))
        {
            return Refuse("Comments cannot be posted here: this item is not published.", StatusCodes.Status404NotFound);
        }
        if (!IsOpen(post.Type, post.CommentStatus, post.PublishedAtUtc, discussion, now))
        {
            return Refuse(ClosedMessage, StatusCodes.Status403Forbidden);
        }
        if (post.Password.Length > 0 && post.Password != givenPassword)
        {
            return Refuse("This post is password protected. Enter its password on the post’s page before commenting.", StatusCodes.Status403Forbidden);
        }
        if (discussion.RegisteredUsersOnly && s.UserId is null)
        {
            return Refuse("Sorry, you must be logged in to comment.", StatusCodes.Status403Forbidden);
        }

        // Editors moderate every comment; an author those on their own posts, as the Comments screen allows.
        var canModerate = s.UserId is { } userId && (Roles.Can(s.Role, Capabilities.ModerateComments)
            || (userId == post.AuthorId && Roles.Can(s.Role, Capabilities.EditPublishedPosts)));
        var comment = await BuildAsync(s, post.Id, now);
        if (Invalid(comment, s.UserId is null && discussion.RequireNameAndEmail, s.Text) is { } invalid)
        {
            return Refuse(invalid, StatusCodes.Status400BadRequest);
        }
        if (await DuplicateAsync(comment))
        {
            return Refuse(DuplicateMessage, StatusCodes.Status409Conflict);
        }
        if (!canModerate && await FloodingAsync(comment, now))
        {
            return Refuse(FloodMessage, StatusCodes.Status429TooManyRequests);
        }
        comment.Approval = await DecideAsync(comment, s, discussion, canModerate);

        await CommentCounts.ChangeAsync(db, [post.Id], async () =>
        {
            db.Comments.Add(comment);
            await db.SaveChangesAsync();
            // The mail names the comment, so it is queued once the comment has its id, in the same transaction.
            await notifications.QueueAsync(comment, post.AuthorId, post.Title, settings);
            return await db.SaveChangesAsync();
        });
        return new CommentResult(comment, null);
    }

    private async Task<Comment> BuildAsync(CommentSubmission s, int postId, DateTime now)
    {
        var comment = new Comment
        {
            PostId = postId,
            AuthorName = s.Author.Trim(),
            AuthorEmail = s.Email.Trim(),
            AuthorUrl = s.Url.Trim(),
            AuthorIp = Cut(s.Ip, 100),
            Agent = Cut(s.Agent, 255),
            Content = CommentHtml.Clean(s.Text.Trim()),
            CreatedAtUtc = now,
            Type = CommentTypes.Comment,
        };
        if (s.UserId is { } userId && await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.DisplayName, u.Email, u.Url }).FirstOrDefaultAsync() is { } user)
        {
            comment.UserId = userId;
            comment.AuthorName = user.DisplayName;
            comment.AuthorEmail = user.Email;
            comment.AuthorUrl = user.Url;
        }
        if (comment.AuthorUrl.Length > 0 && !comment.AuthorUrl.Contains("://", StringComparison.Ordinal))
        {
            // WordPress's habit: "example.org" typed in the Website field means its http address.
            comment.AuthorUrl = "http://" + comment.AuthorUrl;
        }
        // A reply only to an approved comment of the same post; anything else starts a thread of its own.
        if (s.ParentId is { } parent and > 0
            && await db.Comments.AnyAsync(c => c.Id == parent && c.PostId == postId && c.Approval == CommentApproval.Approved))
        {
            comment.ParentId = parent;
        }
        return comment;
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>WordPress's checks on the fields, with its messages.</summary>
    private static string? Invalid(Comment c, bool requireNameEmail, string typed)
    {
        if (c.AuthorName.Length > 245)
        {
            return "Your name is too long.";
        }
        if (c.AuthorEmail.Length > 100)
        {
            return "Your email address is too long.";
        }
        if (c.AuthorUrl.Length > 200)
        {
            return "Your URL is too long.";
        }
        if (typed.Length > CommentHtml.MaxLength || c.Content.Length > CommentHtml.MaxLength)
        {
            return "Your comment is too long.";
        }
        if (requireNameEmail && (c.AuthorName.Length == 0 || c.AuthorEmail.Length == 0))
        {
            return "Please fill the required fields.";
        }
        if (c.AuthorEmail.Length > 0 && (!MailAddress.TryCreate(c.AuthorEmail, out var address) || address.Address != c.AuthorEmail))
        {
            return "Please enter a valid email address.";
        }
        if (c.AuthorUrl.Length > 0 && !(Uri.TryCreate(c.AuthorUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            return "Please enter a valid website address (http or https).";
        }
        return c.Content.Trim().Length == 0 ? "Please type your comment text." : null;
    }

    /// <summary>The same words from the same author in the same place, whatever became of the first one.</summary>
    private Task<bool> DuplicateAsync(Comment c) =>
        db.Comments.AnyAsync(o => o.PostId == c.PostId && o.ParentId == c.ParentId && o.Content == c.Content
            && (o.AuthorName == c.AuthorName || (c.AuthorEmail != "" && o.AuthorEmail == c.AuthorEmail)));

    private async Task<bool> FloodingAsync(Comment c, DateTime now)
    {
        var seconds = options.Value.FloodSeconds;
        if (seconds <= 0)
        {
            return false;
        }
        var since = now.AddSeconds(-seconds);
        // Every approval state listed, so the (Approval, CreatedAtUtc) index finds the last few seconds' comments.
        CommentApproval[] every = [CommentApproval.Pending, CommentApproval.Approved, CommentApproval.Spam, CommentApproval.Trash];
        return await db.Comments.AnyAsync(o => every.Contains(o.Approval) && o.CreatedAtUtc > since
            && ((c.AuthorIp != "" && o.AuthorIp == c.AuthorIp) || (c.AuthorEmail != "" && o.AuthorEmail == c.AuthorEmail)));
    }

    /// <summary>What becomes of a comment that was taken, in WordPress's order: a robot is spam, a moderator is trusted, the disallowed list trashes, then anything that holds it.</summary>
    private async Task<CommentApproval> DecideAsync(Comment c, CommentSubmission s, DiscussionSettings discussion, bool canModerate)
    {
        if (s.Spam)
        {
            return CommentApproval.Spam;
        }
        // A moderator's own comment is approved, as WordPress does; the lists are for everyone else.
        if (canModerate)
        {
            return CommentApproval.Approved;
        }
        string[] fields = [c.AuthorName, c.AuthorEmail, c.AuthorUrl, c.Content, c.AuthorIp, c.Agent];
        if (Matches(discussion.DisallowedWords, fields))
        {
            return CommentApproval.Trash;
        }
        if (s.Hold || discussion.HoldEveryComment
            || (discussion.HoldAtLinks > 0 && CommentHtml.CountLinks(s.Text) >= discussion.HoldAtLinks)
            || Matches(discussion.ModerationWords, fields))
        {
            return CommentApproval.Pending;
        }
        if (discussion.TrustPreviouslyApproved)
        {
            var userId = c.UserId;
            var email = c.AuthorEmail;
            var known = await db.Comments.AnyAsync(o => o.Approval == CommentApproval.Approved
                && ((userId != null && o.UserId == userId) || (email != "" && o.AuthorEmail == email)));
            if (!known)
            {
                return CommentApproval.Pending;
            }
        }
        return CommentApproval.Approved;
    }

    /// <summary>A listed word anywhere in any field, inside other words too ("press" in "WordPress"), as WordPress matches.</summary>
    private static bool Matches(IReadOnlyList<string> words, string[] fields) =>
        words.Any(word => word.Length > 0 && fields.Any(f => f.Contains(word, StringComparison.OrdinalIgnoreCase)));
}
