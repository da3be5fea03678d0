using System.Globalization;

namespace Masthead.Features.Admin;

/// <summary>Counts people read without stumbling: "1 published post", "2,013 items".</summary>
public static class Words
{
    public static string Count(int n, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{n:N0} {(n == 1 ? singular : plural ?? singular + "s")}");
}
