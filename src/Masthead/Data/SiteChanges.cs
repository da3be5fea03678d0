using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Masthead.Data;

/// <summary>
/// A version number that moves on every saved change, so in-process caches (settings, sidebar, permalinks)
/// know to rebuild without each write having to name what it touched.
/// </summary>
public sealed class SiteChanges
{
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    public void Bump() => Interlocked.Increment(ref _version);
}

/// <summary>
/// Bumps <see cref="SiteChanges"/> after every successful <c>SaveChanges</c>, and again when a transaction commits,
/// so a cache rebuilt between a save and its commit is rebuilt once more.
/// </summary>
internal sealed class SiteChangesInterceptor(SiteChanges changes) : SaveChangesInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        changes.Bump();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        changes.Bump();
        return ValueTask.FromResult(result);
    }
}

/// <summary>The commit half of <see cref="SiteChangesInterceptor"/>.</summary>
internal sealed class SiteCommitsInterceptor(SiteChanges changes) : DbTransactionInterceptor
{
    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        changes.Bump();

    public override Task TransactionCommittedAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        changes.Bump();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Caches one value until the site changes; after a change, one caller rebuilds while the others wait. Changes made
/// by another process (the <c>generate</c> command, a second node on PostgreSQL) raise no event here, so an entry
/// is also rebuilt once it is <see cref="MaxAge"/> old, until cross-node invalidation arrives with Redis.
/// </summary>
public sealed class VersionedCache<T>(SiteChanges changes, TimeProvider clock) : IDisposable where T : class
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private volatile Entry? _entry;

    public async ValueTask<T> GetAsync(Func<Task<T>> load)
    {
        var version = changes.Version;
        if (_entry is { } fresh && fresh.Version == version && !IsOld(fresh))
        {
            return fresh.Value;
        }
        await _rebuild.WaitAsync();
        try
        {
            // Another caller may have rebuilt while this one waited. The version is read before loading, so a
            // change that lands during the load leaves the entry stale and the next caller loads again.
            version = changes.Version;
            if (_entry is { } built && built.Version == version && !IsOld(built))
            {
                return built.Value;
            }
            var value = await load();
            _entry = new Entry(version, value, clock.GetTimestamp());
            return value;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    public void Dispose() => _rebuild.Dispose();

    private bool IsOld(Entry entry) => clock.GetElapsedTime(entry.BuiltAt) > MaxAge;

    private sealed record Entry(long Version, T Value, long BuiltAt);
}
