using System.Collections.Concurrent;
using System.Text;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;

namespace Masthead.Data;

/// <summary>
/// Converts enum members to the snake_case names WordPress uses in its tables, REST API and WXR
/// (<c>PostTag</c> ⇄ <c>post_tag</c>), so stored values read the same as an export.
/// </summary>
public static class WpName
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Names.GetOrAdd(value, static v => ToSnakeCase(v.ToString()));

    public static string Of(PostType type) => type.Name;

    public static string Of(Taxonomy taxonomy) => taxonomy.Name;

    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value)
            ? value
            : throw new FormatException($"'{name}' is not a {typeof(TEnum).Name}.");

    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string ToSnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(pascal[i]));
        }
        return builder.ToString();
    }
}
