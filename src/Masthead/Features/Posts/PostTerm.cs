using Masthead.Features.Taxonomies;

namespace Masthead.Features.Posts;

/// <summary>Links a post to a category or tag (WordPress's term relationship).</summary>
public sealed class PostTerm
{
    public int PostId { get; set; }
    public int TermId { get; set; }
    public Post Post { get; set; } = null!;
    public Term Term { get; set; } = null!;
}
