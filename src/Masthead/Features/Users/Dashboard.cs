using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>The admin's front page: the site at a glance, for anyone signed in.</summary>
public static class Dashboard
{
    /// <summary>Set once an administrator has closed the welcome card.</summary>
    public const string WelcomeDismissedMeta = "masthead_welcome_dismissed";

    public sealed record GlanceCounts(
        int PublishedPosts, int Drafts, int PendingPosts, int ScheduledPosts, int PublishedPages,
        int ApprovedComments, int PendingComments, int SpamComments);

    /// <summary>A post as a dashboard list shows it: its title, linking to its editor, and one fact beside it.</summary>
    public sealed record PostLink(int Id, string Title, string Detail);

    /// <summary>A Quick Draft that was not saved: what was typed, why not, and which field it is about ("" for the draft as a whole).</summary>
    public sealed record QuickDraftEntry(string Title, string Content, string Problem, string ProblemField);

    public sealed record DashboardModel(
        AdminChrome Chrome, GlanceCounts Glance, bool Drafted, bool ShowWelcome, bool CanWrite, IReadOnlyList<PostLink> Drafts,
        IReadOnlyList<PostLink> RecentlyPublished, IReadOnlyList<PostLink> ComingUp,
        bool ShowsPending, IReadOnlyList<PostLink> Pending, bool ShowsActivity, IReadOnlyList<string> RecentActivity,
        QuickDraftEntry? QuickDraft = null, IReadOnlyList<RecentComment>? RecentComments = null)
    {
        /// <summary>Whether the user moderates comments, so the counts link to the Comments screen and Recent Comments shows.</summary>
        public bool ShowsComments => RecentComments is not null;
    }

    /// <summary>A comment in the Activity card: who, on what, the start of what they wrote, and whether it waits for approval.</summary>
    public sealed record RecentComment(int Id, string Author, string PostTitle, string Excerpt, bool Held);

    internal static Task<IResult> ShowAsync(HttpContext http, AppDbContext db, SiteSettingsCache settingsCache, IAntiforgery antiforgery) =>
        RenderAsync(http, db, settingsCache, antiforgery, quickDraft: null, StatusCodes.Status200OK);

    /// <summary>The dashboard, with a refused Quick Draft back in its form when there is one.</summary>
    internal static async Task<IResult> RenderAsync(HttpContext http, AppDbContext db, SiteSettingsCache settingsCache, IAntiforgery antiforgery,
        QuickDraftEntry? quickDraft, int statusCode)
    {
        var settings = await settingsCache.GetAsync(db);
        var role = http.User.FindFirstValue(ClaimTypes.Role);
        var me = PostPermissions.UserId(http.User) ?? 0;
        var glance = await GlanceAsync(db);
        string Day(DateTime utc) => PhpDateFormat.Format(settings.ToLocal(utc), settings.DateFormat);

        var drafts = await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Post && p.Status == PostStatus.Draft && p.AuthorId == me)
            .OrderByDescending(p => p.ModifiedAtUtc).Take(5)
            .Select(p => new { p.Id, p.Title, p.ModifiedAtUtc })
            .ToListAsync();
        var published = await db.Posts.AsNoTracking().Published().Newest().Take(5)
            .Select(p => new { p.Id, p.Title, p.PublishedAtUtc }).ToListAsync();
        var comingUp = await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Post && p.Status == PostStatus.Future)
            .OrderBy(p => p.PublishedAtUtc).Take(5)
            .Select(p => new { p.Id, p.Title, p.PublishedAtUtc }).ToListAsync();
        // Editors review what contributors submit; everyone else sees only their own drafts.
        var showsPending = Roles.Can(role, Capabilities.EditOthersPosts);
        var pending = !showsPending ? [] : await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Post && p.Status == PostStatus.Pending)
            .OrderBy(p => p.ModifiedAtUtc).Take(10)
            .Select(p => new { p.Id, p.Title, Author = db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync();
        var showsActivity = Roles.Can(role, Capabilities.ManageOptions);
        var activity = !showsActivity ? [] : await db.Set<ActivityEntry>().AsNoTracking()
            .OrderByDescending(a => a.Id).Take(5)
            .Select(a => new { a.Actor, a.Action, a.Detail })
            .ToListAsync();
        var recentComments = !CommentPermissions.CanUseScreen(http.User) ? null : await ManageComments.Moderated(db, http.User)
            .Where(c => c.Approval == CommentApproval.Pending || c.Approval == CommentApproval.Approved)
            .OrderByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id).Take(5)
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { c.Id, c.AuthorName, p.Title, c.Content, c.Approval })
            .ToListAsync();
        var showWelcome = showsActivity && glance.PublishedPosts <= 1
            && !await db.UserMeta.AnyAsync(m => m.UserId == me && m.Key == WelcomeDismissedMeta);

        return AdminFeature.Screen<DashboardScreen>(new DashboardModel(
            await AdminChrome.ForAsync(http, db, settingsCache, antiforgery),
            glance,
            Drafted: http.Request.Query.ContainsKey("drafted"),
            showWelcome,
            CanWrite: Roles.Can(role, Capabilities.EditPosts),
            [.. drafts.Select(d => new PostLink(d.Id, d.Title, $"· {Day(d.ModifiedAtUtc)}"))],
            [.. published.Select(p => new PostLink(p.Id, p.Title, $"· {Day(p.PublishedAtUtc)}"))],
            [.. comingUp.Select(p => new PostLink(p.Id, p.Title, $"· {Day(p.PublishedAtUtc)}"))],
            showsPending,
            [.. pending.Select(p => new PostLink(p.Id, p.Title, $"by {p.Author}"))],
            showsActivity,
            [.. activity.Select(a => $"{a.Actor} {a.Action}{(a.Detail.Length == 0 ? "" : ": " + a.Detail)}")],
            quickDraft,
            recentComments?.Select(c => new RecentComment(c.Id, c.AuthorName.Length == 0 ? "Anonymous" : c.AuthorName, c.Title.Length == 0 ? "(no title)" : c.Title,
                Excerpt(c.Content), c.Approval == CommentApproval.Pending)).ToList()), statusCode);
    }

    /// <summary>The first words of a comment, on one line, as the Activity card shows it.</summary>
    private static string Excerpt(string text)
    {
        var line = string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 120 ? line : line[..117].TrimEnd() + "…";
    }

    /// <summary>Closes the welcome card for good, for the administrator who closed it.</summary>
    internal static async Task<IResult> DismissWelcomeAsync(HttpContext http, AppDbContext db, IFormCollection form)
    {
        if (PostPermissions.UserId(http.User) is { } me)
        {
            await db.UpsertUserMetaAsync(me, WelcomeDismissedMeta, "1");
        }
        return TypedResults.Redirect("/admin");
    }

    private static async Task<GlanceCounts> GlanceAsync(AppDbContext db)
    {
        var posts = await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Post || p.Type == PostType.Page)
            .GroupBy(p => new { p.Type, p.Status })
            .Select(g => new { g.Key.Type, g.Key.Status, Count = g.Count() })
            .ToListAsync();
        var comments = await db.Comments.AsNoTracking()
            .GroupBy(c => c.Approval)
            .Select(g => new { Approval = g.Key, Count = g.Count() })
            .ToListAsync();
        int Count(PostType type, PostStatus status) => posts.Where(p => p.Type == type && p.Status == status).Sum(p => p.Count);
        int Comments(CommentApproval approval) => comments.Where(c => c.Approval == approval).Sum(c => c.Count);
        return new GlanceCounts(
            Count(PostType.Post, PostStatus.Publish), Count(PostType.Post, PostStatus.Draft), Count(PostType.Post, PostStatus.Pending),
            Count(PostType.Post, PostStatus.Future), Count(PostType.Page, PostStatus.Publish),
            Comments(CommentApproval.Approved), Comments(CommentApproval.Pending), Comments(CommentApproval.Spam));
    }
}
