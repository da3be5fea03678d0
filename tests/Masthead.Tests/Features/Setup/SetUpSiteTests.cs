using System.Net;
using Masthead.Features.Setup;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Setup;

/// <summary>A site started without an administrator waits at /setup, which works once and only once.</summary>
public abstract class SetUpSiteTests
{
    protected abstract DatabaseKind Kind { get; }

    private const string Password = "tide tables and harbour lights";

    /// <summary>No administrator password in the settings: the site is created without one.</summary>
    private Task<TestSite> StartWithoutAdminAsync() =>
        TestSite.StartAsync(Kind, new Dictionary<string, string?> { ["MASTHEAD_ADMIN_PASSWORD"] = "" });

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string login, string password = Password, string title = "Harbour News") =>
        BrowserForm.SubmitAsync(client, "/setup", "/setup", f =>
        {
            f["weblog_title"] = title;
            f["user_name"] = login;
            f["admin_email"] = $"{login}@example.org";
            f["admin_password"] = password;
            f["admin_password2"] = password;
            f["blog_public"] = "0";
        });

    [Fact]
    public async Task Setup_NoAdministrator_EveryPageLeadsToSetupButHealth()
    {
        await using var site = await StartWithoutAdminAsync();
        var client = site.Client();

        using var home = await client.GetAsync("/");
        using var login = await client.GetAsync("/login");
        using var health = await client.GetAsync("/healthz");
        using var setup = await client.GetAsync("/setup");

        Assert.Equal(HttpStatusCode.SeeOther, home.StatusCode);
        Assert.Equal("/setup", home.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        Assert.False(await site.DbAsync(db => db.Users.AnyAsync(u => u.Role == Roles.Administrator)));
        Assert.True(await site.DbAsync(db => db.Posts.AnyAsync(p => p.Title == "Hello world!")));
    }

    [Fact]
    public async Task Setup_ValidForm_CreatesTheAdministratorSignsThemInAndCloses()
    {
        await using var site = await StartWithoutAdminAsync();
        var client = site.Client();

        using var response = await SubmitAsync(client, "linh");

        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
        using var dashboard = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var admin = await site.DbAsync(db => db.Users.SingleAsync());
        Assert.Equal(("linh", "linh", "linh@example.org", Roles.Administrator), (admin.Login, admin.DisplayName, admin.Email, admin.Role));
        Assert.True(await site.DbAsync(db => db.Posts.Where(p => p.Title == "Hello world!").AllAsync(p => p.AuthorId == admin.Id)));
        var options = await site.DbAsync(db => db.Options.ToDictionaryAsync(o => o.Name, o => o.Value));
        Assert.Equal("Harbour News", options["blogname"]);
        Assert.Equal("0", options["blog_public"]);
        Assert.StartsWith("http", options["home"]);
        using var home = await site.Client().GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var login = await TestSite.LogInAsync(site.Client(), "linh", Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public async Task Setup_AfterSetUp_AnAttackerCannotUseIt()
    {
        await using var site = await StartWithoutAdminAsync();
        var attacker = site.Client();
        // The attacker loads the form while it is still open, and submits it after the owner has.
        var fields = BrowserForm.Fields(TestSite.Parse(await attacker.GetStringAsync("/setup")), "/setup");
        (await SubmitAsync(site.Client(), "owner")).Dispose();
        fields["user_name"] = "mallory";
        fields["admin_email"] = "mallory@example.net";
        fields["admin_password"] = fields["admin_password2"] = "mallory's sneaky long password";

        using var late = await attacker.PostAsync("/setup", new FormUrlEncodedContent(fields));
        using var form = await attacker.GetAsync("/setup");

        Assert.Equal("/login", late.Headers.Location?.OriginalString);
        Assert.Equal("/login", form.Headers.Location?.OriginalString);
        var users = await site.DbAsync(db => db.Users.Select(u => u.Login).ToListAsync());
        Assert.Equal(["owner"], users);
        using var dashboard = await attacker.GetAsync("/admin");
        Assert.NotEqual(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Setup_LiveSiteThatLostItsAdministrators_StaysClosedAtTheNextStart()
    {
        await using var site = await StartWithoutAdminAsync();
        (await SubmitAsync(site.Client(), "owner")).Dispose();
        await site.DbAsync(db => db.Users.Where(u => u.Login == "owner").ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, Roles.Editor)));

        // What the next start of the server does.
        var firstRun = site.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<FirstRun>().Single();
        await firstRun.StartAsync(TestContext.Current.CancellationToken);
        using var home = await site.Client().GetAsync("/");
        using var setup = await site.Client().GetAsync("/setup");

        Assert.False(site.Services.GetRequiredService<SetupState>().Waiting);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("/login", setup.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Setup_SiteWithAdministrator_IsClosed()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var client = site.Client();
        var fields = BrowserForm.Fields(TestSite.Parse(await client.GetStringAsync("/login")), "/login");
        fields["user_name"] = "mallory";
        fields["admin_email"] = "mallory@example.net";
        fields["admin_password"] = fields["admin_password2"] = "mallory's sneaky long password";

        using var show = await client.GetAsync("/setup");
        using var post = await client.PostAsync("/setup", new FormUrlEncodedContent(fields));

        Assert.Equal("/login", show.Headers.Location?.OriginalString);
        Assert.Equal("/login", post.Headers.Location?.OriginalString);
        Assert.Equal("admin", await site.DbAsync(db => db.Users.Select(u => u.Login).SingleAsync()));
    }

    [Fact]
    public async Task Setup_TwoSubmissionsAtOnce_MakeOneAdministrator()
    {
        await using var site = await StartWithoutAdminAsync();
        var first = site.Client();
        var second = site.Client();
        var firstFields = BrowserForm.Fields(TestSite.Parse(await first.GetStringAsync("/setup")), "/setup");
        var secondFields = BrowserForm.Fields(TestSite.Parse(await second.GetStringAsync("/setup")), "/setup");
        foreach (var (fields, login) in new[] { (firstFields, "first"), (secondFields, "second") })
        {
            fields["user_name"] = login;
            fields["admin_email"] = $"{login}@example.org";
            fields["admin_password"] = fields["admin_password2"] = Password;
        }

        var answers = await Task.WhenAll(
            first.PostAsync("/setup", new FormUrlEncodedContent(firstFields)),
            second.PostAsync("/setup", new FormUrlEncodedContent(secondFields)));

        Assert.Single(answers, a => a.Headers.Location?.OriginalString == "/admin");
        Assert.Equal(1, await site.DbAsync(db => db.Users.CountAsync(u => u.Role == Roles.Administrator)));
        Assert.Equal(1, await site.DbAsync(db => db.Users.CountAsync()));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task Setup_TwoSubmissionsAtOnceToTwoNodes_MakeOneAdministrator()
    {
        await using var site = await StartWithoutAdminAsync();
        await using var node = site.StartAnotherNode();
        // One browser per node, as a load balancer would send them; each submits the form its own node showed it.
        var clients = new[] { site.Client(), node.Client() };
        var forms = new List<Dictionary<string, string>>();
        foreach (var (client, login) in clients.Zip(["first", "second"]))
        {
            var fields = BrowserForm.Fields(TestSite.Parse(await client.GetStringAsync("/setup")), "/setup");
            fields["user_name"] = login;
            fields["admin_email"] = $"{login}@example.org";
            fields["admin_password"] = fields["admin_password2"] = Password;
            forms.Add(fields);
        }

        // The placeholder account held, so both claims reach the database and wait there together before either can win.
        HttpResponseMessage[] answers;
        await using (var holder = await HeldRows.HoldAsync(site, Kind, db => db.Users.Where(u => u.Role == SetupState.PlaceholderRole)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, u => u.Role))))
        {
            // Task.Run: SQLite's provider waits for a lock on the calling thread, which must stay free to let go.
            var sent = clients.Zip(forms).Select(pair => Task.Run(() => pair.First.PostAsync("/setup", new FormUrlEncodedContent(pair.Second)))).ToList();
            await holder.WaitForWaitersAsync(2);
            Assert.DoesNotContain(sent, s => s.IsCompleted);
            await holder.ReleaseAsync();
            answers = await Task.WhenAll(sent);
        }

        try
        {
            Assert.Single(answers, a => a.Headers.Location?.OriginalString == "/admin");
            Assert.Single(answers, a => a.Headers.Location?.OriginalString == "/login");
            var users = await site.DbAsync(db => db.Users.Select(u => new { u.Login, u.Role }).ToListAsync());
            var admin = Assert.Single(users);
            Assert.Equal(Roles.Administrator, admin.Role);
            // Both nodes now know set-up is over, whichever of them did it.
            using var onSite = await site.Client().GetAsync("/setup");
            using var onNode = await node.Client().GetAsync("/setup");
            Assert.Equal("/login", onSite.Headers.Location?.OriginalString);
            Assert.Equal("/login", onNode.Headers.Location?.OriginalString);
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }

    [Fact]
    public async Task Setup_WeakPassword_SaysWhyAndCreatesNobody()
    {
        await using var site = await StartWithoutAdminAsync();

        using var response = await SubmitAsync(site.Client(), "linh", password: "winniethepooh");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(page.QuerySelectorAll("[role=alert] li"));
        Assert.Equal(SetupState.PlaceholderRole, await site.DbAsync(db => db.Users.Select(u => u.Role).SingleAsync()));
    }
}

public sealed class SqliteSetUpSiteTests : SetUpSiteTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresSetUpSiteTests : SetUpSiteTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
