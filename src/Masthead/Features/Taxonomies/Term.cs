namespace Masthead.Features.Taxonomies;

/// <summary>A category or tag (WordPress's term and term taxonomy in one row).</summary>
public sealed class Term
{
    public int Id { get; set; }
    public Taxonomy Taxonomy { get; set; }

    /// <summary>The name as shown; setting it also sets <see cref="NormalizedName"/>.</summary>
    public string Name
    {
        get;
        set
        {
            field = value;
            NormalizedName = Normalize(value);
        }
    } = "";

    /// <summary>
    /// The name folded to upper case, stored and indexed so "Elections", "ELECTIONS" and "élections" are found by one
    /// index lookup instead of folding every row's name in the query.
    /// </summary>
    public string NormalizedName { get; private set; } = "";

    public string Slug { get; set; } = "";
    public string Description { get; set; } = "";
    public int? ParentId { get; set; }

    /// <summary>The key <see cref="NormalizedName"/> holds for a name, for lookups.</summary>
    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
}

/// <summary>Free-form key/value data attached to a term.</summary>
public sealed class TermMeta
{
    public int Id { get; set; }
    public int TermId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
