using AngleSharp.Html.Parser;
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

    private static readonly HtmlParser Parser = new();

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    /// <summary>
    /// The HTML a save stores, whoever saves it and from wherever (editor, autosave, Quick Draft, a restored revision):
    /// cleaned by the allow list unless the writer has <c>unfiltered_html</c>, and never with document-level elements.
    /// </summary>
    public static string ForStorage(string html, bool unfiltered) =>
        unfiltered ? WithoutDocumentElements(html) : Sanitize(html);

    /// <summary>
    /// Drops <c>meta</c>, <c>base</c> and <c>link</c>, which even a trusted writer has no use for in a story: a
    /// <c>meta http-equiv="refresh"</c> would send every reader elsewhere (the Content-Security-Policy does not stop
    /// it), a <c>base</c> would re-point every relative link on the page, and a <c>link</c> loads styles or hints for
    /// the whole page, which is the theme's business. Everything else an editor wrote is kept byte for byte.
    /// </summary>
    public static string WithoutDocumentElements(string html)
    {
        // Cheap test first: most posts have none, and re-serialising would reformat the writer's markup.
        if (!html.Contains("<meta", StringComparison.OrdinalIgnoreCase) && !html.Contains("<base", StringComparison.OrdinalIgnoreCase)
            && !html.Contains("<link", StringComparison.OrdinalIgnoreCase))
        {
            return html;
        }
        // Parsed as the body of a page, where a story ends up, so the elements are found where a browser would act on them.
        var document = Parser.ParseDocument("");
        var body = document.Body!;
        body.InnerHtml = html;
        var unwanted = body.QuerySelectorAll("meta, base, link");
        if (unwanted.Length == 0)
        {
            return html;
        }
        foreach (var element in unwanted)
        {
            element.Remove();
        }
        return body.InnerHtml;
    }

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
