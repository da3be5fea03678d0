using System.Globalization;
using System.Linq.Expressions;
using System.Net;
using System.Text.RegularExpressions;
using Masthead.Data;
using Masthead.Features.Permalinks;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Themes;

namespace Masthead.Features.Posts;

/// <summary>
/// The columns a reader page needs from a post, never the whole row, with its categories' and tags' ids fetched in
/// the same query.
/// </summary>
public sealed record PostRow(
    int Id, PostType Type, string Title, string Slug, string Content, string Excerpt, int AuthorId,
    DateTime PublishedAtUtc, int CommentCount, CommentStatus CommentStatus, bool IsSticky, List<int> TermIds, string Password)
{
    /// <summary>Whether readers must give the post's password first, with <paramref name="given"/> the one this reader gave last.</summary>
    public bool IsLocked(string? given) => Password.Length > 0 && Password != given;
}

/// <summary>Turns post rows into the <see cref="PostTemplateModel"/> a theme renders.</summary>
public static partial class PostCards
{
    public const string MoreTag = "<!--more-->";
    private const int ExcerptWords = 55;

    public static readonly Expression<Func<Post, PostRow>> Row = p => new PostRow(
        p.Id, p.Type, p.Title, p.Slug, p.Content, p.Excerpt, p.AuthorId, p.PublishedAtUtc, p.CommentCount, p.CommentStatus, p.IsSticky,
        p.Terms.Select(t => t.TermId).ToList(), p.Password);

    /// <summary>
    /// The post as a theme sees it. A password-protected post the reader has not unlocked (<paramref name="givenPassword"/>
    /// is the one they gave last) shows its title and the password form instead of its text, as WordPress shows it.
    /// </summary>
    public static PostTemplateModel Build(SiteSnapshot site, PostRow row, bool singular, string? givenPassword = null)
    {
        var termIds = row.TermIds;
        var settings = site.Settings;
        var local = settings.ToLocal(row.PublishedAtUtc);
        var author = site.Author(row.AuthorId);
        var terms = termIds.Select(site.Term).OfType<TermInfo>().OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
        var url = site.UrlOf(row.Type, row.Id, row.Slug, row.PublishedAtUtc, row.AuthorId, termIds);

        if (row.IsLocked(givenPassword))
        {
            return new PostTemplateModel(
                row.Id, WpName.Of(row.Type), $"Protected: {row.Title}", url,
                PhpDateFormat.Format(local, settings.DateFormat), local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                author?.DisplayName ?? "", site.AuthorUrl(author),
                PostPasswords.Form(row.Id, url), "There is no excerpt because this is a protected post.",
                HasMore: false, row.IsSticky, row.CommentCount, CommentsOpen: false, [], []);
        }
        var content = row.Content;
        var more = content.IndexOf(MoreTag, StringComparison.Ordinal);
        var hasMore = !singular && more >= 0;
        if (hasMore)
        {
            content = content[..more];
        }
        else if (more >= 0)
        {
            content = content.Remove(more, MoreTag.Length);
        }

        return new PostTemplateModel(
            row.Id,
            WpName.Of(row.Type),
            row.Title.Length == 0 ? "(no title)" : row.Title,
            url,
            PhpDateFormat.Format(local, settings.DateFormat),
            local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            author?.DisplayName ?? "",
            site.AuthorUrl(author),
            content,
            row.Excerpt.Length > 0 ? row.Excerpt : ExcerptOf(row.Content),
            hasMore,
            row.IsSticky,
            row.CommentCount,
            row.CommentStatus == CommentStatus.Open,
            [.. terms.Where(t => t.Taxonomy == Taxonomy.Category).Select(t => new LinkTemplateModel(t.Name, site.TermUrl(t)))],
            [.. terms.Where(t => t.Taxonomy == Taxonomy.PostTag).Select(t => new LinkTemplateModel(t.Name, site.TermUrl(t)))]);
    }

    /// <summary>The first words of the text (up to the more tag), as WordPress makes an excerpt when none was written.</summary>
    public static string ExcerptOf(string html)
    {
        var more = html.IndexOf(MoreTag, StringComparison.Ordinal);
        var text = WebUtility.HtmlDecode(TagRegex().Replace(more >= 0 ? html[..more] : html, " "));
        var words = text.Split((char[]?)null, ExcerptWords + 1, StringSplitOptions.RemoveEmptyEntries);
        return words.Length > ExcerptWords
            ? string.Join(' ', words.Take(ExcerptWords)) + " […]"
            : string.Join(' ', words);
    }

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TagRegex();
}
