using Masthead.Data;
using Masthead.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>How often scheduled posts are looked for.</summary>
public sealed class PublishingOptions
{
    public double IntervalSeconds { get; set; } = 5;
}

/// <summary>
/// Publishes scheduled posts within seconds of their time, not on the next page view. The claim is one UPDATE of
/// the rows still marked future, so two instances on one database can never publish a post twice: the second finds
/// nothing left to change.
/// </summary>
internal sealed partial class ScheduledPublisher(
    IServiceScopeFactory scopes, IChangeBus changes, TimeProvider clock, PublishingOptions options,
    ILogger<ScheduledPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, options.IntervalSeconds)), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var published = await PublishDueAsync(db, clock.GetUtcNow().UtcDateTime, stoppingToken);
                if (published > 0)
                {
                    // A bulk UPDATE bypasses SaveChanges, so the caches hear about it here.
                    changes.Publish(new ChangeSet([new ScheduledPostsPublished(published)]));
                    LogPublished(logger, published);
                    await scope.ServiceProvider.GetRequiredService<ActivityLog>()
                        .RecordAsync(null, ActivityActions.ScheduledPublished, "scheduler", detail: $"{published} post(s)");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database hiccup must not end scheduling for good; the next tick tries again.
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Moves every scheduled post whose time has come (<see cref="Post.DueToPublish"/>) to published; returns how many
    /// this call moved. A bulk UPDATE rather than the post writer: the claim itself is the rule that keeps two instances apart.
    /// </summary>
    public static Task<int> PublishDueAsync(AppDbContext db, DateTime nowUtc, CancellationToken cancellationToken = default) =>
        db.Posts
            .Where(Post.DueToPublish(nowUtc))
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.Status, PostStatus.Publish), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} scheduled post(s).")]
    private static partial void LogPublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing scheduled posts failed; retrying at the next tick.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

public static class PostsFeature
{
    public static void AddPosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Publishing").Get<PublishingOptions>() ?? new PublishingOptions());
        builder.Services.AddHostedService<ScheduledPublisher>();
        builder.Services.AddScoped<PostWriter>();
        builder.Services.AddSingleton<PostCountsCache>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Editor").Get<EditorOptions>() ?? new EditorOptions());
    }
}
