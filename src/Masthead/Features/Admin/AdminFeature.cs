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
/// The admin's one stylesheet, shipped inside the executable and served under a name that changes with its
/// content, so browsers keep it for a year and still never see a stale one.
/// </summary>
public static class AdminAssets
{
    private static readonly Lazy<Stylesheet> Sheet = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Masthead.Features.Admin.admin.css")
            ?? throw new InvalidOperationException("The admin stylesheet is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var bytes = Encoding.UTF8.GetBytes(reader.ReadToEnd());
        return new Stylesheet(bytes, Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)),
            Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)), Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
    });

    public static string StylesheetUrl => $"/admin-assets/admin.{Sheet.Value.Version}.css";

    internal static bool IsCurrent(string version) => version == Sheet.Value.Version;

    /// <summary>
    /// The stylesheet as the browser accepts it, compressed once at start. Only this file is compressed: it holds no
    /// secret, whereas compressing pages that carry an antiforgery token over HTTPS would open them to BREACH.
    /// </summary>
    internal static (byte[] Bytes, string? Encoding) StylesheetFor(string acceptEncoding) =>
        acceptEncoding.Contains("br", StringComparison.OrdinalIgnoreCase) ? (Sheet.Value.Brotli, "br")
        : acceptEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? (Sheet.Value.Gzip, "gzip")
        : (Sheet.Value.Plain, null);

    private sealed record Stylesheet(byte[] Plain, byte[] Brotli, byte[] Gzip, string Version);

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(bytes);
        }
        return output.ToArray();
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
        // Outside /admin on purpose: the sign-in and set-up cards use it too, and /admin answers are never cached.
        app.MapGet("/admin-assets/admin.{version}.css", (HttpContext http, string version) =>
        {
            if (!AdminAssets.IsCurrent(version))
            {
                return Results.NotFound();
            }
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            http.Response.Headers.Vary = "Accept-Encoding";
            var (bytes, encoding) = AdminAssets.StylesheetFor(http.Request.Headers.AcceptEncoding.ToString());
            if (encoding is not null)
            {
                http.Response.Headers.ContentEncoding = encoding;
            }
            return Results.Bytes(bytes, "text/css; charset=utf-8");
        });
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
