using Ganss.Xss;

namespace Masthead.Features.Posts;

/// <summary>
/// The HTML a story may hold when its writer lacks <c>unfiltered_html</c>: an allow list in the spirit of WordPress's
/// for posts (text structure, links, images, figures, tables), with no script, no event handlers, no styles, no
/// frames or forms, and links only to http, https and mailto.
/// </summary>
public static class PostHtml
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    private static HtmlSanitizer Create()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
                "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
                "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
                "th", "thead", "time", "tr", "u", "ul",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "title", "rel", "src", "alt", "width", "height", "class", "cite", "datetime", "colspan", "rowspan",
                "scope", "lang", "dir", "loading",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src", "cite" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true };
        // Words inside a removed element stay (an unknown wrapper's text is still the story), but the code inside a
        // removed script or style is not prose and would otherwise show up as text.
        sanitizer.RemovingTag += (_, removing) =>
        {
            if (removing.Tag.LocalName is "script" or "style" or "template" or "noscript" or "iframe" or "object")
            {
                removing.Tag.InnerHtml = "";
            }
        };
        return sanitizer;
    }
}
