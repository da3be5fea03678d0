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

/// <summary>Bumps <see cref="SiteChanges"/> after every successful <c>SaveChanges</c>.</summary>
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

/// <summary>Caches one value until the site changes.</summary>
public sealed class VersionedCache<T>(SiteChanges changes) where T : class
{
    private (long Version, T Value)? _entry;

    public async ValueTask<T> GetAsync(Func<Task<T>> load)
    {
        var version = changes.Version;
        var entry = _entry;
        if (entry is { } e && e.Version == version)
        {
            return e.Value;
        }
        var value = await load();
        _entry = (version, value);
        return value;
    }
}
