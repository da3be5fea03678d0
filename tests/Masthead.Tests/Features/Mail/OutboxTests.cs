using Masthead.Features.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Masthead.Tests.Features.Mail;

public sealed class OutboxTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"masthead-test-outbox-{Guid.NewGuid():N}");

    [Fact]
    public async Task Outbox_StoppedWithMailQueued_SendsItAllFirst()
    {
        var outbox = new Outbox(NullLogger<Outbox>.Instance);
        var sender = new MailSender(new MailOptions { PickupFolder = _folder }, new HostingEnvironment { ContentRootPath = _folder });
        using var worker = new MailWorker(outbox, sender, Scopes(), NullLogger<MailWorker>.Instance);
        await worker.StartAsync(TestContext.Current.CancellationToken);

        for (var i = 0; i < 20; i++)
        {
            outbox.Enqueue(new OutgoingMail($"reader{i}@example.org", $"Message {i}", "Hello."));
        }
        await worker.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(20, Directory.GetFiles(_folder, "*.eml").Length);
    }

    [Fact]
    public async Task Outbox_AfterStop_TakesNothingMore()
    {
        var outbox = new Outbox(NullLogger<Outbox>.Instance);
        var sender = new MailSender(new MailOptions { PickupFolder = _folder }, new HostingEnvironment { ContentRootPath = _folder });
        using var worker = new MailWorker(outbox, sender, Scopes(), NullLogger<MailWorker>.Instance);
        await worker.StartAsync(TestContext.Current.CancellationToken);
        await worker.StopAsync(TestContext.Current.CancellationToken);

        outbox.Enqueue(new OutgoingMail("late@example.org", "Too late", "Hello."));

        // Refused by the outbox itself, not merely not written yet: nothing is left queued for anyone to send.
        Assert.False(outbox.TryTake(out _));
        Assert.False(Directory.Exists(_folder) && Directory.GetFiles(_folder, "*.eml").Length > 0);
    }

    [Fact]
    public async Task Outbox_FloodOfMessagesToWriteLater_LeavesRoomForAReadyNotice()
    {
        var outbox = new Outbox(NullLogger<Outbox>.Instance);
        var sender = new MailSender(new MailOptions { PickupFolder = _folder }, new HostingEnvironment { ContentRootPath = _folder });
        // A thousand lost-password requests for made-up names queue a thousand jobs that will write nothing.
        for (var i = 0; i < 1000; i++)
        {
            outbox.Enqueue("Password reset", (_, _) => Task.FromResult<OutgoingMail?>(null));
        }

        outbox.Enqueue(new OutgoingMail("owner@example.org", "Sign-in attempts on your account are being slowed down", "Hello."));
        using var worker = new MailWorker(outbox, sender, Scopes(), NullLogger<MailWorker>.Instance);
        await worker.StartAsync(TestContext.Current.CancellationToken);
        await worker.StopAsync(TestContext.Current.CancellationToken);

        var sent = Assert.Single(Directory.GetFiles(_folder, "*.eml"));
        Assert.Contains("owner@example.org", await File.ReadAllTextAsync(sent, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static IServiceScopeFactory Scopes() => new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
