using System.Globalization;
using Masthead.Data;
using Masthead.Features.Mail;
using Masthead.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>
/// WordPress's two comment e-mails, queued in the outbox within the comment's own save: "a comment is held for
/// moderation" to the site's administration address and the post's author (<c>moderation_notify</c>), and "a new
/// comment" to the post's author (<c>comments_notify</c>). Their links lead to the admin's moderation addresses,
/// which ask for sign-in and the capability.
/// </summary>
public sealed class CommentNotifications(AppDbContext db, Outbox outbox)
{
    public async Task QueueAsync(Comment comment, int postAuthorId, string postTitle, SiteSettings settings)
    {
        var discussion = settings.Discussion;
        var author = await db.Users.AsNoTracking().Where(u => u.Id == postAuthorId).Select(u => new { u.Id, u.Email }).FirstOrDefaultAsync();
        var title = postTitle.Length == 0 ? "(no title)" : postTitle;
        var site = settings.Title;
        var links = Links(settings.HomeUrl, comment.Id);
        var about = string.Join('\n',
            $"Author: {comment.AuthorName} (IP address: {comment.AuthorIp})",
            $"Email: {comment.AuthorEmail}",
            $"URL: {comment.AuthorUrl}",
            "Comment:",
            comment.Content,
            "");

        if (comment.Approval == CommentApproval.Pending && discussion.EmailModeratorOnHold)
        {
            var body = string.Join('\n',
                $"A new comment on the post \"{title}\" is waiting for your approval.",
                "",
                about,
                $"Approve it: {links.Approve}",
                $"Trash it: {links.Trash}",
                $"Spam it: {links.Spam}");
            var subject = $"[{site}] Please moderate: \"{title}\"";
            foreach (var to in new[] { settings.AdminEmail, author?.Email ?? "" }.Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                outbox.Enqueue(new OutgoingMail(to, subject, body));
            }
        }
        // The author hears of approved comments, but not of their own.
        else if (comment.Approval == CommentApproval.Approved && discussion.EmailAuthorOnComment
                 && author is { Email.Length: > 0 } && comment.UserId != author.Id)
        {
            var body = string.Join('\n',
                $"New comment on your post \"{title}\"",
                "",
                about,
                $"Trash it: {links.Trash}",
                $"Spam it: {links.Spam}");
            outbox.Enqueue(new OutgoingMail(author.Email, $"[{site}] Comment: \"{title}\"", body));
        }
    }

    /// <summary>The admin's moderation addresses for one comment, under the site address when one is stored.</summary>
    public static (string Approve, string Spam, string Trash) Links(string homeUrl, int commentId)
    {
        string Link(string action) => string.Create(CultureInfo.InvariantCulture, $"{homeUrl}/admin/comments/{commentId}/moderate?action={action}");
        return (Link("approve"), Link("spam"), Link("trash"));
    }
}
