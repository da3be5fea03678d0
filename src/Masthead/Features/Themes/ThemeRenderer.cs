using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace Masthead.Features.Themes;

/// <summary>Renders a reader page: the first template of the hierarchy the theme has, inside its layout.</summary>
public sealed class ThemeRenderer
{
    public const string ThemeKey = "masthead.theme";

    // Encodes markup characters but leaves letters of every script as they are, so non-Latin pages stay small.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public async Task<string> RenderAsync(Theme theme, IReadOnlyList<string> candidates, ReaderPageModel model)
    {
        var template = candidates
            .Select(name => theme.GetTemplate("templates", name))
            .FirstOrDefault(t => t is not null)
            ?? throw new InvalidDataException($"Theme '{theme.Slug}' has none of the templates {string.Join(", ", candidates)}.");

        var context = new TemplateContext(theme.Options);
        context.AmbientValues[ThemeKey] = theme;
        context.SetValue("site", model.Site);
        context.SetValue("page", model.Page);
        context.SetValue("sidebar", model.Sidebar);
        context.SetValue("posts", model.Posts);
        context.SetValue("post", model.Post);
        context.SetValue("comments", model.Comments);
        context.SetValue("discussion", model.Discussion);
        context.SetValue("comment_form", model.CommentForm);
        context.SetValue("previous_post", model.PreviousPost);
        context.SetValue("next_post", model.NextPost);
        context.SetValue("pagination", model.Pagination);
        context.SetValue("archive", model.Archive);
        context.SetValue("search_query", model.SearchQuery);

        // Every value is HTML-encoded unless the template asks for `| raw`, so a title can never inject markup.
        var body = await template.RenderAsync(context, Encoder);
        var layout = theme.GetTemplate("layouts", "default");
        if (layout is null)
        {
            return body;
        }
        context.SetValue("content", body);
        return await layout.RenderAsync(context, Encoder);
    }
}
