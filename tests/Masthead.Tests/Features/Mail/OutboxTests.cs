using Masthead.Data;
using Masthead.Features.Mail;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Masthead.Tests.Features.Mail;

public abstract class OutboxTests(DatabaseKind kind)
{
    private static readonly Dictionary<string, string?> NoWorker = new() { ["Mail:RunWorker"] = "false" };

    private DatabaseKind Kind { get; } = kind;

    /// <summary>Queues one ready message through the outbox in a unit of work of its own, and saves it.</summary>
    private static Task QueueAsync(TestSite site, string to, string subject) => WithOutboxAsync(site, async (db, outbox) =>
    {
        outbox.Enqueue(new OutgoingMail(to, subject, "Hello."));
        await db.SaveChangesAsync();
    });

    private static async Task WithOutboxAsync(TestSite site, Func<AppDbContext, Outbox, Task> work)
    {
        await using var scope = site.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<Outbox>());
    }

    private static MailWorker NewWorker(TestSite site) => ActivatorUtilities.CreateInstance<MailWorker>(site.Services);

    private static Task<List<OutgoingMessage>> RowsAsync(TestSite site) =>
        site.DbAsync(db => db.MailOutbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    [Fact]
    public async Task Outbox_UnitOfWorkRolledBackOrFailed_MessageIsNeverSent()
    {
        await using var site = await TestSite.StartAsync(Kind);

        await WithOutboxAsync(site, async (db, outbox) =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            outbox.Enqueue(new OutgoingMail("rolled-back@example.org", "Rolled back", "Hello."));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        });
        await WithOutboxAsync(site, async (db, outbox) =>
        {
            outbox.Enqueue(new OutgoingMail("failed@example.org", "Failed save", "Hello."));
            // The same save adds a second "admin": the unique login makes the whole save fail, the message with it.
            db.Users.Add(new User { Login = "admin", Email = "other@example.invalid", DisplayName = "Other", Slug = "other-admin" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        });
        await QueueAsync(site, "committed@example.org", "Committed");

        var sent = Assert.Single(await site.MailSentSoFarAsync());
        Assert.Contains("committed@example.org", await File.ReadAllTextAsync(sent), StringComparison.Ordinal);
        Assert.Equal(["Committed"], (await RowsAsync(site)).Select(m => m.Subject));
    }

    [Fact]
    public async Task Outbox_TwoWorkersClaimAtOnce_EachMessageGoesToOne()
    {
        await using var site = await TestSite.StartAsync(Kind, NoWorker);
        for (var i = 0; i < 30; i++)
        {
            await QueueAsync(site, $"reader{i}@example.org", $"Message {i}");
        }
        var first = NewWorker(site);
        var second = NewWorker(site);

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            await using var scope = site.Services.CreateAsyncScope();
            var worker = i % 2 == 0 ? first : second;
            return await worker.ClaimAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), CancellationToken.None);
        }));

        var claimed = claims.SelectMany(c => c.Select(r => r.Id)).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        var rows = await RowsAsync(site);
        // Every row a claim was told it holds is held by that claim in the table, by the worker that made it.
        Assert.All(claims.SelectMany(c => c), c => Assert.Equal(c.ClaimedBy, rows.Single(r => r.Id == c.Id).ClaimedBy));
        Assert.All(claims.Where((_, i) => i % 2 == 0).SelectMany(c => c), c => Assert.StartsWith(first.NodeId + "#", c.ClaimedBy, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outbox_TwoNodesSendingOneOutbox_SendEachMessageOnce()
    {
        var fast = new Dictionary<string, string?> { ["Mail:PollSeconds"] = "0.1", ["Mail:BatchSize"] = "3" };
        await using var site = await TestSite.StartAsync(Kind, fast);
        await using var node = site.StartAnotherNode(fast);

        for (var i = 0; i < 30; i++)
        {
            await QueueAsync(site, $"reader{i}@example.org", $"Message {i}");
        }
        await site.MailSentSoFarAsync();

        var files = (await node.MailSentSoFarAsync()).Concat(await site.MailSentSoFarAsync()).ToList();
        var subjects = await Task.WhenAll(files.Select(async f => (await MimeMessage.LoadAsync(f)).Subject));
        Assert.Equal(30, subjects.Length);
        Assert.Equal(30, subjects.Distinct().Count());
        Assert.All(await RowsAsync(site), m => Assert.NotNull(m.SentAtUtc));
    }

    [Fact]
    public async Task Outbox_SendFails_RetriedWithGrowingWaits_ThenGivenUpWithItsError()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var transport = new FailingTransport();
        await using var site = await TestSite.StartAsync(Kind, new Dictionary<string, string?> { ["Mail:RunWorker"] = "false", ["Mail:MaxAttempts"] = "3" }, services: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<IMailTransport>(transport);
        });
        await QueueAsync(site, "reader@example.org", "Refused");
        var worker = NewWorker(site);
        var start = clock.GetUtcNow().UtcDateTime;

        await worker.SendDueAsync(CancellationToken.None);
        var afterFirst = Assert.Single(await RowsAsync(site));
        clock.Advance(TimeSpan.FromSeconds(50));
        await worker.SendDueAsync(CancellationToken.None);
        var tooEarly = transport.Calls;
        clock.Advance(TimeSpan.FromSeconds(10));
        await worker.SendDueAsync(CancellationToken.None);
        var afterSecond = Assert.Single(await RowsAsync(site));
        clock.Advance(TimeSpan.FromMinutes(2));
        await worker.SendDueAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(1));
        await worker.SendDueAsync(CancellationToken.None);

        Assert.Equal(1, afterFirst.Attempts);
        Assert.Equal(start.AddMinutes(1), afterFirst.NextAttemptAtUtc, TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, tooEarly);
        Assert.Equal(2, afterSecond.Attempts);
        Assert.Equal(start.AddMinutes(1 + 2), afterSecond.NextAttemptAtUtc, TimeSpan.FromMilliseconds(1));
        var givenUp = Assert.Single(await RowsAsync(site));
        Assert.Equal(3, transport.Calls);
        Assert.Equal(3, givenUp.Attempts);
        Assert.NotNull(givenUp.GaveUpAtUtc);
        Assert.Null(givenUp.SentAtUtc);
        Assert.Contains("the relay refused it", givenUp.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outbox_SiteStoppedWithMailQueued_NextStartSendsIt()
    {
        await using var site = await TestSite.StartAsync(Kind, NoWorker);
        await using (var before = site.StartAnotherNode(NoWorker))
        {
            await QueueAsync(before, "reader@example.org", "Queued before the restart");
        }

        await using var after = site.StartAnotherNode(new Dictionary<string, string?>());

        var sent = Assert.Single(await after.WaitForMailAsync());
        Assert.Equal("Queued before the restart", (await MimeMessage.LoadAsync(sent)).Subject);
        Assert.NotNull(Assert.Single(await RowsAsync(site)).SentAtUtc);
    }

    [Fact]
    public async Task Outbox_FloodOfMessagesToCompose_StopsAtTheBound_AndAReadyNoticeIsStillQueued()
    {
        await using var site = await TestSite.StartAsync(Kind, new Dictionary<string, string?> { ["Mail:RunWorker"] = "false", ["Mail:MaxToCompose"] = "5" });

        for (var i = 0; i < 12; i++)
        {
            await WithOutboxAsync(site, async (db, outbox) =>
            {
                await outbox.EnqueueToComposeAsync(LostPassword.MailKind, $"nobody{i}");
                await db.SaveChangesAsync();
            });
        }
        await QueueAsync(site, "owner@example.org", "Sign-in attempts on your account are being slowed down");

        var rows = await RowsAsync(site);
        Assert.Equal(5, rows.Count(m => m.ComposeKind == LostPassword.MailKind));
        Assert.Single(rows, m => m.ComposeKind is null && m.To == "owner@example.org");
    }

    [Fact]
    public async Task Outbox_SentLongAgo_IsDeletedByTheWorker()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var site = await TestSite.StartAsync(Kind, services: services => services.AddSingleton<TimeProvider>(clock));
        await QueueAsync(site, "old@example.org", "Old");
        await site.MailSentSoFarAsync();
        clock.Advance(TimeSpan.FromDays(8));

        await QueueAsync(site, "new@example.org", "New");
        await site.MailSentSoFarAsync();
        // The clean-up runs after a pass that sent something, at most hourly: give the worker one more look.
        clock.Advance(TimeSpan.FromHours(2));
        site.Services.GetRequiredService<MailWakeUp>().Nudge();
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while ((await RowsAsync(site)).Count > 1 && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(25);
        }

        Assert.Equal(["New"], (await RowsAsync(site)).Select(m => m.Subject));
    }

    private sealed class FailingTransport : IMailTransport
    {
        private int _calls;

        public int Calls => _calls;

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("the relay refused it");
        }
    }
}

public sealed class SqliteOutboxTests() : OutboxTests(DatabaseKind.Sqlite);

public sealed class PostgresOutboxTests() : OutboxTests(DatabaseKind.Postgres);
