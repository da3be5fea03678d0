using System.Collections.Concurrent;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Masthead.Features.Comments;

/// <summary>
/// The HTML a commenter may use, as WordPress allows commenters: links, emphasis, quotes, code and abbreviations;
/// nothing that runs script, loads a resource, styles the page or breaks its layout. Links go only to http, https
/// and mailto addresses (or this site) and carry <c>rel="nofollow ugc"</c>; line breaks become paragraphs.
/// </summary>
public static class CommentHtml
{
    /// <summary>WordPress's column size for <c>comment_content</c>.</summary>
    public const int MaxLength = 65_525;

    private static readonly HtmlSanitizer Sanitizer = Create();
    private static readonly HtmlParser Parser = new();

    /// <summary>Elements a paragraph may not hold; the text around them becomes paragraphs of its own.</summary>
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase) { "blockquote" };

    /// <summary>
    /// What a new comment stores: the allowed markup of what was typed, every other tag dropped (its words kept),
    /// line breaks as typed. Stored this way, a moderator's edit box shows what the commenter wrote.
    /// </summary>
    public static string Clean(string typed) =>
        Sanitizer.Sanitize(typed.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'));

    /// <summary>
    /// A stored comment as a page shows it: cleaned again (an imported or edited comment may never have been
    /// cleaned), then with blank lines as paragraph breaks and single ones as line breaks. Reader pages and the
    /// admin's Comments screen both show comment text through this.
    /// </summary>
    public static string ToHtml(string stored)
    {
        if (Rendered.TryGetValue(stored, out var html))
        {
            return html;
        }
        html = Render(stored);
        if (stored.Length <= RememberedLength)
        {
            if (Rendered.Count >= RememberedCount)
            {
                Rendered.Clear();
            }
            Rendered[stored] = html;
        }
        return html;
    }

    /// <summary>
    /// What <see cref="ToHtml"/> gave for recently shown texts. It depends on nothing but the text, and cleaning is most
    /// of a long thread's render (a page of 50 threads shows 250 comments), so a busy post's comments are cleaned once,
    /// not on every view. Bounded by count and length, so it holds at most about 20 MB of text.
    /// </summary>
    private static readonly ConcurrentDictionary<string, string> Rendered = new(StringComparer.Ordinal);

    private const int RememberedCount = 10_000;
    private const int RememberedLength = 1_000;

    private static string Render(string stored)
    {
        var text = stored.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
        if (text.Length == 0)
        {
            return "";
        }
        var document = Sanitizer.SanitizeDom(text);
        var body = document.Body!;
        var paragraphs = Paragraphs(document, body.ChildNodes.ToList());
        body.InnerHtml = "";
        foreach (var node in paragraphs)
        {
            body.AppendChild(node);
        }
        return body.InnerHtml;
    }

    /// <summary>Counts the links a moderation check weighs: each link the markup makes, and each bare http(s) address in its text.</summary>
    public static int CountLinks(string text)
    {
        var body = Parser.ParseDocument("").Body!;
        body.InnerHtml = text;
        var anchors = body.QuerySelectorAll("a[href]").Length;
        var bare = body.Descendants<IText>()
            .Where(t => t.ParentElement?.Closest("a") is null)
            .Sum(t => Occurrences(t.Data, "http://") + Occurrences(t.Data, "https://"));
        return anchors + bare;
    }

    private static int Occurrences(string text, string marker)
    {
        var count = 0;
        for (var at = text.IndexOf(marker, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf(marker, at + marker.Length, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }
        return count;
    }

    /// <summary>Groups a run of inline nodes into paragraphs, splitting text at blank lines; block quotes get the same inside.</summary>
    private static List<INode> Paragraphs(IHtmlDocument document, IReadOnlyList<INode> nodes)
    {
        var result = new List<INode>();
        IElement? paragraph = null;

        void Close()
        {
            if (paragraph is not null)
            {
                TrimEdges(paragraph);
                if (paragraph.TextContent.Trim().Length > 0 || paragraph.QuerySelector("*") is not null)
                {
                    result.Add(paragraph);
                }
            }
            paragraph = null;
        }

        void AddInline(INode node) => (paragraph ??= document.CreateElement("p")).AppendChild(node);

        foreach (var node in nodes)
        {
            if (node is IElement element && Blocks.Contains(element.LocalName))
            {
                Close();
                var inner = Paragraphs(document, element.ChildNodes.ToList());
                element.InnerHtml = "";
                foreach (var child in inner)
                {
                    element.AppendChild(child);
                }
                result.Add(element);
                continue;
            }
            if (node is not IText textNode)
            {
                AddInline(node);
                continue;
            }
            var parts = textNode.Data.Split("\n\n");
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    Close();
                }
                var lines = parts[i].Split('\n');
                for (var j = 0; j < lines.Length; j++)
                {
                    if (j > 0 && paragraph is not null)
                    {
                        paragraph.AppendChild(document.CreateElement("br"));
                    }
                    if (lines[j].Length > 0)
                    {
                        AddInline(document.CreateTextNode(lines[j]));
                    }
                }
            }
        }
        Close();
        return result;
    }

    /// <summary>No line break at the very start or end of a paragraph (left by blank lines of three or more).</summary>
    private static void TrimEdges(IElement paragraph)
    {
        while (paragraph.FirstChild is IElement { LocalName: "br" } first)
        {
            first.Remove();
        }
        while (paragraph.LastChild is IElement { LocalName: "br" } last)
        {
            last.Remove();
        }
    }

    private static HtmlSanitizer Create()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s", "strike", "strong",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "cite", "datetime" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "cite" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true };
        sanitizer.RemovingTag += (_, removing) =>
        {
            // The code inside a removed script or style is not what the commenter meant to say.
            if (removing.Tag.LocalName is "script" or "style" or "template" or "noscript" or "iframe" or "object" or "textarea" or "title")
            {
                removing.Tag.InnerHtml = "";
            }
        };
        sanitizer.PostProcessNode += (_, processed) =>
        {
            // A commenter's link earns the page no ranking and is marked as written by a user.
            if (processed.Node is IHtmlAnchorElement anchor)
            {
                anchor.SetAttribute("rel", "nofollow ugc");
            }
        };
        return sanitizer;
    }
}
