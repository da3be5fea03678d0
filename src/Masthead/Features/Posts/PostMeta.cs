namespace Masthead.Features.Posts;

/// <summary>Free-form key/value data that extensions and imports attach to a post.</summary>
public sealed class PostMeta
{
    /// <summary>
    /// Keys that hold one value per post. WordPress allows several rows per key and imports carry such rows, so only
    /// these are unique in the database (a filtered index), which turns a lost race into a refused insert instead
    /// of a second row that every later read trips over.
    /// </summary>
    public static readonly IReadOnlyList<string> SingleValuedKeys =
        [PostWriter.TrashedStatusMeta, PostLocks.MetaKey, EditorInput.MarkdownMeta, EditorInput.PrivateDraftMeta];

    /// <summary>The SQL condition of the filtered unique index, the same text on SQLite and PostgreSQL.</summary>
    internal static string SingleValuedFilter => $"\"Key\" IN ({string.Join(", ", SingleValuedKeys.Select(k => $"'{k}'"))})";

    public int Id { get; set; }
    public int PostId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
