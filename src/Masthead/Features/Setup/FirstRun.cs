using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Setup;

/// <summary>Who the first administrator is, when the environment names one; otherwise the /setup screen asks.</summary>
public sealed class FirstRunOptions
{
    public string AdminLogin { get; set; } = "admin";
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }

    /// <summary>
    /// The site's address (<c>MASTHEAD_SITE_URL</c> or <c>Site:Url</c>), stored when none is yet, for sites set up
    /// without the /setup screen; mailed links and canonical URLs are built from the stored address alone.
    /// </summary>
    public string? SiteUrl { get; set; }
}

/// <summary>
/// On start: brings the schema up to date (where this node may) and, on an empty database, creates a new site —
/// settings, "Uncategorized", a "Hello world!" post with one comment, a sample page and, when the environment gives
/// a password, an administrator. Without one, the sample content belongs to a placeholder account that cannot sign
/// in, and the site waits at /setup for someone to claim it (as WordPress's install screen does).
/// </summary>
internal sealed partial class FirstRun(
    IServiceProvider services, DatabaseOptions database, FirstRunOptions options, TimeProvider clock,
    SetupState state, ILogger<FirstRun> logger) : IHostedService
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
        await services.GetRequiredService<LegacyKeyFolder>().ImportAsync(db, logger, cancellationToken);
        await db.FillNormalizedNamesAsync(cancellationToken);
        await StoredHtmlUpgrade.RunOnceAsync(db, cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken) || await db.Posts.AnyAsync(cancellationToken))
        {
            if (await db.Users.AnyAsync(u => u.Role == Roles.Administrator, cancellationToken))
            {
                LogExistingSite(logger);
            }
        }
        else
        {
            await CreateSiteAsync(db, cancellationToken);
        }
        await StoreSiteAddressAsync(db, cancellationToken);
        await WaitForSetupIfNoAdministratorAsync(scope.ServiceProvider, db, cancellationToken);
    }

    /// <summary>The environment's site address, when it names one and none is stored (Settings → General wins after that).</summary>
    private async Task StoreSiteAddressAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.SiteUrl))
        {
            return;
        }
        if (SiteSettings.SiteAddressFrom(options.SiteUrl) is not { } address)
        {
            LogBadSiteUrl(logger, options.SiteUrl);
            return;
        }
        var stored = await db.Options.FindAsync([SiteSettings.Names.HomeUrl], cancellationToken);
        if (string.IsNullOrWhiteSpace(stored?.Value))
        {
            await db.SetOptionAsync(SiteSettings.Names.HomeUrl, address);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A site without an administrator gets its placeholder account (the author of the sample content) claimed now,
    /// if the environment names a password, or else waits at /setup.
    /// </summary>
    private async Task WaitForSetupIfNoAdministratorAsync(IServiceProvider scoped, AppDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(u => u.Role == Roles.Administrator, cancellationToken))
        {
            state.Complete();
            return;
        }
        var placeholder = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Role == SetupState.PlaceholderRole, cancellationToken);
        if (placeholder is null && string.IsNullOrEmpty(options.AdminPassword))
        {
            // A site that has content but lost its administrators (an import, a hand-edited database) is live: opening
            // /setup there would hand it to the first visitor. Only whoever runs the server may name a new one.
            state.Complete();
            LogNoAdministrator(logger);
            return;
        }
        if (!string.IsNullOrEmpty(options.AdminPassword))
        {
            await RecoverAdministratorAsync(scoped, db, placeholder, cancellationToken);
            state.Complete();
            return;
        }
        state.Wait();
        LogWaitingForSetup(logger);
        // Straight to the console as well, so someone running it by hand sees where to go even with logging turned down.
        Console.WriteLine("No administrator yet: open /setup in a browser to name the site and create one.");
    }

    /// <summary>
    /// Whoever runs the server names the administrator through the environment: an existing account with that login
    /// (or e-mail address) is promoted and given the password, else the placeholder is claimed, else a new account is
    /// made with a free archive slug — whatever logins, addresses and slugs the site already has.
    /// </summary>
    private async Task RecoverAdministratorAsync(IServiceProvider scoped, AppDbContext db, User? placeholder, CancellationToken cancellationToken)
    {
        var hasher = scoped.GetRequiredService<IPasswordHasher<User>>();
        var login = options.AdminLogin;
        var email = options.AdminEmail;
        var upperLogin = login.ToUpperInvariant();
        var upperEmail = email?.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // SQL's upper(), translated by EF
        var existing = await db.Users.FirstOrDefaultAsync(u => u.Login.ToUpper() == upperLogin, cancellationToken)
            ?? (upperEmail is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Email.ToUpper() == upperEmail, cancellationToken));
        // The e-mail address is unique too: the one given if it is free, else a placeholder nobody has.
        string? address = null;
        foreach (var candidate in new[] { email, $"{login}@example.invalid", $"{login}-{Guid.NewGuid():N}@example.invalid" })
        {
            var upper = candidate?.ToUpperInvariant();
            if (upper is not null && !await db.Users.AnyAsync(u => u.Email.ToUpper() == upper, cancellationToken))
            {
                address = candidate;
                break;
            }
        }
#pragma warning restore CA1304, CA1311, CA1862
        if (existing is not null && existing.Role != SetupState.PlaceholderRole)
        {
            existing.Role = Roles.Administrator;
            existing.PasswordHash = hasher.HashPassword(existing, options.AdminPassword!);
            existing.SecurityStamp = Guid.NewGuid().ToString("N");
            existing.AccessFailedCount = 0;
            existing.LockoutEndUtc = null;
            // Whoever recovers the site this way may not hold the account's phone: its two-factor is turned off, to
            // be set up again from the profile.
            string[] twoFactorKeys = [UserStore.AuthenticatorKeyMeta, UserStore.TwoFactorEnabledMeta, UserStore.RecoveryCodesMeta];
            var twoFactorWasOn = await db.UserMeta.Where(m => m.UserId == existing.Id && twoFactorKeys.Contains(m.Key))
                .ExecuteDeleteAsync(cancellationToken) > 0;
            await db.SaveChangesAsync(cancellationToken);
            LogPromoted(logger, existing.Login, twoFactorWasOn ? " Its two-factor sign-in was turned off." : "");
            return;
        }
        if (placeholder is not null)
        {
            var hash = hasher.HashPassword(placeholder, options.AdminPassword!);
            if (await SetUpSite.ClaimAsync(db, placeholder.Id, login, address!, hash))
            {
                LogCreated(logger, login);
                return;
            }
        }
        var admin = new User
        {
            Login = login,
            Email = address!,
            DisplayName = login,
            Slug = await Users.ManageUsers.FreeSlugAsync(db, login),
            Role = Roles.Administrator,
            RegisteredAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        admin.PasswordHash = hasher.HashPassword(admin, options.AdminPassword!);
        db.Users.Add(admin);
        await db.SaveChangesAsync(cancellationToken);
        LogCreated(logger, login);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateSiteAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var admin = Placeholder();
        if (!string.IsNullOrEmpty(options.AdminPassword))
        {
            admin.Login = options.AdminLogin;
            admin.Email = options.AdminEmail ?? "admin@example.invalid";
            admin.Role = Roles.Administrator;
            admin.PasswordHash = new PasswordHasher<User>().HashPassword(admin, options.AdminPassword);
        }

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
        if (admin.Role == Roles.Administrator)
        {
            LogCreated(logger, admin.Login);
        }
    }

    /// <summary>The sample content's author until /setup claims it: no password, no role, so it cannot sign in.</summary>
    private User Placeholder() => new()
    {
        Login = SetupState.PlaceholderLogin,
        Email = SetupState.PlaceholderLogin + "@example.invalid",
        // The public byline and author archive never reveal the login name.
        DisplayName = "Site Administrator",
        Slug = "site-administrator",
        Role = SetupState.PlaceholderRole,
        RegisteredAtUtc = clock.GetUtcNow().UtcDateTime,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "This site has no administrator and /setup stays closed because it already has content. Set MASTHEAD_ADMIN_PASSWORD (and MASTHEAD_ADMIN_EMAIL) and restart to create one.")]
    private static partial void LogNoAdministrator(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "MASTHEAD_SITE_URL (Site:Url) is '{Value}', which is not an http or https address with nothing after the host (such as https://news.example.org); it was not stored.")]
    private static partial void LogBadSiteUrl(ILogger logger, string value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The site has no administrator yet: open /setup in a browser to create one.")]
    private static partial void LogWaitingForSetup(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site ready. Log in at /login with your administrator account.")]
    private static partial void LogExistingSite(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The site had no administrator; '{Login}' is one again, with the password from MASTHEAD_ADMIN_PASSWORD.{TwoFactor}")]
    private static partial void LogPromoted(ILogger logger, string login, string twoFactor);

    [LoggerMessage(Level = LogLevel.Information, Message = "New site created. Log in at /login as '{Login}' with the password you gave.")]
    private static partial void LogCreated(ILogger logger, string login);

}

public static class SetupFeature
{
    public static void AddSetup(this IHostApplicationBuilder builder)
    {
        var options = new FirstRunOptions
        {
            // An empty value is no value, so a setting can be cleared (as the tests clear what a developer's shell holds).
            AdminEmail = NonEmpty(builder.Configuration["MASTHEAD_ADMIN_EMAIL"]),
            AdminPassword = NonEmpty(builder.Configuration["MASTHEAD_ADMIN_PASSWORD"]),
            SiteUrl = NonEmpty(builder.Configuration["MASTHEAD_SITE_URL"]) ?? NonEmpty(builder.Configuration["Site:Url"]),
        };
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SetupState>();
        // First of all hosted services, whatever order the features are added in: the schema must be migrated (and
        // old key files taken in) before data protection reads its key ring from the database, or the mail and
        // publishing workers query it.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, FirstRun>());
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Until the site has an administrator, every page leads to /setup.</summary>
    public static void UseSetup(this WebApplication app) => app.Use(SetUpSite.RedirectUntilSetUp);

    public static void MapSetup(this IEndpointRouteBuilder app)
    {
        app.MapGet("/setup", SetUpSite.ShowAsync);
        app.MapPost("/setup", SetUpSite.SubmitAsync).RequireRateLimiting(AccountsFeature.LoginRateLimit);
    }
}
