using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Masthead.Data;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Masthead.Features.Admin;

/// <summary>
/// The admin's stylesheet and scripts, shipped inside the executable and served under names that change with their
/// content (<c>/admin-assets/editor.1a2b3c4d5e6f.js</c>), so browsers keep them for a year and never see a stale one.
/// </summary>
public static class AdminAssets
{
    /// <summary>Each asset's file name and the embedded resource it is read from.</summary>
    private static readonly Dictionary<string, Lazy<Asset>> Files = new(StringComparer.Ordinal)
    {
        ["admin.css"] = Embedded("Masthead.Features.Admin.admin.css", "text/css; charset=utf-8"),
        ["editor.js"] = Embedded("Masthead.Features.Posts.editor.js", "text/javascript; charset=utf-8"),
        ["list-table.js"] = Embedded("Masthead.Features.Admin.list-table.js", "text/javascript; charset=utf-8"),
        ["settings.js"] = Embedded("Masthead.Features.Settings.settings.js", "text/javascript; charset=utf-8"),
        ["comments-list.js"] = Embedded("Masthead.Features.Comments.comments-list.js", "text/javascript; charset=utf-8"),
    };

    public static string StylesheetUrl => UrlOf("admin.css");

    /// <summary>The fingerprinted address of an admin asset, such as <c>editor.js</c>.</summary>
    public static string UrlOf(string file)
    {
        var dot = file.LastIndexOf('.');
        return $"/admin-assets/{file[..dot]}.{Files[file].Value.Version}{file[dot..]}";
    }

    private sealed record Asset(byte[] Plain, byte[] Brotli, byte[] Gzip, string Version, string ContentType);

    private static Lazy<Asset> Embedded(string resource, string contentType) => new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var bytes = Encoding.UTF8.GetBytes(reader.ReadToEnd());
        return new Asset(bytes, Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)),
            Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)), Convert.ToHexStringLower(SHA256.HashData(bytes))[..12], contentType);
    });

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>
    /// Answers <c>/admin-assets/{name}.{version}.{ext}</c> with the current version, compressed as the browser accepts.
    /// Only these files are compressed: they hold no secret, whereas compressing pages that carry an antiforgery
    /// token over HTTPS would open them to BREACH.
    /// </summary>
    internal static IResult Serve(HttpContext http, string name, string version, string extension)
    {
        if (!Files.TryGetValue($"{name}.{extension}", out var file) || file.Value.Version != version)
        {
            return Results.NotFound();
        }
        var asset = file.Value;
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.Vary = "Accept-Encoding";
        var accepted = http.Request.Headers.AcceptEncoding.ToString();
        var (bytes, encoding) = accepted.Contains("br", StringComparison.OrdinalIgnoreCase) ? (asset.Brotli, "br")
            : accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? (asset.Gzip, "gzip")
            : (asset.Plain, (string?)null);
        if (encoding is not null)
        {
            http.Response.Headers.ContentEncoding = encoding;
        }
        return Results.Bytes(bytes, asset.ContentType);
    }
}

/// <summary>The admin's shell, its assets and the way a feature renders one of its screens.</summary>
public static class AdminFeature
{
    public static void AddAdmin(this IHostApplicationBuilder builder) => builder.Services.AddRazorComponents();

    /// <summary>
    /// The admin's assets, and the group every admin screen hangs off: signed in, always, so a new screen cannot
    /// forget it; each screen still names the capability it needs.
    /// </summary>
    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        // Outside /admin on purpose: the sign-in and set-up cards use the stylesheet too, and /admin answers are never cached.
        app.MapGet("/admin-assets/{name}.{version}.{extension}", AdminAssets.Serve);
        var admin = app.MapGroup("/admin").RequireAuthorization();
        admin.AddEndpointFilterFactory(SignedInUser.RequireAccount);
        // An admin address that names no screen: the admin's own 404, in the shell, for whoever is signed in.
        admin.MapMethods("/{**rest}", ["GET", "HEAD"], async (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery) =>
                Screen<NotFoundScreen>(await AdminChrome.ForAsync(http, db, settings, antiforgery), StatusCodes.Status404NotFound))
            .WithOrder(int.MaxValue - 1);
        return admin;
    }

    /// <summary>An admin screen: its component, given its one view-model, rendered on the server.</summary>
    public static RazorComponentResult Screen<TScreen>(object model, int statusCode = StatusCodes.Status200OK)
        where TScreen : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TScreen>(new { Model = model }) { StatusCode = statusCode };
}
