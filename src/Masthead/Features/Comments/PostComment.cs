using System.Globalization;
using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Themes;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Masthead.Features.Comments;

/// <summary>
/// <c>POST /wp-comments-post.php</c>, WordPress's address for the comment form: reads the form, weighs the
/// form's defenses (honeypot, timing token, the signed-in user's antiforgery token), hands the comment to
/// <see cref="CommentPosting"/>, remembers the commenter's details when they agreed to it, and sends them to their
/// comment. A refusal shows the theme's page with the reason and the form filled in with what was typed.
/// </summary>
public static class PostComment
{
    /// <summary>The hidden field no person fills in; robots that fill every field give themselves away.</summary>
    public const string HoneypotField = "masthead_hp";

    public const string ConsentField = "wp-comment-cookies-consent";

    /// <summary>WordPress keeps the remembered details for 30,000,000 seconds (about 347 days).</summary>
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(30_000_000);

    /// <summary>The fields as typed, kept to fill the form again when the comment is refused.</summary>
    internal sealed record Typed(int PostId, int Parent, string Author, string Email, string Url, string Text, bool Consent)
    {
        public static Typed From(IFormCollection form) => new(
            Id(form["comment_post_ID"]), Id(form["comment_parent"]),
            form["author"].ToString(), form["email"].ToString(), form["url"].ToString(), form["comment"].ToString(),
            form[ConsentField].ToString() == "yes");

        private static int Id(string? text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : 0;
    }

    internal static async Task<IResult> SubmitAsync(HttpContext http, AppDbContext db, CommentPosting posting, CommentTokens tokens,
        IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions)
    {
        var form = await http.Request.ReadFormAsync();
        var typed = Typed.From(form);

        // CASE: a signed-in user, whose page script added the antiforgery token: they comment as themselves. Without
        // the token (no script) they are a guest like any other; with a bad one, somebody else may have sent it.
        int? userId = null;
        if (http.User.Identity?.IsAuthenticated == true && PostPermissions.UserId(http.User) is { } signedIn)
        {
            if (await antiforgery.IsRequestValidAsync(http))
            {
                userId = signedIn;
            }
            else if (form.ContainsKey(antiforgeryOptions.Value.FormFieldName))
            {
                return await RefusedAsync(http, db, typed, tokens, new CommentRefusal(
                    "This comment could not be confirmed as coming from your signed-in session. It is below: please send it again.",
                    StatusCodes.Status400BadRequest));
            }
        }

        var timing = tokens.Check(form[CommentTokens.TimingField], typed.PostId);
        if (timing == TimingVerdict.Expired)
        {
            return await RefusedAsync(http, db, typed, tokens, new CommentRefusal(
                "This comment form was open for too long to be sent. Your comment is below: please send it again.",
                StatusCodes.Status400BadRequest));
        }
        var robot = form[HoneypotField].ToString().Length > 0 || timing is TimingVerdict.TooFast or TimingVerdict.Forged;

        var result = await posting.PostAsync(new CommentSubmission(
            typed.PostId, typed.Parent, typed.Author, typed.Email, typed.Url, typed.Text,
            http.Connection.RemoteIpAddress?.ToString() ?? "",
            http.Request.Headers.UserAgent.ToString(),
            userId, Spam: robot, Hold: timing == TimingVerdict.Missing, Role: http.User.FindFirstValue(ClaimTypes.Role)),
            PostPasswords.Given(http));
        if (result.Comment is not { } comment)
        {
            return await RefusedAsync(http, db, typed, tokens, result.Refusal!);
        }

        var reader = await ReaderContext.CreateAsync(http, db);
        var settings = reader.Settings;
        if (userId is null)
        {
            Remember(http, comment, typed.Consent, CommentTokens.CookieHash(settings.HomeUrl));
        }
        var postUrl = (await PublishedAsync(reader, comment.PostId)) is { } row ? PostCards.Build(reader.Site, row, singular: true).Url : "/";
        var target = comment.Approval switch
        {
            // CASE: shown at once: to the comment, on its comment page.
            CommentApproval.Approved => await CommentThreads.PageUrlAsync(db, comment, postUrl, settings.Discussion) + $"#comment-{comment.Id}",
            // CASE: held: the writer's own link shows it to them with "awaiting moderation", and to nobody else.
            CommentApproval.Pending => await CommentThreads.PageUrlAsync(db, comment, postUrl, settings.Discussion)
                + string.Create(CultureInfo.InvariantCulture,
                    $"?unapproved={comment.Id}&moderation-hash={Uri.EscapeDataString(tokens.ModerationHash(comment.Id))}#comment-{comment.Id}"),
            // CASE: spam or trash: kept for the moderators, and nothing to show.
            _ => postUrl + "#comments",
        };
        return TypedResults.Redirect(ReturnPath.Safe(target, "/"));
    }

    /// <summary>WordPress's remembered details, only with the commenter's consent; without it, any earlier ones are forgotten.</summary>
    private static void Remember(HttpContext http, Comment comment, bool consent, string hash)
    {
        var cookies = http.Response.Cookies;
        foreach (var (name, value) in new[]
        {
            ($"comment_author_{hash}", comment.AuthorName),
            ($"comment_author_email_{hash}", comment.AuthorEmail),
            ($"comment_author_url_{hash}", comment.AuthorUrl),
        })
        {
            // Readable by the page's script, which fills the form with them: the page itself is the same for everyone.
            var options = new CookieOptions { Path = "/", SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, HttpOnly = false };
            if (consent && value.Length > 0)
            {
                options.MaxAge = Remembered;
                cookies.Append(name, value, options);
            }
            else
            {
                cookies.Delete(name, options);
            }
        }
    }

    /// <summary>The post as readers see it, when it is one they can open (published, a post or a page).</summary>
    private static Task<PostRow?> PublishedAsync(ReaderContext reader, int postId) => postId == 0 ? Task.FromResult<PostRow?>(null)
        : reader.Db.Posts.AsNoTracking()
            .Where(p => p.Id == postId && p.Status == PostStatus.Publish && (p.Type == PostType.Post || p.Type == PostType.Page))
            .Select(PostCards.Row).FirstOrDefaultAsync();

    /// <summary>The theme's page for a refused comment: the reason, and the form again with everything that was typed.</summary>
    internal static async Task<IResult> RefusedAsync(HttpContext http, AppDbContext db, Typed typed, CommentTokens tokens, CommentRefusal refusal)
    {
        http.Response.Headers.CacheControl = "no-store";
        var reader = await ReaderContext.CreateAsync(http, db);
        var row = await PublishedAsync(reader, typed.PostId);
        var post = row is null ? null : PostCards.Build(reader.Site, row, singular: true);
        var discussion = reader.Settings.Discussion;
        var form = new CommentFormTemplateModel(
            typed.Author, typed.Email, typed.Url, typed.Text, typed.Parent, typed.Consent, refusal.Message,
            // A fresh timing token: the text is written already, and the writer only has to send it again.
            row is null ? "" : tokens.Issue(row.Id),
            post?.Title ?? "", post?.Url ?? "/");
        var model = new DiscussionTemplateModel(
            typed.PostId, Open: row is not null, discussion.RegisteredUsersOnly, discussion.RequireNameAndEmail,
            "/login?redirect_to=" + Uri.EscapeDataString(post?.Url ?? "/"), FormAction, CommentTokens.CookieHash(reader.Settings.HomeUrl),
            typed.Parent, "", post?.Url ?? "/", discussion.ThreadDepth > 1, null, row?.CommentCount ?? 0);
        return await reader.RenderAsync(
            TemplateHierarchy.CommentError(),
            new PageMetaTemplateModel(reader.DocumentTitle("Comment not posted"), refusal.Message, "", "comment-error", NoIndex: true),
            page => page with { Discussion = model, CommentForm = form },
            refusal.StatusCode);
    }

    public const string FormAction = "/wp-comments-post.php";
}
