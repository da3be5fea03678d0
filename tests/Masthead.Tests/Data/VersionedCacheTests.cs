using Masthead.Data;
using Microsoft.Extensions.Time.Testing;

namespace Masthead.Tests.Data;

public sealed class VersionedCacheTests
{
    private readonly InProcessChangeBus _changes = new(Microsoft.Extensions.Logging.Abstractions.NullLogger<InProcessChangeBus>.Instance);
    private readonly FakeTimeProvider _clock = new();
    private int _loads;

    private Task<string> LoadAsync() => Task.FromResult($"value {Interlocked.Increment(ref _loads)}");

    [Fact]
    public async Task GetAsync_NoChange_LoadsOnce()
    {
        using var cache = new VersionedCache<string>(_changes, _clock, set => set.Any<OptionChanged>());

        await cache.GetAsync(LoadAsync);
        var second = await cache.GetAsync(LoadAsync);

        Assert.Equal("value 1", second);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task GetAsync_AfterAChangeItDependsOn_LoadsAgain()
    {
        using var cache = new VersionedCache<string>(_changes, _clock, set => set.Any<OptionChanged>());
        await cache.GetAsync(LoadAsync);

        _changes.Publish(new ChangeSet([new OptionChanged("blogname")]));

        Assert.Equal("value 2", await cache.GetAsync(LoadAsync));
    }

    [Fact]
    public async Task GetAsync_AfterAChangeItDoesNotDependOn_KeepsTheValue()
    {
        using var cache = new VersionedCache<string>(_changes, _clock, set => set.Any<OptionChanged>());
        await cache.GetAsync(LoadAsync);

        _changes.Publish(new ChangeSet([new UserChanged(7)]));

        Assert.Equal("value 1", await cache.GetAsync(LoadAsync));
    }

    [Fact]
    public void Publish_AListenerThrows_TheOthersAreStillTold()
    {
        var told = 0;
        using var failing = _changes.Subscribe(_ => throw new InvalidOperationException("listener broke"));
        using var counting = _changes.Subscribe(_ => told++);

        _changes.Publish(new ChangeSet([new OptionChanged("blogname")]));

        Assert.Equal(1, told);
    }

    [Fact]
    public async Task Dispose_StopsListening()
    {
        var cache = new VersionedCache<string>(_changes, _clock, set => throw new InvalidOperationException("still subscribed"));
        cache.Dispose();

        _changes.Publish(new ChangeSet([new OptionChanged("blogname")]));

        Assert.Equal(0, _loads);
    }

    [Fact]
    public async Task GetAsync_OlderThanMaxAge_LoadsAgainToSeeOtherProcessesWrites()
    {
        using var cache = new VersionedCache<string>(_changes, _clock, set => set.Any<OptionChanged>());
        await cache.GetAsync(LoadAsync);

        _clock.Advance(VersionedCache<string>.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Equal("value 1", await cache.GetAsync(LoadAsync));
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("value 2", await cache.GetAsync(LoadAsync));
    }

    [Fact]
    public async Task GetAsync_ManyCallersAfterAChange_RebuildOnce()
    {
        using var cache = new VersionedCache<string>(_changes, _clock, set => set.Any<OptionChanged>());
        var gate = new TaskCompletionSource();
        async Task<string> SlowLoadAsync()
        {
            await gate.Task;
            return await LoadAsync();
        }

        var callers = Enumerable.Range(0, 8).Select(_ => cache.GetAsync(SlowLoadAsync).AsTask()).ToList();
        gate.SetResult();
        var values = await Task.WhenAll(callers);

        Assert.All(values, v => Assert.Equal("value 1", v));
        Assert.Equal(1, _loads);
    }
}
