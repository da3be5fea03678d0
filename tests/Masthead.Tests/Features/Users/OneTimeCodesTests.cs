using Masthead.Data;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Users;

/// <summary>Each authenticator code is accepted once, even when several requests bring it at the same moment.</summary>
public abstract class OneTimeCodesTests
{
    protected abstract DatabaseKind Kind { get; }

    private static async Task<bool> VerifyAsync(TestSite site, string code)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var admin = await users.FindByNameAsync("admin");
        return await users.VerifyTwoFactorTokenAsync(admin!, TokenOptions.DefaultAuthenticatorProvider, code);
    }

    [Fact]
    public async Task Verify_SameCodeEightTimesAtOnce_AcceptedOnceAndLaterCodesStillWork()
    {
        await using var site = await TestSite.StartAsync(Kind);
        string key;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var admin = (await users.FindByNameAsync("admin"))!;
            key = users.GenerateNewAuthenticatorKey();
            await scope.ServiceProvider.GetRequiredService<UserStore>().SetAuthenticatorKeyAsync(admin, key, CancellationToken.None);
            await users.UpdateAsync(admin);
        }
        var now = TimeProvider.System.GetUtcNow();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => VerifyAsync(site, Totp.Code(key, now)))));

        Assert.Single(answers, accepted => accepted);
        Assert.Equal(1, await site.DbAsync(db => db.UserMeta.CountAsync(m => m.Key == OneTimeCodes.LastStepMeta)));
        // The step after is still a fresh code, not refused for ever.
        Assert.True(await VerifyAsync(site, Totp.Code(key, now.AddSeconds(30))));
        Assert.False(await VerifyAsync(site, Totp.Code(key, now)));
    }

    [Fact]
    public async Task UserMeta_SecondRowForOneKey_IsRefusedByTheDatabase()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var adminId = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync());
        await site.DbAsync(async db =>
        {
            db.UserMeta.Add(new UserMeta { UserId = adminId, Key = OneTimeCodes.LastStepMeta, Value = "1" });
            await db.SaveChangesAsync();
        });

        var second = await Assert.ThrowsAsync<DbUpdateException>(() => site.DbAsync(async db =>
        {
            db.UserMeta.Add(new UserMeta { UserId = adminId, Key = OneTimeCodes.LastStepMeta, Value = "2" });
            await db.SaveChangesAsync();
        }));

        Assert.True(second.IsConflict());
    }
}

public sealed class SqliteOneTimeCodesTests : OneTimeCodesTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresOneTimeCodesTests : OneTimeCodesTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
