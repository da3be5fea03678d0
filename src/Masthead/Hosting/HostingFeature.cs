using System.Net;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;

namespace Masthead.Hosting;

/// <summary>Error pages, security headers and the other cross-cutting parts of serving the site.</summary>
public static class HostingFeature
{
    public static void AddHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddProblemDetails();
    }

    public static void UseHosting(this WebApplication app)
    {
        // First of all, so every later part (rate limits, the activity log, cookies' Secure flag) sees the client's
        // own address and scheme; and only when proxies are named, since anyone else could send these headers.
        if (ForwardedHeadersFrom(app.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>()) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }
        // Visitors never see a stack trace, in any environment: the details go to the log.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteServerErrorAsync,
            StatusCodeSelector = static error => error.IsConflict() ? StatusCodes.Status409Conflict : StatusCodes.Status500InternalServerError,
        });
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            // No script may run unless it is served from here; inline styles are allowed because imported
            // WordPress content carries style attributes (text-align and the like).
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'";
            return next(context);
        });
    }

    /// <summary>Forwarded-header handling that trusts exactly the configured proxies, or null when none are configured.</summary>
    internal static ForwardedHeadersOptions? ForwardedHeadersFrom(ProxyOptions? proxies)
    {
        if (proxies is null || (proxies.KnownProxies.Count == 0 && proxies.KnownNetworks.Count == 0))
        {
            return null;
        }
        var options = new ForwardedHeadersOptions
        {
            // Not X-Forwarded-Host: the site's address is a setting, never taken from a request.
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
        };
        // The defaults trust loopback; only what the configuration names is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in proxies.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        return options;
    }

    public static void MapHosting(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
    }

    private static async Task WriteServerErrorAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        // A write that lost a race to another request (see WriteConflicts) was rolled back whole; say so plainly.
        var conflict = context.Features.Get<IExceptionHandlerFeature>()?.Error.IsConflict() == true;
        var chrome = await SignedInChromeAsync(context);
        var page = conflict
            ? new ErrorPage("Changed at the same moment",
                "Someone else changed this at the same moment, so nothing was saved. Go back, reload the page and try again.",
                "/admin", "Go to the Dashboard", chrome)
            : new ErrorPage("Something went wrong",
                "The site could not show this page just now. Please try again in a moment.",
                chrome is null ? "/" : "/admin", chrome is null ? "Go to the home page" : "Go to the Dashboard", chrome);
        await AdminFeature.Screen<ErrorScreen>(page, conflict ? StatusCodes.Status409Conflict : StatusCodes.Status500InternalServerError)
            .ExecuteAsync(context);
    }

    /// <summary>The admin shell's facts for a signed-in user on an admin screen, or null when there is none to show.</summary>
    private static async Task<AdminChrome?> SignedInChromeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true || !context.Request.Path.StartsWithSegments("/admin"))
        {
            return null;
        }
        try
        {
            var services = context.RequestServices;
            return await AdminChrome.ForAsync(context, services.GetRequiredService<AppDbContext>(),
                services.GetRequiredService<SiteSettingsCache>(), services.GetRequiredService<IAntiforgery>());
        }
        catch (Exception)
        {
            // The failure may be the database itself; the plain card then says the same without the shell. The
            // original error is already in the log.
            return null;
        }
    }
}

/// <summary>What an error page says, and the shell around it when the user is signed in to the admin.</summary>
public sealed record ErrorPage(string Title, string Message, string BackHref, string BackText, AdminChrome? Chrome);

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (section
/// <c>ForwardedHeaders</c>); with none named, those headers are ignored.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, such as <c>127.0.0.1</c> for nginx on the same machine.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, such as <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
