namespace Masthead.Features.Posts;

/// <summary>Free-form key/value data that extensions and imports attach to a post.</summary>
public sealed class PostMeta
{
    public int Id { get; set; }
    public int PostId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
