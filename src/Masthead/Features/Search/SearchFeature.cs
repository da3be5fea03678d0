namespace Masthead.Features.Search;

public static class SearchFeature
{
    /// <summary>The search index readers' searches go through; the database's own scan until a full-text index replaces it.</summary>
    public static void AddSearch(this IHostApplicationBuilder builder) =>
        builder.Services.AddSingleton<ISearchIndex, DatabaseSearchIndex>();
}
