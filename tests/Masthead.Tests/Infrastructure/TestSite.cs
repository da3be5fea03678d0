using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Mail;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Masthead.Tests.Infrastructure;

public enum DatabaseKind { Sqlite, Postgres }

/// <summary>
/// A whole Masthead site over a real HTTP pipeline and a real, empty database of its own (a temporary SQLite file,
/// or a fresh PostgreSQL database when <c>MASTHEAD_TEST_POSTGRES</c> names a server).
/// </summary>
public sealed class TestSite : WebApplicationFactory<Program>
{
    public const string PostgresVariable = "MASTHEAD_TEST_POSTGRES";
    private static readonly HtmlParser Parser = new();

    private readonly DatabaseKind _kind;
    private readonly string _connectionString;
    private readonly string? _postgresDatabase;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private Action<IServiceCollection>? _services;
    private readonly string _keysFolder = Path.Combine(Path.GetTempPath(), $"masthead-test-keys-{Guid.NewGuid():N}");

    /// <summary>Where this site's outgoing mail lands, one <c>.eml</c> file per message.</summary>
    public string MailFolder { get; } = Path.Combine(Path.GetTempPath(), $"masthead-test-mail-{Guid.NewGuid():N}");

    /// <summary>
    /// The <c>.eml</c> files in <see cref="MailFolder"/> once there are <paramref name="count"/> of them: mail is sent by
    /// a background worker, a moment after the request that queued it has answered.
    /// </summary>
    public async Task<string[]> WaitForMailAsync(int count = 1)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency * 10);
        while (true)
        {
            var files = Directory.Exists(MailFolder) ? Directory.GetFiles(MailFolder, "*.eml") : [];
            if (files.Length >= count || TimeProvider.System.GetTimestamp() > deadline)
            {
                return files;
            }
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// The mail sent before now, once the outbox table holds nothing more for the worker: so "no mail was sent" cannot
    /// pass merely because the worker had not got to it yet. (The worker writes the file before it marks the row sent.)
    /// </summary>
    public async Task<string[]> MailSentSoFarAsync()
    {
        Services.GetRequiredService<MailWakeUp>().Nudge();
        var deadline = TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency * 10);
        while (TimeProvider.System.GetTimestamp() < deadline)
        {
            if (!await DbAsync(db => db.MailOutbox.Pending().AnyAsync()))
            {
                return Directory.Exists(MailFolder) ? Directory.GetFiles(MailFolder, "*.eml") : [];
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("The mail worker did not finish the outbox within 10 seconds.");
    }

    /// <summary>The first administrator's password on every test site (login <c>admin</c>).</summary>
    public const string AdminPassword = "a-test-password-that-is-long";

    /// <summary>False for a second node on another site's database: that site removes the database when it is done.</summary>
    private bool _ownsDatabase = true;

    private TestSite(DatabaseKind kind, string connectionString, string? postgresDatabase, IReadOnlyDictionary<string, string?> settings)
    {
        _kind = kind;
        _connectionString = connectionString;
        _postgresDatabase = postgresDatabase;
        _settings = settings;
    }

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable);

    /// <summary>
    /// Starts a site; PostgreSQL tests are skipped, with the reason, when no server is configured. <c>services</c>
    /// replaces or adds services after the site's own, such as a <c>FakeTimeProvider</c>.
    /// </summary>
    public static async Task<TestSite> StartAsync(
        DatabaseKind kind, IReadOnlyDictionary<string, string?>? settings = null, bool onRealPort = false,
        Action<IServiceCollection>? services = null)
    {
        TestSite site;
        if (kind == DatabaseKind.Postgres)
        {
            Needs.Present(!string.IsNullOrEmpty(PostgresServer),
                $"PostgreSQL tests need a server: set {PostgresVariable} to a connection string (.ci/run does).");
            var name = $"masthead_test_{Guid.NewGuid():N}";
            await using (var admin = new NpgsqlConnection(PostgresServer))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }
            var connection = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString;
            site = new TestSite(kind, connection, name, settings ?? new Dictionary<string, string?>());
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"masthead-test-{Guid.NewGuid():N}.db");
            site = new TestSite(kind, $"Data Source={file};Pooling=False", null, settings ?? new Dictionary<string, string?>());
        }
        site._services = services;
        if (onRealPort)
        {
            // Kestrel on a free loopback port, for a real browser.
            site.UseKestrel(0);
            site.StartServer();
            site.ClientOptions.BaseAddress = new Uri(site.Address);
        }
        else
        {
            _ = site.Server; // starts the host: migrations and the first-run content
        }
        return site;
    }

    /// <summary>
    /// Another node of this site: the same database, but its own process state and its own (empty) key folder, as a
    /// second container or a restore onto a new machine would have. Dispose it before this site.
    /// </summary>
    public TestSite StartAnotherNode(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var node = new TestSite(_kind, _connectionString, _postgresDatabase, settings ?? _settings) { _ownsDatabase = false };
        _ = node.Server;
        return node;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _kind.ToString());
        builder.UseSetting("Database:ConnectionString", _connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Themes:ExtraFolders:0", Path.Combine(AppContext.BaseDirectory, "TestThemes"));
        builder.UseSetting("MASTHEAD_ADMIN_PASSWORD", AdminPassword);
        // Each site gets only the configuration its test gives it, never what the developer's shell holds (the README
        // suggests setting these before a first run); a test's own settings below still win.
        builder.UseSetting("MASTHEAD_ADMIN_EMAIL", "");
        builder.UseSetting("MASTHEAD_SITE_URL", "");
        builder.UseSetting("Site:Url", "");
        builder.UseSetting("Accounts:KeysFolder", _keysFolder);
        builder.UseSetting("Mail:PickupFolder", MailFolder);
        // Nor a mail server from the shell: test mail stays in the test's folder.
        builder.UseSetting("Mail:SmtpHost", "");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IInterceptor>(Queries);
            _services?.Invoke(services);
        });
    }

    /// <summary>Every SQL command the site has run.</summary>
    public QueryCounter Queries { get; } = new();

    /// <summary>How many SQL commands one GET of <paramref name="url"/> runs.</summary>
    public async Task<int> CountQueriesAsync(string url)
    {
        var before = Queries.Count;
        await PageAsync(url);
        return Queries.Count - before;
    }

    /// <summary>Where a site started on a real port listens, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string Address => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
        .Addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);

    /// <summary>A client that shows redirects instead of following them.</summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });

    /// <summary>
    /// For a site started on a real port: a client over real sockets that keeps cookies and shows redirects, so a test
    /// sees what Kestrel itself sends (it checks headers the in-memory server lets through).
    /// </summary>
    public HttpClient SocketClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(Address) };

    public async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public Task DbAsync(Func<AppDbContext, Task> work) => DbAsync(async db => { await work(db); return 0; });

    /// <summary>GETs a page that must answer 200 and parses it as a browser would.</summary>
    public async Task<IHtmlDocument> PageAsync(string url)
    {
        using var response = await Client().GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        return Parser.ParseDocument(html);
    }

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    public Task SetOptionAsync(string name, string value) => DbAsync(async db =>
    {
        await db.SetOptionAsync(name, value);
        await db.SaveChangesAsync();
    });

    public Task<User> AddAuthorAsync(string displayName) => DbAsync(async db =>
    {
        var slug = Slug.From(displayName);
        var user = new User { Login = slug, Email = $"{slug}@example.invalid", DisplayName = displayName, Slug = slug, Role = "author" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    });

    public Task<Term> AddTermAsync(Taxonomy taxonomy, string name, int? parentId = null) => DbAsync(async db =>
    {
        var term = new Term { Taxonomy = taxonomy, Name = name, Slug = Slug.From(name), ParentId = parentId };
        db.Terms.Add(term);
        await db.SaveChangesAsync();
        return term;
    });

    /// <summary>Adds a published post (unless <paramref name="configure"/> says otherwise) by the first administrator.</summary>
    public Task<Post> AddPostAsync(string title, Action<Post>? configure = null, params Term[] terms) => DbAsync(async db =>
    {
        var post = new Post
        {
            Title = title,
            Slug = Slug.From(title),
            Content = $"<p>Body of {title}.</p>",
            Status = PostStatus.Publish,
            AuthorId = await db.Users.OrderBy(u => u.Id).Select(u => u.Id).FirstAsync(),
            PublishedAtUtc = new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc),
            ModifiedAtUtc = new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc),
        };
        configure?.Invoke(post);
        post.Terms.AddRange(terms.Select(t => new PostTerm { TermId = t.Id }));
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        return post;
    });

    public Task<Comment> AddCommentAsync(Post post, string author, string text, int? parentId = null,
        CommentApproval approval = CommentApproval.Approved) => DbAsync(async db =>
    {
        var comment = new Comment
        {
            PostId = post.Id,
            ParentId = parentId,
            AuthorName = author,
            Content = text,
            Approval = approval,
            CreatedAtUtc = post.PublishedAtUtc.AddHours(1 + await db.Comments.CountAsync()),
        };
        db.Comments.Add(comment);
        if (approval == CommentApproval.Approved)
        {
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.CommentCount, p => p.CommentCount + 1));
        }
        await db.SaveChangesAsync();
        return comment;
    });

    /// <summary>Submits the sign-in form as a browser would: fetch it, then post it back with its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string login, string password, string? redirectTo = null)
    {
        var form = Parse(await client.GetStringAsync("/login"));
        var fields = form.QuerySelectorAll("form[action='/login'] input[type=hidden]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        fields["log"] = login;
        fields["pwd"] = password;
        if (redirectTo is not null)
        {
            fields["redirect_to"] = redirectTo;
        }
        return await client.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var folder in new[] { _keysFolder, MailFolder })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        if (!_ownsDatabase)
        {
            return;
        }
        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", admin);
            // FORCE may not end an autovacuum worker that is busy in the database (only a superuser may): wait for it.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await drop.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
                {
                    await Task.Delay(100);
                }
            }
        }
        else
        {
            var file = _connectionString["Data Source=".Length..].Split(';')[0];
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }
}

/// <summary>One site shared by a test class; each test still makes its own uniquely named rows.</summary>
public abstract class SiteFixture(DatabaseKind kind) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TestSite? _site;

    public DatabaseKind Kind { get; } = kind;

    public async Task<TestSite> GetAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _site ??= await TestSite.StartAsync(Kind);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteSiteFixture() : SiteFixture(DatabaseKind.Sqlite);

public sealed class PostgresSiteFixture() : SiteFixture(DatabaseKind.Postgres);

/// <summary>Names no other test will use, so tests never see each other's rows.</summary>
public static class Unique
{
    public static string Name(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..10]}";
}
