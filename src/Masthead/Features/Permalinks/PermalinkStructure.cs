using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Masthead.Features.Permalinks;

/// <summary>What a post's permalink can be built from.</summary>
public sealed record PermalinkPost(int Id, string Slug, DateTime PublishedLocal, string CategoryPath, string AuthorSlug);

/// <summary>
/// A WordPress permalink structure such as <c>/%year%/%monthnum%/%day%/%postname%/</c>: builds a post's path,
/// and recognises a request path as one, returning the tokens it carried.
/// </summary>
public sealed partial class PermalinkStructure
{
    private static readonly Dictionary<string, string> TokenPatterns = new(StringComparer.Ordinal)
    {
        ["year"] = "[0-9]{4}",
        ["monthnum"] = "[0-9]{2}",
        ["day"] = "[0-9]{2}",
        ["hour"] = "[0-9]{2}",
        ["minute"] = "[0-9]{2}",
        ["second"] = "[0-9]{2}",
        ["post_id"] = "[0-9]{1,10}",
        ["postname"] = @"[^/]+",
        ["category"] = @".+?",
        ["author"] = @"[^/]+",
    };

    private readonly Regex _matcher;

    public PermalinkStructure(string structure)
    {
        Structure = structure;
        var tokens = TokenRegex().Matches(structure).Select(m => m.Groups[1].Value).ToList();
        var unknown = tokens.FirstOrDefault(t => !TokenPatterns.ContainsKey(t));
        if (unknown is not null)
        {
            throw new FormatException($"Permalink structure '{structure}' uses the unknown tag %{unknown}%.");
        }
        if (!tokens.Contains("postname") && !tokens.Contains("post_id"))
        {
            throw new FormatException($"Permalink structure '{structure}' needs %postname% or %post_id% to tell posts apart.");
        }
        var pattern = new StringBuilder("^");
        var last = 0;
        foreach (Match token in TokenRegex().Matches(structure))
        {
            pattern.Append(Regex.Escape(structure[last..token.Index]));
            pattern.Append(CultureInfo.InvariantCulture, $"(?<{token.Groups[1].Value}>{TokenPatterns[token.Groups[1].Value]})");
            last = token.Index + token.Length;
        }
        pattern.Append(Regex.Escape(structure[last..].TrimEnd('/')));
        pattern.Append("/?$");
        _matcher = new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    public string Structure { get; }

    /// <summary>The post's path, each segment percent-encoded, with the structure's own trailing slash.</summary>
    public string PathFor(PermalinkPost post)
    {
        var culture = CultureInfo.InvariantCulture;
        return TokenRegex().Replace(Structure, token => token.Groups[1].Value switch
        {
            "year" => post.PublishedLocal.Year.ToString("0000", culture),
            "monthnum" => post.PublishedLocal.Month.ToString("00", culture),
            "day" => post.PublishedLocal.Day.ToString("00", culture),
            "hour" => post.PublishedLocal.Hour.ToString("00", culture),
            "minute" => post.PublishedLocal.Minute.ToString("00", culture),
            "second" => post.PublishedLocal.Second.ToString("00", culture),
            "post_id" => post.Id.ToString(culture),
            "postname" => Uri.EscapeDataString(post.Slug),
            "category" => string.Join('/', post.CategoryPath.Split('/').Select(Uri.EscapeDataString)),
            "author" => Uri.EscapeDataString(post.AuthorSlug),
            _ => token.Value,
        });
    }

    /// <summary>The tokens a (decoded) request path carries, or null when it does not have this structure's shape.</summary>
    public IReadOnlyDictionary<string, string>? Match(string path)
    {
        var match = _matcher.Match(path);
        if (!match.Success)
        {
            return null;
        }
        return _matcher.GetGroupNames()
            .Where(name => !char.IsDigit(name[0]) && match.Groups[name].Success)
            .ToDictionary(name => name, name => match.Groups[name].Value, StringComparer.Ordinal);
    }

    /// <summary>True when the tokens agree with the post; a permalink whose date or category is wrong is not the post's.</summary>
    public static bool Agrees(IReadOnlyDictionary<string, string> tokens, PermalinkPost post)
    {
        static bool Is(string text, int expected) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == expected;
        var culture = CultureInfo.InvariantCulture;
        foreach (var (name, value) in tokens)
        {
            var ok = name switch
            {
                "year" => Is(value, post.PublishedLocal.Year),
                "monthnum" => Is(value, post.PublishedLocal.Month),
                "day" => Is(value, post.PublishedLocal.Day),
                "hour" => Is(value, post.PublishedLocal.Hour),
                "minute" => Is(value, post.PublishedLocal.Minute),
                "second" => Is(value, post.PublishedLocal.Second),
                "post_id" => value == post.Id.ToString(culture),
                "postname" => value == post.Slug,
                "category" => value == post.CategoryPath,
                "author" => value == post.AuthorSlug,
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    [GeneratedRegex("%([a-z_]+)%")]
    private static partial Regex TokenRegex();
}
