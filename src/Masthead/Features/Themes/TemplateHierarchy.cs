namespace Masthead.Features.Themes;

/// <summary>
/// Which templates a theme may use for a request, most specific first, following WordPress's template hierarchy.
/// Pure functions: the renderer takes the first candidate the theme (or its parent) has.
/// </summary>
public static class TemplateHierarchy
{
    public static IReadOnlyList<string> Home() => ["front-page", "home", "index"];

    public static IReadOnlyList<string> SinglePost(string postType, string slug) =>
        [$"single-{postType}-{slug}", $"single-{postType}", "single", "singular", "index"];

    public static IReadOnlyList<string> Page(string slug, int id) =>
        [$"page-{slug}", $"page-{id}", "page", "singular", "index"];

    public static IReadOnlyList<string> Category(string slug, int id) => TermArchive("category", slug, id);

    public static IReadOnlyList<string> Tag(string slug, int id) => TermArchive("tag", slug, id);

    public static IReadOnlyList<string> Author(string nicename, int id) => TermArchive("author", nicename, id);

    public static IReadOnlyList<string> Date() => ["date", "archive", "index"];

    public static IReadOnlyList<string> Search() => ["search", "index"];

    public static IReadOnlyList<string> NotFound() => ["404", "index"];

    /// <summary>A refused comment: the reason and the form again, filled in. Themes built on the bundled one inherit its.</summary>
    public static IReadOnlyList<string> CommentError() => ["comment-error"];

    private static IReadOnlyList<string> TermArchive(string kind, string slug, int id) =>
        [$"{kind}-{slug}", $"{kind}-{id}", kind, "archive", "index"];
}
