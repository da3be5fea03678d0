using System.Globalization;
using System.Text;

namespace Masthead.Features.Admin;

/// <summary>
/// The address of a list screen with its filters, sort and page, for its links: empty values are left out, so the
/// plain list stays at its plain address, and each value is escaped.
/// </summary>
public static class ListUrl
{
    public static string Of(string path, params (string Key, string? Value)[] query)
    {
        var url = new StringBuilder(path);
        var separator = '?';
        foreach (var (key, value) in query)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            url.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return url.ToString();
    }

    /// <summary>A page number for the query: page 1 is the list's own address, so it is left out.</summary>
    public static string? Page(int page) => page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null;
}

/// <summary>A list's sort: the column's key and its direction, read from <c>orderby</c> and <c>order</c> as WordPress names them.</summary>
public sealed record ListSort(string Column, bool Descending)
{
    /// <summary>The sort asked for, if it names one of <paramref name="columns"/>; else the list's default.</summary>
    public static ListSort From(HttpRequest request, ListSort byDefault, params string[] columns)
    {
        var column = request.Query["orderby"].ToString();
        if (!columns.Contains(column, StringComparer.Ordinal))
        {
            return byDefault;
        }
        var order = request.Query["order"].ToString();
        return new ListSort(column, order.Length == 0 ? byDefault.Descending && column == byDefault.Column : order.Equals("desc", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The query's <c>orderby</c> and <c>order</c>, or nothing for the default sort.</summary>
    public (string Key, string? Value)[] Query(ListSort byDefault) =>
        this == byDefault ? [] : [("orderby", Column), ("order", Descending ? "desc" : "asc")];
}
