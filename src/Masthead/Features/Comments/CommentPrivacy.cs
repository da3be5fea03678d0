using System.Globalization;
using System.Text.Json;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>
/// WordPress's privacy tools for comments, for administrators: erase one comment's personal data, and Tools →
/// Erase Personal Data / Export Personal Data for an e-mail address. Erasing keeps the text (a thread keeps making
/// sense) and makes its author "Anonymous", with no e-mail, website, IP address or browser, and no account link.
/// </summary>
public static class CommentPrivacy
{
    public const string AnonymousName = "Anonymous";
    public const string ErasePath = "/admin/tools/erase-personal-data";
    public const string ExportPath = "/admin/tools/export-personal-data";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal static void MapCommentPrivacy(this RouteGroupBuilder admin)
    {
        // The group already begins with /admin.
        var erase = ErasePath["/admin".Length..];
        var export = ExportPath["/admin".Length..];
        var capability = Users.Capabilities.ManageOptions;
        admin.MapGet(erase, (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery) =>
            ShowAsync(http, db, settings, antiforgery, erase: true, email: "", notice: null, error: null)).RequireAuthorization(capability);
        admin.MapGet(export, (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery) =>
            ShowAsync(http, db, settings, antiforgery, erase: false, email: "", notice: null, error: null)).RequireAuthorization(capability);
        admin.MapPost(erase, EraseByEmailAsync).RequireAuthorization(capability);
        admin.MapPost(export, ExportAsync).RequireAuthorization(capability);
    }

    /// <summary>Blanks what identifies the commenter; the comment stays where it was, in the state it was.</summary>
    private static void Anonymise(Comment comment)
    {
        comment.AuthorName = AnonymousName;
        comment.AuthorEmail = "";
        comment.AuthorUrl = "";
        comment.AuthorIp = "";
        comment.Agent = "";
        comment.UserId = null;
    }

    internal static async Task<IResult> EraseOneAsync(HttpContext http, AppDbContext db, ActivityLog activity, int id, IFormCollection form)
    {
        var comment = await db.Comments.SingleOrDefaultAsync(c => c.Id == id);
        if (comment is null)
        {
            return TypedResults.NotFound();
        }
        // The box ticked is the confirmation; without it (a hand-made request) nothing is erased.
        if (form["confirm"] != "1")
        {
            return TypedResults.Redirect(FormattableString.Invariant($"/admin/comments/{id}/edit"));
        }
        Anonymise(comment);
        activity.Add(http.Connection.RemoteIpAddress?.ToString(), CommentActivity.ErasedOne, http.User.Identity?.Name ?? "",
            PostPermissions.UserId(http.User), string.Create(CultureInfo.InvariantCulture, $"#{comment.Id}"));
        await CommentCounts.ChangeAsync(db, [comment.PostId], () => db.SaveChangesAsync());
        return TypedResults.Redirect(FormattableString.Invariant($"/admin/comments/{id}/edit?done=erased"));
    }

    /// <summary>The comments an address wrote: matched without regard to case, as people type their address both ways.</summary>
    private static IQueryable<Comment> ByEmail(AppDbContext db, string email)
    {
#pragma warning disable CA1304, CA1311, CA1862 // SQL's lower(), translated by EF.
        var lower = email.ToLowerInvariant();
        return db.Comments.Where(c => c.AuthorEmail.ToLower() == lower);
#pragma warning restore CA1304, CA1311, CA1862
    }

    private static string? Problem(string email) =>
        email.Length == 0 ? "Type the e-mail address whose data to find."
        : email.Length > CommentModeration.MaxEmailLength || !email.Contains('@', StringComparison.Ordinal) ? "That is not an e-mail address."
        : null;

    private static async Task<IResult> EraseByEmailAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        ActivityLog activity, IFormCollection form)
    {
        var email = form["email"].ToString().Trim();
        if (Problem(email) is { } problem)
        {
            return await ShowAsync(http, db, settings, antiforgery, erase: true, email, notice: null, problem, StatusCodes.Status400BadRequest);
        }
        if (form["confirm"] != "1")
        {
            return await ShowAsync(http, db, settings, antiforgery, erase: true, email, notice: null, error: null, confirm: true);
        }
        var comments = await ByEmail(db, email).ToListAsync();
        foreach (var comment in comments)
        {
            Anonymise(comment);
        }
        if (comments.Count > 0)
        {
            activity.Add(http.Connection.RemoteIpAddress?.ToString(), CommentActivity.ErasedByEmail, http.User.Identity?.Name ?? "",
                PostPermissions.UserId(http.User), $"{Words.Count(comments.Count, "comment")} by an e-mail address");
            await CommentCounts.ChangeAsync(db, [.. comments.Select(c => c.PostId)], () => db.SaveChangesAsync());
        }
        var notice = comments.Count == 0 ? $"No comments were found for {email}; nothing was erased."
            : $"Erased the personal data of {Words.Count(comments.Count, "comment")} by {email}. Their text is kept, under “{AnonymousName}”.";
        return await ShowAsync(http, db, settings, antiforgery, erase: true, email: "", notice, error: null);
    }

    private static async Task<IResult> ExportAsync(HttpContext http, AppDbContext db, SiteSettingsCache settingsCache, IAntiforgery antiforgery,
        ActivityLog activity, IFormCollection form)
    {
        var email = form["email"].ToString().Trim();
        if (Problem(email) is { } problem)
        {
            return await ShowAsync(http, db, settingsCache, antiforgery, erase: false, email, notice: null, problem, StatusCodes.Status400BadRequest);
        }
        var comments = await ByEmail(db, email).AsNoTracking()
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { Comment = c, p.Title })
            .OrderBy(c => c.Comment.CreatedAtUtc).ThenBy(c => c.Comment.Id)
            .ToListAsync();
        var export = new PersonalDataExport(email, comments.Count, [.. comments.Select(c => new ExportedComment(
            c.Comment.Id, c.Comment.PostId, c.Title, c.Comment.AuthorName, c.Comment.AuthorEmail, c.Comment.AuthorUrl, c.Comment.AuthorIp,
            c.Comment.Agent, DateTime.SpecifyKind(c.Comment.CreatedAtUtc, DateTimeKind.Utc), WpName.Of(c.Comment.Approval), c.Comment.Content))]);
        await activity.RecordAsync(http, CommentActivity.Exported, http.User.Identity?.Name ?? "", PostPermissions.UserId(http.User),
            $"{Words.Count(comments.Count, "comment")} by an e-mail address");
        var name = "comments-" + new string([.. email.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-')]) + ".json";
        return TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(export, Json), "application/json", name);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        bool erase, string email, string? notice, string? error, int status = StatusCodes.Status200OK, bool confirm = false)
    {
        var found = confirm ? await ByEmail(db, email).CountAsync() : 0;
        return AdminFeature.Screen<PersonalDataScreen>(new PersonalDataModel(await AdminChrome.ForAsync(http, db, settings, antiforgery),
            erase, email, notice, error, confirm, found), status);
    }

    public sealed record PersonalDataModel(AdminChrome Chrome, bool Erase, string Email, string? Notice, string? Error, bool Confirming, int Found)
    {
        public string Title => Erase ? "Erase Personal Data" : "Export Personal Data";

        public string Action => Erase ? ErasePath : ExportPath;
    }

    /// <summary>What the export file holds: the address, and each of its comments with everything kept about it.</summary>
    public sealed record PersonalDataExport(string Email, int CommentCount, IReadOnlyList<ExportedComment> Comments);

    public sealed record ExportedComment(int Id, int PostId, string PostTitle, string AuthorName, string AuthorEmail, string AuthorUrl,
        string AuthorIp, string UserAgent, DateTime Date, string Status, string Content);
}
