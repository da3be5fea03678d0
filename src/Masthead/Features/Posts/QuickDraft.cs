using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Users;
using Masthead.Hosting;
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

    internal static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, TimeProvider clock, ActivityLog activity,
        [FromForm(Name = "post_title")] string? title, [FromForm(Name = "content")] string? content)
    {
        title = (title ?? "").Trim();
        content = (content ?? "").Trim();
        if (title.Length > Post.MaxTitleLength || content.Length > Post.MaxContentLength || (title.Length == 0 && content.Length == 0))
        {
            return TypedResults.Content(PlainPage.Render("Draft not saved",
                $"<p role=\"alert\">Write a title or some text: titles up to {Post.MaxTitleLength} characters, text up to {Post.MaxContentLength:N0}.</p><p><a href=\"/admin\">Back to the dashboard</a></p>"),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }
        if (!Roles.Can(http.User.FindFirstValue(ClaimTypes.Role), Capabilities.UnfilteredHtml))
        {
            content = PostHtml.Sanitize(content);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var post = new Post
        {
            Type = PostType.Post,
            Status = PostStatus.Draft,
            Title = title,
            Slug = await db.FreePostSlugAsync(PostType.Post, Slug.From(title.Length > 0 ? title : "draft"), exceptId: 0),
            Content = content,
            AuthorId = PostPermissions.UserId(http.User) ?? 0,
            PublishedAtUtc = now,
            ModifiedAtUtc = now,
        };
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        await activity.RecordAsync(http, "saved a draft", http.User.Identity?.Name ?? "", post.AuthorId, title);
        return TypedResults.Redirect("/admin?drafted=1");
    }
}
