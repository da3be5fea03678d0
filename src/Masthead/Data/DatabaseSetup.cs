using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Masthead.Data;

/// <summary>Which database the site runs on, from the <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Defaults to <c>App_Data/masthead.db</c> under the content root for SQLite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply migrations when the app starts. On by default for SQLite (one node owns the file); for PostgreSQL
    /// run <c>masthead migrate</c> once instead of letting every node race to migrate.
    /// </summary>
    public bool? MigrateOnStartup { get; set; }

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);
}

public static class DatabaseSetup
{
    public static void AddData(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IChangeBus, InProcessChangeBus>();
        // Every registered interceptor joins the context: cache eviction here, telemetry or tests elsewhere.
        builder.Services.AddSingleton<IInterceptor, ChangeCollector>();
        builder.Services.AddSingleton<IInterceptor, ChangeCommitter>();

        if (options.IsPostgres)
        {
            var connectionString = options.ConnectionString
                ?? throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
            builder.Services.AddDbContextPool<PostgresAppDbContext>((services, db) => db
                .UseNpgsql(connectionString)
                .AddInterceptors(services.GetServices<IInterceptor>()));
            builder.Services.AddScoped<AppDbContext>(services => services.GetRequiredService<PostgresAppDbContext>());
        }
        else
        {
            var connectionString = options.ConnectionString ?? DefaultSqliteConnectionString(builder.Environment.ContentRootPath);
            builder.Services.AddDbContextPool<SqliteAppDbContext>((services, db) => db
                .UseSqlite(connectionString)
                .AddInterceptors(services.GetServices<IInterceptor>())
                .AddInterceptors(new SqliteUnicodeUpper()));
            builder.Services.AddScoped<AppDbContext>(services => services.GetRequiredService<SqliteAppDbContext>());
        }
    }

    /// <summary>Brings the schema up to date; SQLite also switches to write-ahead logging so readers never wait on a writer.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (db is SqliteAppDbContext)
        {
            var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }
        }
        await db.Database.MigrateAsync(cancellationToken);
        if (db is SqliteAppDbContext)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private static string DefaultSqliteConnectionString(string contentRoot) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(contentRoot, "App_Data", "masthead.db"),
            Cache = SqliteCacheMode.Private,
        }.ToString();
}

/// <summary>
/// SQLite's built-in lower() and upper() fold only ASCII, so "École" would never match "école". ASCII-only searches
/// are still right with the fast built-in lower(); for the rest, upper() is replaced on each connection by .NET's
/// invariant folding, as PostgreSQL's upper() already behaves. Search picks lower() or upper() by its words.
/// </summary>
internal sealed class SqliteUnicodeUpper : DbConnectionInterceptor
{
    public override void ConnectionOpened(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData) =>
        Register(connection);

    public override Task ConnectionOpenedAsync(
        System.Data.Common.DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(System.Data.Common.DbConnection connection) =>
        ((SqliteConnection)connection).CreateFunction("upper", (string? text) => text?.ToUpperInvariant(), isDeterministic: true);
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=masthead_design").Options);
}
