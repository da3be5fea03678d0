using Masthead.Data;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Masthead.Features.Posts;

/// <summary>
/// The dashboard's Quick Draft: a title and some text saved as your draft, through the post writer like every save
/// (so HTML from someone without <c>unfiltered_html</c> is cleaned, and over-long input is refused, never cut).
/// </summary>
public static class QuickDraft
{
    public static void MapQuickDraft(this RouteGroupBuilder admin) =>
        admin.MapPost("/quick-draft", SaveAsync).RequireAuthorization(Capabilities.EditPosts);

    internal static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, PostWriter writer, IAntiforgery antiforgery,
        [FromForm(Name = "post_title")] string? title, [FromForm(Name = "content")] string? content)
    {
        title = (title ?? "").Trim();
        content = (content ?? "").Trim();
        // The dashboard again, with what was typed back in the form, so a refused draft loses nothing.
        Task<IResult> NotSavedAsync(string problem, string field) => Dashboard.RenderAsync(http, db, settings, antiforgery,
            new Dashboard.QuickDraftEntry(title, content, problem, field), StatusCodes.Status400BadRequest);
        if (title.Length == 0 && content.Length == 0)
        {
            return await NotSavedAsync($"Write a title or some text: titles up to {Post.MaxTitleLength} characters, text up to {Post.MaxContentLength:N0}.",
                "post_title");
        }
        var result = await writer.WriteAsync(new PostChange { Type = PostType.Post, Action = PostAction.Draft, Title = title, Content = content, KeepsRevision = false },
            http.User, http.Connection.RemoteIpAddress?.ToString());
        return result.Outcome switch
        {
            PostWriteOutcome.Saved => TypedResults.Redirect("/admin?drafted=1"),
            PostWriteOutcome.Invalid => await NotSavedAsync(string.Join(" ", result.Problems.Select(p => p.Message)), FieldOf(result.Problems)),
            _ => await NotSavedAsync("The draft could not be saved; try again.", ""),
        };
    }

    /// <summary>The Quick Draft field the first problem is about: its title, or else its text.</summary>
    private static string FieldOf(IReadOnlyList<PostProblem> problems) =>
        problems.Count > 0 && problems[0].Field == PostFields.Title ? "post_title" : "content";
}
