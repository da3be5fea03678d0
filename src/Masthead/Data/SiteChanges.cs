using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;

namespace Masthead.Data;

/// <summary>
/// One thing a committed unit of work changed that something outside it may care about: the reader's caches, the
/// coming page cache, search indexing, webhooks. Writes nobody outside reads (the activity log, post locks, sign-in
/// counters, one-time codes) raise none.
/// </summary>
public abstract record SiteChange;

/// <summary>The facts about a post that decide whether and where readers find it; its text is not among them.</summary>
public sealed record PostFacts(
    PostType Type, PostStatus Status, string Slug, string Title, DateTime PublishedAtUtc, int AuthorId, int? ParentId,
    bool IsSticky, bool HasPassword);

/// <summary>A post was created (<see cref="Before"/> null), changed, or deleted (<see cref="After"/> null).</summary>
public sealed record PostChanged(int Id, PostFacts? Before, PostFacts? After) : SiteChange
{
    /// <summary>Readers could see the post before or can see it now.</summary>
    public bool SeenByReaders => Before?.Status == PostStatus.Publish || After?.Status == PostStatus.Publish;

    /// <summary>Something lists, links or counts change by: not only the post's own text.</summary>
    public bool ChangesListings => SeenByReaders && Before != After;
}

/// <summary>Scheduled posts became published by one bulk update, which names no rows.</summary>
public sealed record ScheduledPostsPublished(int Count) : SiteChange;

/// <summary>A post's categories or tags changed.</summary>
public sealed record PostTermsChanged(int PostId, bool SeenByReaders) : SiteChange;

/// <summary>A category, tag or other term was created, changed or deleted.</summary>
public sealed record TermChanged(int Id, Taxonomy Taxonomy) : SiteChange;

/// <summary>A comment was created, moderated, edited or deleted; a null state means it did not exist.</summary>
public sealed record CommentChanged(int Id, int PostId, CommentApproval? Before, CommentApproval? After) : SiteChange
{
    public bool SeenByReaders => Before == CommentApproval.Approved || After == CommentApproval.Approved;
}

/// <summary>A user was created or deleted, or what readers see of them (name, slug, bio, website) changed.</summary>
public sealed record UserChanged(int Id) : SiteChange;

/// <summary>A site option changed.</summary>
public sealed record OptionChanged(string Name) : SiteChange;

/// <summary>Another theme was chosen.</summary>
public sealed record ThemeChanged(string Theme) : SiteChange;

/// <summary>Everything one committed unit of work changed, published once after it commits.</summary>
public sealed record ChangeSet(IReadOnlyList<SiteChange> Changes)
{
    public bool Any<T>(Func<T, bool>? matches = null) where T : SiteChange =>
        Changes.OfType<T>().Any(c => matches is null || matches(c));
}

/// <summary>
/// Where committed changes are announced. In-process today; the scale-out work backs it with Redis so every node
/// hears every node's writes, and a command-line process (import, generate) will announce its own through it.
/// </summary>
public interface IChangeBus
{
    void Publish(ChangeSet changes);

    /// <summary>Calls <paramref name="onChanges"/> for every change set until disposed; handlers must be quick.</summary>
    IDisposable Subscribe(Action<ChangeSet> onChanges);
}

internal sealed partial class InProcessChangeBus(ILogger<InProcessChangeBus> logger) : IChangeBus
{
    private volatile Action<ChangeSet>[] _handlers = [];
    private readonly Lock _gate = new();

    public void Publish(ChangeSet changes)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(changes);
            }
            catch (Exception e)
            {
                // The change is committed already; one listener's failure must neither undo the answer nor stop the others.
                LogHandlerFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A change listener failed; the others were still told.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    public IDisposable Subscribe(Action<ChangeSet> onChanges)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers, onChanges];
        }
        return new Subscription(this, onChanges);
    }

    private sealed class Subscription(InProcessChangeBus bus, Action<ChangeSet> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (bus._gate)
            {
                bus._handlers = [.. bus._handlers.Where(h => h != handler)];
            }
        }
    }
}

/// <summary>
/// Caches one value until a change it depends on is announced; after such a change, one caller rebuilds while the
/// others wait. Changes made by another process (the <c>generate</c> command, a second node until the bus is backed
/// by Redis) are not announced here, so an entry is also rebuilt once it is <see cref="MaxAge"/> old.
/// </summary>
public sealed class VersionedCache<T> : IDisposable where T : class
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _clock;
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private volatile Entry? _entry;
    private long _version;

    /// <param name="changes">Where committed changes are announced.</param>
    /// <param name="clock">Ages entries against <see cref="MaxAge"/>.</param>
    /// <param name="dependsOn">Whether a change set makes the cached value stale.</param>
    public VersionedCache(IChangeBus changes, TimeProvider clock, Func<ChangeSet, bool> dependsOn)
    {
        _clock = clock;
        _subscription = changes.Subscribe(set =>
        {
            if (dependsOn(set))
            {
                Interlocked.Increment(ref _version);
            }
        });
    }

    public async ValueTask<T> GetAsync(Func<Task<T>> load)
    {
        var version = Interlocked.Read(ref _version);
        if (_entry is { } fresh && fresh.Version == version && !IsOld(fresh))
        {
            return fresh.Value;
        }
        await _rebuild.WaitAsync();
        try
        {
            // Another caller may have rebuilt while this one waited. The version is read before loading, so a
            // change that lands during the load leaves the entry stale and the next caller loads again.
            version = Interlocked.Read(ref _version);
            if (_entry is { } built && built.Version == version && !IsOld(built))
            {
                return built.Value;
            }
            var value = await load();
            _entry = new Entry(version, value, _clock.GetTimestamp());
            return value;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _rebuild.Dispose();
    }

    private bool IsOld(Entry entry) => _clock.GetElapsedTime(entry.BuiltAt) > MaxAge;

    private sealed record Entry(long Version, T Value, long BuiltAt);
}
