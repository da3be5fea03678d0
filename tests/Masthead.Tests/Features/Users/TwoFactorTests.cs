using System.Net;
using Masthead.Features.Activity;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Users;

/// <summary>Setting up an authenticator app from the profile, then signing in with its codes or a recovery code.</summary>
public abstract class TwoFactorTests
{
    protected abstract DatabaseKind Kind { get; }

    private const string SetupPage = "/admin/profile/two-factor";

    private static string CurrentCode(string key) => Totp.Code(key, TimeProvider.System.GetUtcNow());

    /// <summary>The code of the next 30-second step (accepted as clock drift): each step's code is taken only once.</summary>
    private static string NextCode(string key) => Totp.Code(key, TimeProvider.System.GetUtcNow().AddSeconds(30));

    /// <summary>Turns two-factor on through the pages, as a person with an app would; returns the key and recovery codes.</summary>
    private static async Task<(string Key, List<string> RecoveryCodes)> EnableAsync(HttpClient client)
    {
        var page = TestSite.Parse(await client.GetStringAsync(SetupPage));
        var key = KeyOn(page);
        Assert.NotNull(page.QuerySelector("figure svg"));
        var fields = BrowserForm.Fields(page, SetupPage);
        fields["code"] = CurrentCode(key);
        fields["current_password"] = TestSite.AdminPassword;
        using var enabled = await client.PostAsync(SetupPage, new FormUrlEncodedContent(fields));
        var result = TestSite.Parse(await enabled.Content.ReadAsStringAsync());
        var codes = result.QuerySelectorAll("#recovery-codes code").Select(c => c.TextContent).ToList();
        Assert.Equal(10, codes.Count);
        return (key, codes);
    }

    private static string KeyOn(AngleSharp.Dom.IDocument page) =>
        page.QuerySelector("#authenticator-key")!.TextContent.Replace(" ", "", StringComparison.Ordinal);

    /// <summary>Password, then the second step; returns the answer to the code form.</summary>
    private static async Task<HttpResponseMessage> LogInWithCodeAsync(HttpClient client, string code)
    {
        using var first = await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var step = first.Headers.Location!.OriginalString;
        Assert.StartsWith("/login/two-factor", step);
        return await BrowserForm.SubmitAsync(client, step, "/login/two-factor", f => f["code"] = code);
    }

    private static async Task<HttpStatusCode> AdminStatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/admin");
        return response.StatusCode;
    }

    [Fact]
    public async Task TwoFactor_Enabled_PasswordAloneIsNotEnoughButTheCodeIs()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var (key, _) = await EnableAsync(owner);

        var passwordOnly = site.Client();
        using var first = await TestSite.LogInAsync(passwordOnly, "admin", TestSite.AdminPassword);
        var withCode = site.Client();
        var code = NextCode(key);
        using var second = await LogInWithCodeAsync(withCode, code);
        var replay = site.Client();
        using var replayed = await LogInWithCodeAsync(replay, code);

        Assert.StartsWith("/login/two-factor", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, await AdminStatusAsync(passwordOnly));
        Assert.Equal("/admin", second.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await AdminStatusAsync(withCode));
        // The same code a second time (seen over a shoulder, say) is refused.
        Assert.NotEqual("/admin", replayed.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, await AdminStatusAsync(replay));
        Assert.True(await site.DbAsync(db => db.UserMeta.AnyAsync(m => m.Key == UserStore.TwoFactorEnabledMeta)));
        // The key is encrypted at rest, never stored as the app's secret.
        Assert.False(await site.DbAsync(db => db.UserMeta.AnyAsync(m => m.Value.Contains(key))));
    }

    [Fact]
    public async Task TwoFactor_WrongCode_IsRefusedAndCounted()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var (key, _) = await EnableAsync(owner);
        // Wrong for every step the site accepts (one either side of now) and a step beyond, so it cannot pass by drift.
        var now = TimeProvider.System.GetUtcNow();
        var accepted = Enumerable.Range(-2, 5).Select(step => Totp.Code(key, now.AddSeconds(30 * step))).ToHashSet();
        var wrong = Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), 6)).First(c => !accepted.Contains(c));

        var client = site.Client();
        using var response = await LogInWithCodeAsync(client, wrong);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That code is not right", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, await AdminStatusAsync(client));
        Assert.Equal(1, await site.DbAsync(db => db.Users.Select(u => u.AccessFailedCount).SingleAsync()));
    }

    [Fact]
    public async Task TwoFactor_RecoveryCode_WorksOnceOnly()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var (_, codes) = await EnableAsync(owner);

        var once = site.Client();
        using var first = await LogInWithCodeAsync(once, codes[3]);
        var twice = site.Client();
        using var second = await LogInWithCodeAsync(twice, codes[3]);

        Assert.Equal("/admin", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await AdminStatusAsync(once));
        Assert.Contains("That code is not right", await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, await AdminStatusAsync(twice));
        var setup = TestSite.Parse(await once.GetStringAsync(SetupPage));
        Assert.Contains("9 recovery codes left", setup.Body!.TextContent);
    }

    [Fact]
    public async Task TwoFactor_GuessingTheProof_LocksTheAccount_SoEvenTheRightPasswordIsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        await EnableAsync(owner);

        for (var i = 0; i < 5; i++)
        {
            (await BrowserForm.SubmitAsync(owner, SetupPage, SetupPage + "/disable", f => f["proof"] = $"guess number {i}")).Dispose();
        }
        using var right = await BrowserForm.SubmitAsync(owner, SetupPage, SetupPage + "/disable", f => f["proof"] = TestSite.AdminPassword);

        Assert.Contains("Confirm with your current password", await right.Content.ReadAsStringAsync());
        Assert.NotNull(await site.DbAsync(db => db.Users.Select(u => u.LockoutEndUtc).SingleAsync()));
    }

    [Fact]
    public async Task TwoFactor_TurnOffWithWrongProof_StaysOn_WithPassword_GoesOff()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        await EnableAsync(owner);
        var stampBefore = await site.DbAsync(db => db.Users.Select(u => u.SecurityStamp).SingleAsync());

        using var refused = await BrowserForm.SubmitAsync(owner, SetupPage, SetupPage + "/disable", f => f["proof"] = "not the password");
        using var disabled = await BrowserForm.SubmitAsync(owner, SetupPage, SetupPage + "/disable", f => f["proof"] = TestSite.AdminPassword);

        Assert.Contains("Confirm with your current password", await refused.Content.ReadAsStringAsync());
        Assert.Equal(SetupPage + "?done=disabled", disabled.Headers.Location?.OriginalString);
        Assert.NotEqual(stampBefore, await site.DbAsync(db => db.Users.Select(u => u.SecurityStamp).SingleAsync()));
        using var login = await TestSite.LogInAsync(site.Client(), "admin", TestSite.AdminPassword);
        Assert.Equal("/admin", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TwoFactor_KeyUnreadable_PasswordAloneStillFails_RecoveryCodeSignsIn_AndAsksForANewApp()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var (key, codes) = await EnableAsync(owner);
        // As if the data-protection keys were lost: the stored key was encrypted with keys this site does not have.
        var foreign = new EphemeralDataProtectionProvider().CreateProtector("Masthead.Users.AuthenticatorKey").Protect(key);
        await site.DbAsync(db => db.UserMeta.Where(m => m.Key == UserStore.AuthenticatorKeyMeta)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Value, foreign)));

        var passwordOnly = site.Client();
        using var first = await TestSite.LogInAsync(passwordOnly, "admin", TestSite.AdminPassword);
        var codeForm = TestSite.Parse(await passwordOnly.GetStringAsync(first.Headers.Location!.OriginalString));
        var withAppCode = site.Client();
        using var appCode = await LogInWithCodeAsync(withAppCode, NextCode(key));
        var withRecovery = site.Client();
        using var recovered = await LogInWithCodeAsync(withRecovery, codes[0]);

        Assert.StartsWith("/login/two-factor", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, await AdminStatusAsync(passwordOnly));
        Assert.Contains("your authenticator could not be checked; use a recovery code", codeForm.Body!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, await AdminStatusAsync(withAppCode));
        Assert.True(SetupPage == recovered.Headers.Location?.OriginalString, await recovered.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await AdminStatusAsync(withRecovery));
        Assert.True(await site.DbAsync(db => db.Set<ActivityEntry>().AnyAsync(a => a.Action == ActivityActions.AuthenticatorUnreadable && a.Actor == "admin")));

        // The two-factor page says why and offers a new key; confirming it makes the app work again.
        var setup = TestSite.Parse(await withRecovery.GetStringAsync(SetupPage));
        Assert.Contains("could not be checked", setup.QuerySelector("[role=alert]")?.TextContent);
        var fields = BrowserForm.Fields(setup, SetupPage);
        var newKey = KeyOn(setup);
        // The next step's code: the current step may be the one used to turn two-factor on.
        fields["code"] = NextCode(newKey);
        fields["current_password"] = TestSite.AdminPassword;
        using var replaced = await withRecovery.PostAsync(SetupPage, new FormUrlEncodedContent(fields));
        var after = TestSite.Parse(await replaced.Content.ReadAsStringAsync());
        Assert.Equal(10, after.QuerySelectorAll("#recovery-codes code").Length);
        Assert.Contains("Two-factor sign-in is on", after.Body!.TextContent);
        Assert.Null(after.QuerySelector("#authenticator-key"));
    }

    [Fact]
    public async Task TwoFactor_EnableWithoutThePassword_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var page = TestSite.Parse(await owner.GetStringAsync(SetupPage));
        var fields = BrowserForm.Fields(page, SetupPage);
        fields["code"] = CurrentCode(KeyOn(page));

        fields.Remove("current_password");
        using var none = await owner.PostAsync(SetupPage, new FormUrlEncodedContent(fields));
        fields["current_password"] = "not the password";
        using var wrong = await owner.PostAsync(SetupPage, new FormUrlEncodedContent(fields));

        Assert.Contains("Current password: that is not it.", await none.Content.ReadAsStringAsync());
        Assert.Contains("Current password: that is not it.", await wrong.Content.ReadAsStringAsync());
        Assert.False(await site.DbAsync(db => db.UserMeta.AnyAsync(m => m.Key == UserStore.TwoFactorEnabledMeta || m.Key == UserStore.AuthenticatorKeyMeta)));
    }

    [Fact]
    public async Task TwoFactor_ShowingTheSetupPage_StoresNothing_AndItsKeyTurnsItOn()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var adminId = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync());

        var firstPage = TestSite.Parse(await owner.GetStringAsync(SetupPage));
        var secondPage = TestSite.Parse(await owner.GetStringAsync(SetupPage));

        // (The one row there is the list of addresses the account signed in from.)
        Assert.False(await site.DbAsync(db => db.UserMeta.AnyAsync(m => m.UserId == adminId && m.Key != LoginThrottle.KnownAddressesMeta)));
        Assert.Matches("^[A-Z2-7]{16,}$", KeyOn(firstPage));
        Assert.Matches("^[A-Z2-7]{16,}$", KeyOn(secondPage));
        var fields = BrowserForm.Fields(secondPage, SetupPage);
        fields["code"] = CurrentCode(KeyOn(secondPage));
        fields["current_password"] = TestSite.AdminPassword;
        using var enabled = await owner.PostAsync(SetupPage, new FormUrlEncodedContent(fields));
        Assert.Contains("Two-factor sign-in is on.", await enabled.Content.ReadAsStringAsync());
        var client = site.Client();
        using var signedIn = await LogInWithCodeAsync(client, NextCode(KeyOn(secondPage)));
        Assert.Equal("/admin", signedIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TwoFactor_TamperedSetupKey_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var owner = site.Client();
        (await TestSite.LogInAsync(owner, "admin", TestSite.AdminPassword)).Dispose();
        var page = TestSite.Parse(await owner.GetStringAsync(SetupPage));
        var fields = BrowserForm.Fields(page, SetupPage);
        // A key of the attacker's choosing cannot be slipped in: the field is encrypted and signed by the site.
        fields["candidate"] = "JBSWY3DPEHPK3PXP";
        fields["code"] = CurrentCode("JBSWY3DPEHPK3PXP");
        fields["current_password"] = TestSite.AdminPassword;

        using var response = await owner.PostAsync(SetupPage, new FormUrlEncodedContent(fields));

        Assert.Contains("The setup page was open too long", await response.Content.ReadAsStringAsync());
        Assert.False(await site.DbAsync(db => db.UserMeta.AnyAsync(m => m.Key == UserStore.TwoFactorEnabledMeta)));
    }

    [Fact]
    public async Task TwoFactorStep_WithoutThePasswordStep_GoesBackToLogin()
    {
        await using var site = await TestSite.StartAsync(Kind);

        using var response = await site.Client().GetAsync("/login/two-factor");

        Assert.Equal("/login", response.Headers.Location?.OriginalString);
    }
}

public sealed class SqliteTwoFactorTests : TwoFactorTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresTwoFactorTests : TwoFactorTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
