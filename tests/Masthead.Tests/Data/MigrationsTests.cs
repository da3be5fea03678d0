using Masthead.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Masthead.Tests.Data;

/// <summary>Both providers' migrations must describe today's model: a change without migrations fails here.</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_HasNoPendingModelChanges()
    {
        using var db = Create<SqliteAppDbContext>();
        Assert.False(db.Database.HasPendingModelChanges(), "Run scripts/add-migration.sh <Name>.");
    }

    [Fact]
    public void Postgres_HasNoPendingModelChanges()
    {
        using var db = Create<PostgresAppDbContext>();
        Assert.False(db.Database.HasPendingModelChanges(), "Run scripts/add-migration.sh <Name>.");
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrations()
    {
        using var sqlite = Create<SqliteAppDbContext>();
        using var postgres = Create<PostgresAppDbContext>();

        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..]);

        Assert.Equal(Names(sqlite), Names(postgres));
    }

    private static T Create<T>() where T : DbContext
    {
        var factoryType = typeof(AppDbContext).Assembly.GetTypes()
            .Single(t => typeof(IDesignTimeDbContextFactory<T>).IsAssignableFrom(t));
        var factory = (IDesignTimeDbContextFactory<T>)Activator.CreateInstance(factoryType, nonPublic: true)!;
        return factory.CreateDbContext([]);
    }
}
