using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Posts;

/// <summary>
/// The dashboard's Quick Draft: a title and some text saved as your draft, through the post writer like every save
/// (so HTML from someone without <c>unfiltered_html</c> is cleaned, and over-long input is refused, never cut).
/// </summary>
public static class QuickDraft
{
    public static void MapQuickDraft(this IEndpointRouteBuilder app) =>
        app.MapPost("/admin/quick-draft", SaveAsync).RequireAuthorization(Capabilities.EditPosts);

    internal static async Task<IResult> SaveAsync(HttpContext http, PostWriter writer, IAntiforgery antiforgery,
        [FromForm(Name = "post_title")] string? title, [FromForm(Name = "content")] string? content)
    {
        title = (title ?? "").Trim();
        content = (content ?? "").Trim();
        if (title.Length == 0 && content.Length == 0)
        {
            return NotSaved(http, antiforgery, title, content,
                $"Write a title or some text: titles up to {Post.MaxTitleLength} characters, text up to {Post.MaxContentLength:N0}.");
        }
        var result = await writer.WriteAsync(new PostChange { Type = PostType.Post, Action = PostAction.Draft, Title = title, Content = content, KeepsRevision = false },
            http.User, http.Connection.RemoteIpAddress?.ToString());
        return result.Outcome switch
        {
            PostWriteOutcome.Saved => TypedResults.Redirect("/admin?drafted=1"),
            PostWriteOutcome.Invalid => NotSaved(http, antiforgery, title, content, string.Join(" ", result.Problems)),
            _ => NotSaved(http, antiforgery, title, content, "The draft could not be saved; try again."),
        };
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
