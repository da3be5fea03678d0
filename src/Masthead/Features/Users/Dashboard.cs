using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>The admin's front page: the site at a glance, for anyone signed in.</summary>
public static class Dashboard
{
    internal static async Task<IResult> ShowAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery)
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
        var me = PostPermissions.UserId(http.User) ?? 0;
        var drafts = await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Post && p.Status == PostStatus.Draft && p.AuthorId == me)
            .OrderByDescending(p => p.ModifiedAtUtc).Take(5)
            .Select(p => new { p.Id, p.Title })
            .ToListAsync();
        var role = http.User.FindFirstValue(ClaimTypes.Role);
        // Editors review what contributors submit; everyone else sees only their own drafts.
        var pending = !Roles.Can(role, Capabilities.EditOthersPosts) ? [] : await db.Posts.AsNoTracking()
            .Where(p => p.Type == PostType.Post && p.Status == PostStatus.Pending)
            .OrderBy(p => p.ModifiedAtUtc).Take(10)
            .Select(p => new { p.Id, p.Title, Author = db.Users.Where(u => u.Id == p.AuthorId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync();
        var activity = !Roles.Can(role, Capabilities.ManageOptions) ? [] : await db.Set<Masthead.Features.Activity.ActivityEntry>().AsNoTracking()
            .OrderByDescending(a => a.Id).Take(5)
            .Select(a => new { a.Actor, a.Action, a.Detail })
            .ToListAsync();
        var canWrite = Roles.Can(role, Capabilities.EditPosts);
        int Count(PostType type, PostStatus status) => posts.Where(p => p.Type == type && p.Status == status).Sum(p => p.Count);
        int Comments(CommentApproval approval) => comments.Where(c => c.Approval == approval).Sum(c => c.Count);

        var name = PlainPage.Encode(http.User.FindFirstValue("display_name") ?? http.User.Identity?.Name ?? "");
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var body = $"""
            <p>Howdy, {name}.</p>
            <section aria-labelledby="glance"><h2 id="glance">At a Glance</h2><ul>
            <li>{Count(PostType.Post, PostStatus.Publish)} published posts, {Count(PostType.Post, PostStatus.Draft)} drafts, {Count(PostType.Post, PostStatus.Pending)} pending review, {Count(PostType.Post, PostStatus.Future)} scheduled</li>
            <li>{Count(PostType.Page, PostStatus.Publish)} published pages</li>
            <li>{Comments(CommentApproval.Approved)} approved comments, {Comments(CommentApproval.Pending)} awaiting moderation, {Comments(CommentApproval.Spam)} spam</li>
            </ul></section>
            {(http.Request.Query.ContainsKey("drafted") ? "<p role=\"status\">Draft saved.</p>" : "")}
            {(!canWrite ? "" : $"""
            <section aria-labelledby="quick-draft"><h2 id="quick-draft">Quick Draft</h2>
            <form method="post" action="/admin/quick-draft">{token}
            <p><label for="post_title">Title</label><br><input id="post_title" name="post_title" maxlength="{Post.MaxTitleLength}"></p>
            <p><label for="content">Content</label><br><textarea id="content" name="content" rows="4" cols="40"></textarea></p>
            <p><button type="submit">Save Draft</button></p></form>
            <h3>Your Drafts</h3>{(drafts.Count == 0 ? "<p>No drafts yet.</p>" : "<ul>" + string.Concat(drafts.Select(d => $"<li><a href=\"/admin/posts/{d.Id}/edit\">{PlainPage.Encode(d.Title.Length == 0 ? "(no title)" : d.Title)}</a></li>")) + "</ul>")}
            <p><a href="/admin/posts/new">Write a full post</a></p>
            </section>
            """)}
            {(!Roles.Can(role, Capabilities.EditOthersPosts) ? "" : $"""
            <section aria-labelledby="pending-review"><h2 id="pending-review">Pending Review</h2>
            {(pending.Count == 0 ? "<p>Nothing is waiting for review.</p>" : "<ul>" + string.Concat(pending.Select(p => $"<li><a href=\"/admin/posts/{p.Id}/edit\">{PlainPage.Encode(p.Title.Length == 0 ? "(no title)" : p.Title)}</a> by {PlainPage.Encode(p.Author)}</li>")) + "</ul>")}
            </section>
            """)}
            {(!Roles.Can(role, Capabilities.ManageOptions) ? "" : $"""
            <section aria-labelledby="recent-activity"><h2 id="recent-activity">Recent Activity</h2>
            {(activity.Count == 0 ? "<p>Nothing yet.</p>" : "<ul>" + string.Concat(activity.Select(a => $"<li>{PlainPage.Encode(a.Actor)} {PlainPage.Encode(a.Action)}{(a.Detail.Length == 0 ? "" : ": " + PlainPage.Encode(a.Detail))}</li>")) + "</ul>")}
            <p><a href="/admin/activity">The whole activity log</a></p>
            </section>
            """)}
            <form method="post" action="/logout">{token}<button type="submit">Log Out</button></form>
            <p>{(Roles.Can(role, Capabilities.EditPosts) ? "<a href=\"/admin/posts\">Posts</a> · " : "")}{(Roles.Can(role, Capabilities.EditPages) ? "<a href=\"/admin/pages\">Pages</a> · " : "")}<a href="/admin/profile">Your profile</a>{(Roles.Can(role, Capabilities.ManageCategories) ? " · <a href=\"/admin/categories\">Categories</a> · <a href=\"/admin/tags\">Tags</a>" : "")}{(Roles.Can(role, Capabilities.ManageOptions) ? " · <a href=\"/admin/themes\">Themes</a> · <a href=\"/admin/users\">Users</a> · <a href=\"/admin/settings\">Settings</a> · <a href=\"/admin/activity\">Activity log</a>" : "")} · <a href="/">Visit the site</a></p>
            """;
        return PlainPage.Result("Dashboard", body);
    }
}
