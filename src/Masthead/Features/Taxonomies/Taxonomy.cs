using System.Collections.Frozen;
using Masthead.Features.Posts;

namespace Masthead.Features.Taxonomies;

/// <summary>
/// A taxonomy's name as WordPress stores it (<c>category</c>, <c>post_tag</c>, <c>post_format</c>, a plugin's
/// <c>genre</c>). A name rather than an enum so terms of any taxonomy can be stored; the rules are in
/// <see cref="TaxonomyRegistry"/>.
/// </summary>
public readonly record struct Taxonomy
{
    /// <summary>WordPress's column size for <c>taxonomy</c>.</summary>
    public const int MaxLength = 32;

    public static readonly Taxonomy Category = new("category");
    public static readonly Taxonomy PostTag = new("post_tag");

    /// <summary>A post's format (aside, gallery, quote …) as a term <c>post-format-&lt;name&gt;</c>.</summary>
    public static readonly Taxonomy PostFormat = new("post_format");
    public static readonly Taxonomy NavMenu = new("nav_menu");
    public static readonly Taxonomy LinkCategory = new("link_category");

    private readonly string? _name;

    /// <summary>Takes a stored name as it is; names from outside go through <see cref="TryParse"/>.</summary>
    public Taxonomy(string name) => _name = name;

    public string Name => _name ?? Category.Name;

    public static bool TryParse(string? name, out Taxonomy taxonomy)
    {
        taxonomy = default;
        if (!ContentNames.IsValid(name, MaxLength))
        {
            return false;
        }
        taxonomy = new Taxonomy(name!);
        return true;
    }

    // By name, so the default value (which reads as the default name) is that name everywhere, dictionaries included.
    public bool Equals(Taxonomy other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}

/// <summary>What the engine does with a taxonomy.</summary>
/// <param name="Hierarchical">Terms have parents (categories), or are flat (tags).</param>
/// <param name="ArchiveBase">The first path segment of a term's archive (<c>category</c>, <c>tag</c>), or null when
/// its terms have no reader pages.</param>
/// <param name="Singular">The noun used in messages.</param>
public sealed record TaxonomyRules(bool Hierarchical, string? ArchiveBase, string Singular);

/// <summary>The registry of taxonomies the engine knows; terms of others are kept as they came, without pages.</summary>
public static class TaxonomyRegistry
{
    private static readonly FrozenDictionary<Taxonomy, TaxonomyRules> Known = new Dictionary<Taxonomy, TaxonomyRules>
    {
        [Taxonomy.Category] = new(Hierarchical: true, ArchiveBase: "category", "category"),
        [Taxonomy.PostTag] = new(Hierarchical: false, ArchiveBase: "tag", "tag"),
        [Taxonomy.PostFormat] = new(Hierarchical: false, ArchiveBase: null, "format"),
        [Taxonomy.NavMenu] = new(Hierarchical: false, ArchiveBase: null, "menu"),
        [Taxonomy.LinkCategory] = new(Hierarchical: false, ArchiveBase: null, "link category"),
    }.ToFrozenDictionary();

    public static bool IsKnown(Taxonomy taxonomy) => Known.ContainsKey(taxonomy);

    public static TaxonomyRules RulesOf(Taxonomy taxonomy) =>
        Known.GetValueOrDefault(taxonomy) ?? new TaxonomyRules(Hierarchical: false, ArchiveBase: null, taxonomy.Name.Replace('_', ' '));
}

/// <summary>WordPress's post formats: terms of <see cref="Taxonomy.PostFormat"/> named <c>post-format-&lt;format&gt;</c>.</summary>
public static class PostFormats
{
    public const string TermSlugPrefix = "post-format-";

    /// <summary>The formats WordPress defines; a post with none of them is "standard".</summary>
    public static readonly FrozenSet<string> Names =
        FrozenSet.ToFrozenSet(["aside", "chat", "gallery", "link", "image", "quote", "status", "video", "audio"]);

    /// <summary>The format a post-format term's slug names, or null when the slug is not one.</summary>
    public static string? FromTermSlug(string slug) =>
        slug.StartsWith(TermSlugPrefix, StringComparison.Ordinal) && Names.Contains(slug[TermSlugPrefix.Length..])
            ? slug[TermSlugPrefix.Length..]
            : null;
}
