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
        if (slug.Length > MaxLength)
        {
            slug = slug[..MaxLength].TrimEnd('-');
        }
        return slug;
    }

    /// <summary>The first of <c>base</c>, <c>base-2</c>, <c>base-3</c>… that <paramref name="isTaken"/> says is free.</summary>
    public static async Task<string> UniqueAsync(string wanted, Func<string, Task<bool>> isTaken)
    {
        var baseSlug = string.IsNullOrEmpty(wanted) ? "untitled" : wanted;
        var candidate = baseSlug;
        for (var n = 2; await isTaken(candidate); n++)
        {
            candidate = $"{baseSlug}-{n}";
        }
        return candidate;
    }
}
