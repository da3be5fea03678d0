namespace Masthead.Features.Taxonomies;

/// <summary>Taxonomies a term belongs to; categories are hierarchical, tags are flat.</summary>
public enum Taxonomy { Category, PostTag }

/// <summary>A category or tag (WordPress's term and term taxonomy in one row).</summary>
public sealed class Term
{
    public int Id { get; set; }
    public Taxonomy Taxonomy { get; set; }
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Description { get; set; } = "";
    public int? ParentId { get; set; }
}

/// <summary>Free-form key/value data attached to a term.</summary>
public sealed class TermMeta
{
    public int Id { get; set; }
    public int TermId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
