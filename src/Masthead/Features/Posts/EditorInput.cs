using System.Globalization;
using Markdig;
using Masthead.Features.Settings;

namespace Masthead.Features.Posts;

/// <summary>Who can see a post once it is out: everyone, whoever has its password, or only the newsroom.</summary>
public enum Visibility { Public, Password, Private }

/// <summary>
/// What the editor form holds, read either from a saved post or from a submitted form, so a form that fails
/// validation comes back exactly as it was sent and nothing typed is lost.
/// </summary>
public sealed record EditorInput
{
    /// <summary>Post meta holding the Markdown a post was written in; its <see cref="Post.Content"/> is the HTML made from it.</summary>
    public const string MarkdownMeta = "_masthead_markdown";

    /// <summary>Post meta marking a draft whose writer chose Private visibility for when it goes out.</summary>
    public const string PrivateDraftMeta = "_masthead_private_draft";

    public const string DateFormat = "yyyy-MM-dd'T'HH:mm";

    /// <summary>How many categories one save may name, so a forged form cannot make one save a huge query.</summary>
    public const int MaxCategories = 100;

    // Raw HTML inside Markdown comes out as text: the Markdown source is kept and re-rendered on every save, possibly
    // by someone else, so it must never carry markup past the cleaning of whoever wrote it.
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    public string Title { get; init; } = "";
    public string Slug { get; init; } = "";
    public string Content { get; init; } = "";
    public bool IsMarkdown { get; init; }
    public string Excerpt { get; init; } = "";
    public IReadOnlyList<int> CategoryIds { get; init; } = [];
    public string Tags { get; init; } = "";
    public Visibility Visibility { get; init; }
    public string Password { get; init; } = "";
    /// <summary>The publish date as the site's wall clock shows it (<see cref="DateFormat"/>), or empty for "immediately".</summary>
    public string Date { get; init; } = "";
    public bool Sticky { get; init; }
    public bool CommentsOpen { get; init; } = true;
    public int? AuthorId { get; init; }
    public int? ParentId { get; init; }
    public int MenuOrder { get; init; }
    public string NewCategory { get; init; } = "";
    public int? NewCategoryParent { get; init; }

    /// <summary>
    /// The post's text as it will be stored, or why it cannot be: HTML is cleaned by the writer's role; Markdown is
    /// rendered and always cleaned, whoever saves it, since links such as <c>javascript:</c> survive rendering. The
    /// limit applies to what is stored, which rendering and cleaning can make longer than what was typed.
    /// </summary>
    public (string Html, string? Problem) StoredHtml(bool unfiltered) => StoredHtml(Content, IsMarkdown, unfiltered);

    /// <inheritdoc cref="StoredHtml(bool)"/>
    public static (string Html, string? Problem) StoredHtml(string content, bool isMarkdown, bool unfiltered)
    {
        var html = content;
        if (isMarkdown)
        {
            if (NestingDepth(content) > MaxMarkdownNesting)
            {
                return ("", TooDeep);
            }
            try
            {
                html = Markdig.Markdown.ToHtml(content, Markdown);
            }
            catch (ArgumentException)
            {
                // Markdig's answer to quotes, lists or brackets nested past its depth limit (thousands of ">" or "[").
                return ("", TooDeep);
            }
            unfiltered = false;
        }
        html = PostHtml.ForStorage(html, unfiltered);
        return html.Length > Post.MaxContentLength
            ? (html, $"Once formatted and cleaned, the text comes to {html.Length:N0} characters; the limit is {Post.MaxContentLength:N0}. "
                + "Shorten it, then save again.")
            : (html, null);
    }

    private static readonly string TooDeep = $"The Markdown is nested too deeply to be read (quotes, lists or brackets inside one "
        + $"another, more than {MaxMarkdownNesting} levels deep). Flatten it, or switch the format to HTML, then save again.";

    /// <summary>
    /// How deep quotes and lists may nest. Markdig gives up by itself only far deeper, and its work before that grows
    /// steeply with depth (thousands of "- " on one line took it many seconds), so deeper text is refused unread.
    /// </summary>
    public const int MaxMarkdownNesting = 64;

    /// <summary>
    /// The deepest nesting any line opens: its leading quote markers ("&gt;"), list markers ("-", "*", "+", "1." or "1)"
    /// followed by a space) and indentation (two spaces or a tab a level, as nested list items are indented), counted without parsing.
    /// </summary>
    internal static int NestingDepth(string markdown)
    {
        var deepest = 0;
        foreach (var line in markdown.AsSpan().EnumerateLines())
        {
            int depth = 0, spaces = 0, i = 0;
            while (i < line.Length)
            {
                var c = line[i];
                if (c == ' ')
                {
                    spaces++;
                    i++;
                }
                else if (c == '\t')
                {
                    spaces += 2;
                    i++;
                }
                else if (c == '>')
                {
                    depth++;
                    i++;
                }
                else if (c is '-' or '*' or '+' && i + 1 < line.Length && line[i + 1] is ' ' or '\t')
                {
                    depth++;
                    i += 2;
                }
                else if (char.IsAsciiDigit(c))
                {
                    var j = i;
                    while (j < line.Length && char.IsAsciiDigit(line[j]))
                    {
                        j++;
                    }
                    if (j + 1 < line.Length && line[j] is '.' or ')' && line[j + 1] is ' ' or '\t')
                    {
                        depth++;
                        i = j + 2;
                    }
                    else
                    {
                        break;
                    }
                }
                else
                {
                    break;
                }
            }
            // Indentation alone (code, a continued paragraph, a blank line of spaces) opens nothing; in front of
            // quote or list markers it is how lists nest.
            deepest = Math.Max(deepest, depth == 0 ? 0 : depth + (spaces / 2));
        }
        return deepest;
    }

    /// <summary>The tags typed, split on commas as WordPress does, trimmed, without repeats.</summary>
    public IReadOnlyList<string> TagNames =>
        [.. Tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    public static EditorInput FromForm(IFormCollection form) => new()
    {
        Title = form["post_title"].ToString().Trim(),
        Slug = form["post_name"].ToString().Trim(),
        Content = form["content"].ToString(),
        IsMarkdown = form["content_format"] == "markdown",
        Excerpt = form["excerpt"].ToString().Trim(),
        CategoryIds = [.. form["post_category[]"].Select(Number).OfType<int>().Distinct()],
        Tags = form["tax_input[post_tag]"].ToString(),
        Visibility = form["visibility"].ToString() switch { "password" => Visibility.Password, "private" => Visibility.Private, _ => Visibility.Public },
        Password = form["post_password"].ToString(),
        Date = form["post_date"].ToString().Trim(),
        Sticky = form["sticky"].Count > 0,
        CommentsOpen = form["comment_status"] == "open",
        AuthorId = Number(form["post_author"]),
        ParentId = Number(form["parent_id"]) is > 0 and var parent ? parent : null,
        MenuOrder = int.TryParse(form["menu_order"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var order) ? order : 0,
        NewCategory = form["newcategory"].ToString().Trim(),
        NewCategoryParent = Number(form["newcategory_parent"]) is > 0 and var newParent ? newParent : null,
    };

    public static EditorInput FromPost(Post post, IEnumerable<int> categoryIds, IEnumerable<string> tagNames, string? markdown, SiteSettings settings, DateTime nowUtc) => new()
    {
        Title = post.Title,
        Slug = post.Slug,
        Content = markdown ?? post.Content,
        IsMarkdown = markdown is not null,
        Excerpt = post.Excerpt,
        CategoryIds = [.. categoryIds],
        Tags = string.Join(", ", tagNames),
        Visibility = post.Status == PostStatus.Private ? Visibility.Private : post.Password.Length > 0 ? Visibility.Password : Visibility.Public,
        Password = post.Password,
        // A draft's date is only shown when someone chose one ahead of now; otherwise it goes out "immediately".
        Date = post.Status is PostStatus.Publish or PostStatus.Future or PostStatus.Private || post.PublishedAtUtc > nowUtc
            ? settings.ToLocal(post.PublishedAtUtc).ToString(DateFormat, CultureInfo.InvariantCulture)
            : "",
        Sticky = post.IsSticky,
        CommentsOpen = post.CommentStatus == CommentStatus.Open,
        AuthorId = post.AuthorId,
        ParentId = post.ParentId,
        MenuOrder = post.MenuOrder,
    };

    /// <summary>What is wrong with the input, in words for the writer; empty when it can be saved.</summary>
    public IReadOnlyList<PostProblem> Problems() =>
        [.. ToChange(PostType.Post, id: null, PostAction.Draft).Problems(), .. DateProblem is { } date ? [date] : Array.Empty<PostProblem>()];

    /// <summary>Why the publish date cannot be read, when it cannot; the only problem the form has before it is a change.</summary>
    public PostProblem? DateProblem => Date.Length > 0 && ParsedDate is null
        ? new(PostFields.Date, "The publish date is not a date and time (year-month-day hour:minute).")
        : null;

    /// <summary>The form as a change to the post, for <see cref="PostWriter"/>; the form always names every field it shows.</summary>
    public PostChange ToChange(PostType type, int? id, PostAction action) => new()
    {
        Id = id,
        Type = type,
        Action = action,
        Title = Title,
        Content = Content,
        IsMarkdown = IsMarkdown,
        Excerpt = Excerpt,
        Slug = Slug,
        Date = ParsedDate is { } local ? new PostDate(local) : PostDate.Immediately,
        Visibility = Visibility,
        Password = Password,
        AuthorId = AuthorId,
        ParentId = type == PostType.Page ? ParentId ?? 0 : null,
        MenuOrder = type == PostType.Page ? MenuOrder : null,
        CategoryIds = type == PostType.Post ? CategoryIds : null,
        TagNames = type == PostType.Post ? TagNames : null,
        NewCategory = type == PostType.Post ? NewCategory : "",
        NewCategoryParent = NewCategoryParent,
        Sticky = type == PostType.Post ? Sticky : null,
        CommentsOpen = CommentsOpen,
        TakesLock = true,
    };

    /// <summary>The chosen publish date on the site's wall clock, when one was given and is valid.</summary>
    public DateTime? ParsedDate =>
        DateTime.TryParseExact(Date, [DateFormat, "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year is >= 1000 and <= 9999
            ? date
            : null;

    private static int? Number(Microsoft.Extensions.Primitives.StringValues value) =>
        int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static int? Number(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
