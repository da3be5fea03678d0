using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Masthead.Data;
using Masthead.Features.Posts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.RateLimiting;

namespace Masthead.Features.Comments;

/// <summary>
/// The reader's side of comments: the form's address, the two small JSON answers its script asks for (who is signed
/// in, and the timing token), and the per-client rate limit. The post page itself stays the same for everyone.
/// </summary>
public static class CommentFormFeature
{
    public const string RateLimit = "comments";

    public static void AddCommentForm(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(CommentOptions.Section);
        builder.Services.Configure<CommentOptions>(section);
        builder.Services.AddScoped<CommentPosting>();
        builder.Services.AddScoped<CommentNotifications>();
        builder.Services.AddSingleton<CommentTokens>();
        var perMinute = Math.Max(1, section.GetValue(nameof(CommentOptions.PostsPerMinute), new CommentOptions().PostsPerMinute));
        builder.Services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(RateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        // The sign-in screens answer a refusal with their own page; a refused comment gets the theme's, with its text.
        builder.Services.PostConfigure<RateLimiterOptions>(limiter =>
        {
            var others = limiter.OnRejected;
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                if (!http.Request.Path.Equals(PostComment.FormAction, StringComparison.OrdinalIgnoreCase))
                {
                    if (others is not null)
                    {
                        await others(rejected, cancellationToken);
                    }
                    return;
                }
                http.Response.Headers.RetryAfter = "60";
                var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
                var result = await PostComment.RefusedAsync(http, http.RequestServices.GetRequiredService<AppDbContext>(),
                    PostComment.Typed.From(form), http.RequestServices.GetRequiredService<CommentTokens>(),
                    new CommentRefusal("You have sent too many comments in a short time. Please wait a minute, then send this one again.",
                        StatusCodes.Status429TooManyRequests));
                await result.ExecuteAsync(http);
            };
        });
    }

    public static void MapCommentForm(this IEndpointRouteBuilder app)
    {
        // No antiforgery check for guests: the form sits on cached public pages. A signed-in user's token is checked
        // by the handler itself, which otherwise treats the comment as a guest's.
        app.MapPost(PostComment.FormAction, PostComment.SubmitAsync).DisableAntiforgery().RequireRateLimiting(RateLimit);
        app.MapGet("/comments/session", Session);
        app.MapGet("/comments/token", Token);
    }

    /// <summary>Who is signed in, for "Logged in as …", with the antiforgery token their comment must carry.</summary>
    private static IResult Session(HttpContext http, IAntiforgery antiforgery)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (http.User.Identity?.IsAuthenticated != true || PostPermissions.UserId(http.User) is null)
        {
            return TypedResults.Json(new { user = (object?)null });
        }
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Json(new
        {
            user = new { name = http.User.FindFirstValue("display_name") ?? http.User.Identity.Name ?? "", profile = "/admin/profile" },
            antiforgery = new { field = tokens.FormFieldName, value = tokens.RequestToken },
        });
    }

    /// <summary>The timing token, asked for when the reader starts writing.</summary>
    private static IResult Token(HttpContext http, CommentTokens tokens, string? post)
    {
        http.Response.Headers.CacheControl = "no-store";
        return int.TryParse(post, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? TypedResults.Json(new { field = CommentTokens.TimingField, value = tokens.Issue(id) })
            : TypedResults.BadRequest();
    }
}
