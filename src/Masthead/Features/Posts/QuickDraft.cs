using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Posts;

/// <summary>
/// The dashboard's Quick Draft: a title and some text saved as your draft. Like every save, HTML from someone
/// without <c>unfiltered_html</c> is cleaned first; over-long input is refused, never cut.
/// </summary>
public static class QuickDraft
{
    public static void MapQuickDraft(this IEndpointRouteBuilder app) =>
        app.MapPost("/admin/quick-draft", SaveAsync).RequireAuthorization(Capabilities.EditPosts);

    internal static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, TimeProvider clock, ActivityLog activity, IAntiforgery antiforgery,
        [FromForm(Name = "post_title")] string? title, [FromForm(Name = "content")] string? content)
    {
        title = (title ?? "").Trim();
        content = (content ?? "").Trim();
        if (title.Length > Post.MaxTitleLength || content.Length > Post.MaxContentLength || (title.Length == 0 && content.Length == 0))
        {
            return NotSaved(http, antiforgery, title, content,
                $"Write a title or some text: titles up to {Post.MaxTitleLength} characters, text up to {Post.MaxContentLength:N0}.");
        }
        var html = PostHtml.ForStorage(content, Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.UnfilteredHtml));
        if (html.Length > Post.MaxContentLength)
        {
            // Cleaning can lengthen text (a bare "<" becomes "&lt;"); the limit is on what is stored.
            return NotSaved(http, antiforgery, title, content,
                $"Once cleaned, the text comes to {html.Length:N0} characters; the limit is {Post.MaxContentLength:N0}. Shorten it.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var post = new Post
        {
            Type = PostType.Post,
            Status = PostStatus.Draft,
            Title = title,
            Slug = await db.FreePostSlugAsync(PostType.Post, Slug.From(title.Length > 0 ? title : "draft"), exceptId: 0),
            Content = html,
            AuthorId = PostPermissions.UserId(http.User) ?? 0,
            PublishedAtUtc = now,
            ModifiedAtUtc = now,
        };
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, "saved a draft", http.User.Identity?.Name ?? "", post.AuthorId, title);
        return TypedResults.Redirect("/admin?drafted=1");
    }

    /// <summary>The Quick Draft form again with what was typed, so a refused draft loses nothing.</summary>
    private static ContentHttpResult NotSaved(HttpContext http, IAntiforgery antiforgery, string title, string content, string problem) =>
        PlainPage.Result("Draft not saved", $"""
            <p role="alert">{PlainPage.Encode(problem)}</p>
            <form method="post" action="/admin/quick-draft">{PlainPage.AntiforgeryField(http, antiforgery)}
            <p><label for="post_title">Title</label><br><input id="post_title" name="post_title" value="{PlainPage.Encode(title)}"></p>
            <p><label for="content">Content</label><br><textarea id="content" name="content" rows="8" cols="60">{PlainPage.Encode(content)}</textarea></p>
            <p><button type="submit">Save Draft</button></p></form>
            <p><a href="/admin">Back to the dashboard</a></p>
            """, StatusCodes.Status400BadRequest);
}
