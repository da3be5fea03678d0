using System.Collections.Frozen;

namespace Masthead.Features.Posts;

/// <summary>
/// A post type's name as WordPress stores it (<c>post</c>, <c>page</c>, <c>nav_menu_item</c>, a plugin's
/// <c>product</c>). It is a name rather than an enum so that content of any type, imported or sent through the REST
/// API, can be stored and listed; what the engine does with a type is in <see cref="PostTypeRegistry"/>.
/// </summary>
public readonly record struct PostType
{
    /// <summary>WordPress's column size for <c>post_type</c>.</summary>
    public const int MaxLength = 20;

    public static readonly PostType Post = new("post");
    public static readonly PostType Page = new("page");
    public static readonly PostType Attachment = new("attachment");

    /// <summary>A saved copy of a post's title, text and excerpt, kept under the post as its parent.</summary>
    public static readonly PostType Revision = new("revision");
    public static readonly PostType NavMenuItem = new("nav_menu_item");

    /// <summary>A reusable block ("pattern") of the block editor.</summary>
    public static readonly PostType Block = new("wp_block");

    private readonly string? _name;

    /// <summary>Takes a stored name as it is; names from outside go through <see cref="TryParse"/>.</summary>
    public PostType(string name) => _name = name;

    public string Name => _name ?? Post.Name;

    /// <summary>Accepts a name WordPress could have registered: 1–20 of a–z, 0–9, <c>_</c> and <c>-</c>.</summary>
    public static bool TryParse(string? name, out PostType type)
    {
        type = default;
        if (!ContentNames.IsValid(name, MaxLength))
        {
            return false;
        }
        type = new PostType(name!);
        return true;
    }

    // By name, so the default value (which reads as the default name) is that name everywhere, dictionaries included.
    public bool Equals(PostType other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}

/// <summary>What the engine does with a post type: who sees it, how its URLs and lists work.</summary>
/// <param name="Hierarchical">Items have parents and paths of their ancestors' slugs (pages).</param>
/// <param name="Public">Readers can reach published items at a URL of their own.</param>
/// <param name="Singular">The noun used in messages ("post", "page").</param>
public sealed record PostTypeRules(bool Hierarchical, bool Public, string Singular);

/// <summary>
/// The registry of post types the engine knows. A type it does not know is kept and exported as it came, but has
/// no reader pages and no admin screens, as in WordPress when the plugin that registered it is switched off.
/// </summary>
public static class PostTypeRegistry
{
    private static readonly FrozenDictionary<PostType, PostTypeRules> Known = new Dictionary<PostType, PostTypeRules>
    {
        [PostType.Post] = new(Hierarchical: false, Public: true, "post"),
        [PostType.Page] = new(Hierarchical: true, Public: true, "page"),
        [PostType.Attachment] = new(Hierarchical: false, Public: true, "attachment"),
        [PostType.Revision] = new(Hierarchical: false, Public: false, "revision"),
        [PostType.NavMenuItem] = new(Hierarchical: false, Public: false, "menu item"),
        [PostType.Block] = new(Hierarchical: false, Public: false, "block"),
    }.ToFrozenDictionary();

    public static bool IsKnown(PostType type) => Known.ContainsKey(type);

    public static PostTypeRules RulesOf(PostType type) =>
        Known.GetValueOrDefault(type) ?? new PostTypeRules(Hierarchical: false, Public: false, type.Name.Replace('_', ' '));
}

/// <summary>The shape WordPress gives the names of post types and taxonomies (its <c>sanitize_key</c>).</summary>
internal static class ContentNames
{
    public static bool IsValid(string? name, int maxLength) =>
        !string.IsNullOrEmpty(name) && name.Length <= maxLength && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');
}
