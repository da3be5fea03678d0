using Masthead.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Infrastructure;

/// <summary>
/// Rows held by an open transaction that has written them without changing them, so that every other writer of
/// those rows waits: on PostgreSQL for their row locks, on SQLite for the database's one write lock. A race test
/// holds the rows, sends its contestants, waits until they are all waiting, then lets go, so they really meet in the
/// database instead of merely being started close together.
/// </summary>
public sealed class HeldRows : IAsyncDisposable
{
    private readonly TestSite _site;
    private readonly DatabaseKind _kind;
    private readonly AsyncServiceScope _scope;
    private readonly IDbContextTransaction _transaction;

    private HeldRows(TestSite site, DatabaseKind kind, AsyncServiceScope scope, IDbContextTransaction transaction)
    {
        _site = site;
        _kind = kind;
        _scope = scope;
        _transaction = transaction;
    }

    /// <summary>Opens the transaction and runs <paramref name="touch"/> in it, which must write at least one row.</summary>
    public static async Task<HeldRows> HoldAsync(TestSite site, DatabaseKind kind, Func<AppDbContext, Task<int>> touch)
    {
        var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var transaction = await db.Database.BeginTransactionAsync();
        var held = new HeldRows(site, kind, scope, transaction);
        Assert.True(await touch(db) > 0, "the holding transaction wrote no rows, so it holds nothing");
        return held;
    }

    /// <summary>
    /// Returns once <paramref name="count"/> statements wait for the held rows. PostgreSQL's activity view says
    /// so; SQLite has nothing to ask, so there it is a pause long enough for them to arrive.
    /// </summary>
    public async Task WaitForWaitersAsync(int count)
    {
        if (_kind != DatabaseKind.Postgres)
        {
            await Task.Delay(500);
            return;
        }
        var waiting = 0;
        for (var attempt = 0; attempt < 200 && waiting < count; attempt++)
        {
            await Task.Delay(50);
            waiting = await _site.DbAsync(db => db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                .SingleAsync());
        }
        Assert.True(waiting == count, $"{waiting} statement(s) waited for the held rows, not {count}: the race was not run");
    }

    /// <summary>Commits the holding transaction (which changed nothing), so the waiting statements go at once.</summary>
    public Task ReleaseAsync() => _transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _scope.DisposeAsync();
    }
}
