using System.Globalization;
using System.Text;

namespace Masthead.Features.Permalinks;

/// <summary>Turns titles into URL slugs: lowercase, accents dropped from Latin letters, other scripts kept.</summary>
public static class Slug
{
    public const int MaxLength = 200;

    public static string From(string title)
    {
        var decomposed = title.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingDash = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                // An accent on a Latin letter goes ("café" → "cafe"); marks that other scripts need stay.
                if (builder.Length > 0 && builder[^1] < 0x250)
                {
                    continue;
                }
                builder.Append(c);
                continue;
            }
            if (char.IsLetterOrDigit(c) || category is UnicodeCategory.SpacingCombiningMark)
            {
                if (pendingDash && builder.Length > 0)
                {
                    builder.Append('-');
                }
                pendingDash = false;
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (c is '\'' or '’' or '"')
            {
                // "Don't" reads as "dont", as WordPress makes it.
            }
            else
            {
                pendingDash = true;
            }
        }
        var slug = builder.ToString().Normalize(NormalizationForm.FormC);
        return Cut(slug, MaxLength);
    }

    /// <summary>
    /// The first of <c>base</c>, <c>base-2</c>, <c>base-3</c>… that is free, each at most <paramref name="maxLength"/>
    /// characters: the base is cut to leave room for its suffix, so a 200-character slug can be saved twice.
    /// <paramref name="takenWithPrefix"/> gives, in one query, the slugs in use that start with the text every
    /// candidate starts with; the free one is then found without asking the database again.
    /// </summary>
    public static async Task<string> UniqueAsync(string wanted, int maxLength, Func<string, Task<List<string>>> takenWithPrefix)
    {
        var baseSlug = Cut(string.IsNullOrEmpty(wanted) ? "untitled" : wanted, maxLength);
        // Every candidate up to "-999999999" begins with this much of the base.
        var taken = (await takenWithPrefix(Cut(baseSlug, Math.Max(1, maxLength - 10)))).ToHashSet(StringComparer.Ordinal);
        return Unique(baseSlug, maxLength, taken.Contains);
    }

    /// <summary>As <see cref="UniqueAsync"/>, for slugs already in memory.</summary>
    public static string Unique(string wanted, int maxLength, Func<string, bool> isTaken)
    {
        var baseSlug = Cut(string.IsNullOrEmpty(wanted) ? "untitled" : wanted, maxLength);
        var candidate = baseSlug;
        for (var n = 2; isTaken(candidate); n++)
        {
            var suffix = string.Create(CultureInfo.InvariantCulture, $"-{n}");
            candidate = Cut(baseSlug, maxLength - suffix.Length) + suffix;
        }
        return candidate;
    }

    private static string Cut(string slug, int length) => slug.Length <= length ? slug : slug[..length].TrimEnd('-');
}
