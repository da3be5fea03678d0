using System.Security.Cryptography;
using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Setup;

/// <summary>Who the first administrator is: from the environment, or a generated password printed once.</summary>
public sealed class FirstRunOptions
{
    public string AdminLogin { get; set; } = "admin";
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
}

/// <summary>
/// On start: brings the schema up to date (where this node may) and, on an empty database, creates a new site —
/// settings, "Uncategorized", a "Hello world!" post with one comment, a sample page and an administrator.
/// </summary>
internal sealed partial class FirstRun(
    IServiceProvider services, DatabaseOptions database, FirstRunOptions options, TimeProvider clock,
    ILogger<FirstRun> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.MigrateOnStartup ?? !database.IsPostgres)
        {
            await DatabaseSetup.MigrateAsync(services, cancellationToken);
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            // Serving an old schema would fail on the first query with an obscure SQL error; say what to do instead.
            throw new InvalidOperationException(
                $"The database schema is behind by {pending.Count} migration(s) ({string.Join(", ", pending)}). " +
                "Run `dotnet run --project src/Masthead -- migrate` (with the same database settings) once, then start again.");
        }
        if (await db.Users.AnyAsync(cancellationToken) || await db.Posts.AnyAsync(cancellationToken))
        {
            LogExistingSite(logger);
            return;
        }
        await CreateSiteAsync(db, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateSiteAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var generated = string.IsNullOrEmpty(options.AdminPassword);
        var password = generated ? GeneratePassword() : options.AdminPassword!;
        var admin = new User
        {
            Login = options.AdminLogin,
            Email = options.AdminEmail ?? "admin@example.invalid",
            // The public byline and author archive never reveal the login name.
            DisplayName = "Site Administrator",
            Slug = "site-administrator",
            Role = "administrator",
            RegisteredAtUtc = now,
        };
        admin.PasswordHash = new PasswordHasher<User>().HashPassword(admin, password);

        var uncategorized = new Term { Taxonomy = Taxonomy.Category, Name = "Uncategorized", Slug = "uncategorized" };
        var hello = new Post
        {
            Type = PostType.Post,
            Title = "Hello world!",
            Slug = "hello-world",
            Content = SampleContent.HelloWorld,
            CommentCount = 1,
        };
        var samplePage = new Post
        {
            Type = PostType.Page,
            Title = "Sample Page",
            Slug = "sample-page",
            Content = SampleContent.SamplePage,
            CommentStatus = CommentStatus.Closed,
        };

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Users.Add(admin);
        db.Terms.Add(uncategorized);
        await db.SaveChangesAsync(cancellationToken);

        // Saved one by one so "Hello world!" is post 1 and the sample page post 2, as in WordPress.
        foreach (var post in new[] { hello, samplePage })
        {
            post.AuthorId = admin.Id;
            post.Publish(now, clock);
            db.Posts.Add(post);
            await db.SaveChangesAsync(cancellationToken);
        }
        db.PostTerms.Add(new PostTerm { PostId = hello.Id, TermId = uncategorized.Id });
        db.Comments.Add(new Comment
        {
            PostId = hello.Id,
            AuthorName = "A Masthead Reader",
            AuthorUrl = "https://example.org/",
            AuthorEmail = "reader@example.org",
            Content = SampleContent.Comment,
            CreatedAtUtc = now,
            Approval = CommentApproval.Approved,
        });
        await db.SetOptionAsync(SiteSettings.Names.Title, "Masthead");
        await db.SetOptionAsync(SiteSettings.Names.Tagline, "News, written and published with care");
        await db.SetOptionAsync(SiteSettings.Names.PermalinkStructure, SiteSettings.DefaultPermalinkStructure);
        await db.SetOptionAsync(SiteSettings.Names.PostsPerPage, "10");
        await db.SetOptionAsync("default_category", uncategorized.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (generated)
        {
            // Straight to the console, never through logging, so the password does not persist in log sinks.
            LogCreatedWithGeneratedPassword(logger, admin.Login);
            Console.WriteLine($"Administrator login: {admin.Login}    password: {password}    (shown only this once)");
        }
        else
        {
            LogCreated(logger, admin.Login);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "New site created. Log in at /login as '{Login}' with the password printed on the console (shown only this once).")]
    private static partial void LogCreatedWithGeneratedPassword(ILogger logger, string login);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site ready. Log in at /login with your administrator account.")]
    private static partial void LogExistingSite(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "New site created. Log in at /login as '{Login}' with the password you gave.")]
    private static partial void LogCreated(ILogger logger, string login);

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}

public static class SetupFeature
{
    public static void AddSetup(this IHostApplicationBuilder builder)
    {
        var options = new FirstRunOptions
        {
            AdminEmail = builder.Configuration["MASTHEAD_ADMIN_EMAIL"],
            AdminPassword = builder.Configuration["MASTHEAD_ADMIN_PASSWORD"],
        };
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<FirstRun>();
    }
}
