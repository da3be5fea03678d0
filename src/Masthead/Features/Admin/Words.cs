using System.Globalization;

namespace Masthead.Features.Admin;

/// <summary>Words people read without stumbling: counts ("1 published post", "2,013 items") and initials.</summary>
public static class Words
{
    public static string Count(int n, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{n:N0} {(n == 1 ? singular : plural ?? singular + "s")}");

    /// <summary>The initials shown in place of a picture: "Site Administrator" → "SA".</summary>
    public static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => char.ToUpperInvariant(w[0])));
}
