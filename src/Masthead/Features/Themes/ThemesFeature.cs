using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Masthead.Features.Themes;

public static class ThemesFeature
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void AddThemes(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ThemeOptions>(builder.Configuration.GetSection("Themes"));
        builder.Services.AddSingleton<ThemeCatalog>();
        builder.Services.AddSingleton<ThemeRenderer>();
    }

    public static void MapThemes(this IEndpointRouteBuilder app) =>
        app.MapMethods("/theme-assets/{theme}/{**path}", ["GET", "HEAD"], GetAsset);

    /// <summary>
    /// Serves a theme's <c>assets/</c> file. URLs carry a fingerprint of the content, so the response may be
    /// cached for a year: a changed file gets a new URL.
    /// </summary>
    internal static IResult GetAsset(string theme, string path, ThemeCatalog catalog, HttpContext http)
    {
        Theme loaded;
        try
        {
            loaded = catalog.Get(theme);
        }
        catch (InvalidDataException)
        {
            return TypedResults.NotFound();
        }
        var file = loaded.FindAsset(path);
        if (file is null || !ContentTypes.TryGetContentType(file, out var contentType))
        {
            return TypedResults.NotFound();
        }
        var fingerprint = loaded.Fingerprint(path);
        // Only the fingerprinted URL may be kept forever; any other spelling could outlive a change to the file.
        http.Response.Headers.CacheControl = http.Request.Query["v"] == fingerprint
            ? "public, max-age=31536000, immutable"
            : "public, max-age=300";
        return TypedResults.PhysicalFile(file, contentType, enableRangeProcessing: false,
            entityTag: new EntityTagHeaderValue($"\"{fingerprint}\""));
    }
}
