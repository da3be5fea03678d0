using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>
/// Admin → Comments: the list, its row and bulk actions, the reply and edit screens (where the list's inline forms
/// go without script), and the confirm card a notification e-mail's moderation link opens. Every write goes through
/// <see cref="CommentModeration"/>, which checks each comment against its post's author.
/// </summary>
public static partial class ManageComments
{
    /// <summary>How many comments one bulk action may touch; a page shows 20, so this only stops abuse.</summary>
    private const int MaxBulk = 200;

    /// <summary>The verbs of the row actions and bulk menu, under WordPress's names, and what each does.</summary>
    internal static readonly (string Verb, ModerationAction Action, string Notice)[] Verbs =
    [
        ("approve", ModerationAction.Approve, "approved"), ("unapprove", ModerationAction.Unapprove, "unapproved"),
        ("spam", ModerationAction.Spam, "spammed"), ("unspam", ModerationAction.NotSpam, "unspammed"),
        ("trash", ModerationAction.Trash, "trashed"), ("untrash", ModerationAction.Restore, "untrashed"),
        ("delete", ModerationAction.Delete, "deleted"),
    ];

    internal static void MapManageComments(this RouteGroupBuilder admin)
    {
        var capability = CommentPermissions.ScreenCapability;
        admin.MapGet("/comments", ListAsync).RequireAuthorization(capability);
        admin.MapPost("/comments/bulk", BulkAsync).RequireAuthorization(capability);
        admin.MapPost("/comments/{id:int}/{verb:regex(^(approve|unapprove|spam|unspam|trash|untrash|delete)$)}", RowActionAsync)
            .RequireAuthorization(capability);
        admin.MapGet("/comments/{id:int}/edit", ShowEditAsync).RequireAuthorization(capability);
        admin.MapPost("/comments/{id:int}/edit", SaveEditAsync).RequireAuthorization(capability);
        admin.MapGet("/comments/{id:int}/reply", ShowReplyAsync).RequireAuthorization(capability);
        admin.MapPost("/comments/{id:int}/reply", ReplyAsync).RequireAuthorization(capability);
        admin.MapGet("/comments/{id:int}/moderate", ConfirmModerationAsync).RequireAuthorization(capability);
        admin.MapPost("/comments/{id:int}/moderate", ModerateAsync).RequireAuthorization(capability);
        admin.MapPost("/comments/{id:int}/erase", CommentPrivacy.EraseOneAsync).RequireAuthorization(Users.Capabilities.ManageOptions);
    }

    /// <summary>The list address a form came from, if it is one of the Comments list's own; otherwise the plain list.</summary>
    internal static string ReturnTo(IFormCollection form)
    {
        var back = form["_return"].ToString();
        // The dashboard's Recent Comments comes back to the dashboard.
        return back == "/admin" ? back : back.StartsWith("/admin/comments", StringComparison.Ordinal) && !back.Contains("//", StringComparison.Ordinal)
            && !back.Contains('\\', StringComparison.Ordinal) && (back.Length == "/admin/comments".Length || back["/admin/comments".Length] == '?')
            ? back : "/admin/comments";
    }

    private static string WithNotice(string back, string notice) => back + (back.Contains('?', StringComparison.Ordinal) ? "&" : "?") + notice;

    /// <summary>The address to go back to after <paramref name="verb"/>, saying what happened (and offering Undo for spam and trash).</summary>
    private static string After(string back, string verb, ModerationResult result, IEnumerable<int> ids)
    {
        var notice = Verbs.First(v => v.Verb == verb).Notice;
        var skipped = result.Skipped + result.NotFound;
        var skippedPart = skipped > 0 ? FormattableString.Invariant($"&skipped={skipped}") : "";
        if (result.Changed == 0)
        {
            return WithNotice(back, FormattableString.Invariant($"done=nothing{skippedPart}"));
        }
        var undo = verb is "trash" or "spam" ? "&ids=" + string.Join(',', ids) : "";
        return WithNotice(back, FormattableString.Invariant($"{notice}={result.Changed}{undo}{skippedPart}"));
    }

    private static async Task<IResult> RowActionAsync(HttpContext http, CommentModeration moderation, int id, string verb, IFormCollection form)
    {
        var action = Verbs.First(v => v.Verb == verb).Action;
        var result = await moderation.ApplyAsync(http.User, http.Connection.RemoteIpAddress?.ToString(), action, [id]);
        if (result.NotFound == 1)
        {
            return TypedResults.NotFound();
        }
        // One comment the user may not moderate: a refusal, not a quiet "nothing changed".
        if (result.Changed == 0 && !await MayModerateAsync(http, moderation, id))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
        return TypedResults.Redirect(After(ReturnTo(form), verb, result, [id]));
    }

    private static Task<bool> MayModerateAsync(HttpContext http, CommentModeration moderation, int id) => moderation.MayModerateAsync(http.User, id);

    private static async Task<IResult> BulkAsync(HttpContext http, CommentModeration moderation, IFormCollection form)
    {
        var ids = BulkChoice.Ids(form, "delete_comments[]", MaxBulk);
        var verb = BulkChoice.Action(form);
        var back = ReturnTo(form);
        if (ids.Count == 0 || !Verbs.Any(v => v.Verb == verb))
        {
            return TypedResults.Redirect(WithNotice(back, "done=none"));
        }
        var result = await moderation.ApplyAsync(http.User, http.Connection.RemoteIpAddress?.ToString(), Verbs.First(v => v.Verb == verb).Action, ids);
        return TypedResults.Redirect(After(back, verb, result, ids));
    }

    /// <summary>The comment a screen is about, with its post, if the user may moderate it; null with the answer to give otherwise.</summary>
    private static async Task<(CommentScreenComment? Comment, IResult? Refusal)> LoadAsync(HttpContext http, AppDbContext db,
        SiteSettingsCache settingsCache, IAntiforgery antiforgery, int id)
    {
        var settings = await settingsCache.GetAsync(db);
        var found = await db.Comments.AsNoTracking().Where(c => c.Id == id)
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { Comment = c, p.Title, p.AuthorId, p.Type, p.Status })
            .SingleOrDefaultAsync();
        if (found is null)
        {
            return (null, AdminFeature.Screen<NotFoundScreen>(await AdminChrome.ForAsync(http, db, settingsCache, antiforgery), StatusCodes.Status404NotFound));
        }
        if (!CommentPermissions.CanModerate(http.User, found.AuthorId))
        {
            return (null, AdminFeature.Screen<DeniedScreen>(await AdminChrome.ForAsync(http, db, settingsCache, antiforgery), StatusCodes.Status403Forbidden));
        }
        var c = found.Comment;
        var local = settings.ToLocal(c.CreatedAtUtc);
        return (new CommentScreenComment(c.Id, c.Approval, c.AuthorName.Length == 0 ? "Anonymous" : c.AuthorName, c.AuthorName, c.AuthorEmail,
            c.AuthorUrl, c.AuthorIp, c.Agent, c.Content, c.PostId, found.Title.Length == 0 ? "(no title)" : found.Title,
            PostPermissions.CanEdit(http.User, found.AuthorId, found.Type, found.Status) ? FormattableString.Invariant($"/admin/{ManagePosts.PathOf(found.Type)}/{c.PostId}/edit") : null,
            PhpDateFormat.Format(local, $"{settings.DateFormat} \\a\\t {settings.TimeFormat}")), null);
    }

    private static async Task<IResult> ShowEditAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, int id)
    {
        var (comment, refusal) = await LoadAsync(http, db, settings, antiforgery, id);
        return refusal ?? AdminFeature.Screen<CommentEditScreen>(new CommentEditModel(await AdminChrome.ForAsync(http, db, settings, antiforgery), comment!,
            new CommentEdit(comment!.AuthorNameAsStored, comment.Email, comment.Url, comment.Content), [],
            CommentPermissions.CanManagePersonalData(http.User), "/admin/comments", http.Request.Query["done"] == "erased"));
    }

    private static async Task<IResult> SaveEditAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        CommentModeration moderation, int id, IFormCollection form)
    {
        var edit = new CommentEdit(form["newcomment_author"].ToString(), form["newcomment_author_email"].ToString(),
            form["newcomment_author_url"].ToString(), form["content"].ToString());
        var result = await moderation.EditAsync(http.User, http.Connection.RemoteIpAddress?.ToString(), id, edit);
        if (result.Saved)
        {
            return TypedResults.Redirect(WithNotice(ReturnTo(form), "done=edited"));
        }
        var (comment, refusal) = await LoadAsync(http, db, settings, antiforgery, id);
        // What was typed comes back in the form, with what to fix beside it.
        return refusal ?? AdminFeature.Screen<CommentEditScreen>(new CommentEditModel(await AdminChrome.ForAsync(http, db, settings, antiforgery), comment!,
            edit, result.Errors, CommentPermissions.CanManagePersonalData(http.User), ReturnTo(form), false), StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ShowReplyAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, int id)
    {
        var (comment, refusal) = await LoadAsync(http, db, settings, antiforgery, id);
        return refusal ?? AdminFeature.Screen<CommentReplyScreen>(new CommentReplyModel(await AdminChrome.ForAsync(http, db, settings, antiforgery), comment!,
            "", [], "/admin/comments"));
    }

    private static async Task<IResult> ReplyAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        CommentModeration moderation, int id, IFormCollection form)
    {
        var text = form["replycontent"].ToString();
        var result = await moderation.ReplyAsync(http.User, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), id, text);
        if (result.Saved)
        {
            return TypedResults.Redirect(WithNotice(ReturnTo(form), "done=replied"));
        }
        var (comment, refusal) = await LoadAsync(http, db, settings, antiforgery, id);
        return refusal ?? AdminFeature.Screen<CommentReplyScreen>(new CommentReplyModel(await AdminChrome.ForAsync(http, db, settings, antiforgery), comment!,
            text, result.Errors, ReturnTo(form)), StatusCodes.Status400BadRequest);
    }

    /// <summary>The actions a notification e-mail links to; a link only opens this card, and its one button makes the change.</summary>
    private static readonly (string Action, string Verb, string Question, string Button)[] LinkActions =
    [
        ("approve", "approve", "Approve this comment?", "Approve comment"),
        ("spam", "spam", "Mark this comment as spam?", "Mark as spam"),
        ("trash", "trash", "Move this comment to the Trash?", "Move to Trash"),
    ];

    private static async Task<IResult> ConfirmModerationAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, int id)
    {
        var (comment, refusal) = await LoadAsync(http, db, settings, antiforgery, id);
        if (refusal is not null)
        {
            return refusal;
        }
        var chosen = LinkActions.FirstOrDefault(a => a.Action == http.Request.Query["action"].ToString());
        var action = chosen.Action is null ? null : new ModerationChoice(chosen.Verb, chosen.Question, chosen.Button);
        return AdminFeature.Screen<ModerateCommentScreen>(new ModerateCommentModel(await AdminChrome.ForAsync(http, db, settings, antiforgery), comment!, action),
            action is null ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<IResult> ModerateAsync(HttpContext http, CommentModeration moderation, int id, IFormCollection form)
    {
        var verb = form["action"].ToString();
        // Refused before anything else, so a made-up action cannot tell a stranger's comment from a missing one.
        if (!await moderation.MayModerateAsync(http.User, id))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!LinkActions.Any(a => a.Verb == verb))
        {
            return TypedResults.BadRequest();
        }
        return await RowActionAsync(http, moderation, id, verb, form);
    }

    /// <summary>A comment as its own screens show it: the stored values, and where its post is edited.</summary>
    public sealed record CommentScreenComment(
        int Id, CommentApproval State, string Author, string AuthorNameAsStored, string Email, string Url, string Ip, string Agent, string Content,
        int PostId, string PostTitle, string? PostEditHref, string Submitted)
    {
        public string StateLabel => State switch
        {
            CommentApproval.Approved => "Approved",
            CommentApproval.Pending => "Pending",
            CommentApproval.Spam => "Spam",
            _ => "In the Trash",
        };
    }

    public sealed record CommentEditModel(AdminChrome Chrome, CommentScreenComment Comment, CommentEdit Values, IReadOnlyList<FieldError> Errors,
        bool CanErase, string ReturnTo, bool Erased);

    public sealed record CommentReplyModel(AdminChrome Chrome, CommentScreenComment Comment, string Text, IReadOnlyList<FieldError> Errors, string ReturnTo);

    public sealed record ModerationChoice(string Verb, string Question, string Button);

    public sealed record ModerateCommentModel(AdminChrome Chrome, CommentScreenComment Comment, ModerationChoice? Choice);
}
