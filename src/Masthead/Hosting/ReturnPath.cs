using System.Text;

namespace Masthead.Hosting;

/// <summary>
/// The one check for every redirect whose target a visitor supplies (<c>redirect_to</c> and the like): only a path on
/// this site comes out, in a form a Location header can carry, and it never throws.
/// </summary>
internal static class ReturnPath
{
    /// <summary>
    /// <paramref name="target"/> when it is a path on this site, with non-ASCII characters and spaces percent-encoded
    /// (a header value must be ASCII, and Kestrel answers 500 to anything else); otherwise <paramref name="fallback"/>.
    /// Anything that could leave the site (<c>//host</c>, <c>/\host</c>, a scheme) or split the header (control
    /// characters such as a newline) gets the fallback.
    /// </summary>
    public static string Safe(string? target, string fallback)
    {
        if (target is not { Length: > 0 and <= 2048 } path || path[0] != '/'
            || (path.Length > 1 && path[1] is '/' or '\\')
            || path.Any(char.IsControl))
        {
            return fallback;
        }
        if (path.All(c => c is > ' ' and < (char)0x7F))
        {
            return path;
        }
        var encoded = new StringBuilder(path.Length + 16);
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is > ' ' and < (char)0x7F)
            {
                encoded.Append(c);
                continue;
            }
            // A lone surrogate has no UTF-8 form: such a target is not a real link, so it goes to the fallback.
            var length = char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1]) ? 2 : 1;
            if (char.IsSurrogate(c) && length == 1)
            {
                return fallback;
            }
            encoded.Append(Uri.EscapeDataString(path.AsSpan(i, length)));
            i += length - 1;
        }
        return encoded.ToString();
    }
}
