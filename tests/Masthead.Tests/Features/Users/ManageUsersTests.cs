using System.Net;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Users;

public abstract class ManageUsersTests
{
    protected abstract DatabaseKind Kind { get; }

    private const string Password = "a newsroom password for tests";

    private static async Task<HttpClient> LogInAsync(TestSite site, string login, string password)
    {
        var client = site.Client();
        using var response = await TestSite.LogInAsync(client, login, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    private static Task<HttpResponseMessage> AddUserAsync(HttpClient admin, string login, string role) =>
        BrowserForm.SubmitAsync(admin, "/admin/users", "/admin/users", f =>
        {
            f["user_login"] = login;
            f["email"] = $"{login}@example.org";
            f["display_name"] = $"{login} Reporter";
            f["pass1"] = Password;
            f["role"] = role;
        });

    [Fact]
    public async Task Users_SortByNameOrEmail_AndChangeTheRoleOfTickedUsersAtOnce()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");

        async Task<List<string>> LoginsAsync(string url) =>
            [.. TestSite.Parse(await admin.GetStringAsync(url)).QuerySelectorAll("tbody tr td[data-label=Username] strong").Select(s => s.TextContent)];

        Assert.Equal(["admin", "author-a", "author-b", "contributor", "editor", "subscriber"], await LoginsAsync("/admin/users"));
        Assert.Equal(["subscriber", "editor", "contributor", "author-b", "author-a", "admin"], await LoginsAsync("/admin/users?orderby=username&order=desc"));
        var byEmail = TestSite.Parse(await admin.GetStringAsync("/admin/users?orderby=email&order=asc"));
        Assert.Equal("ascending", byEmail.QuerySelector("th[aria-sort]")?.GetAttribute("aria-sort"));
        Assert.Equal("/admin/users?orderby=email&order=desc", byEmail.QuerySelector("th[aria-sort] a")?.GetAttribute("href"));

        var list = TestSite.Parse(await admin.GetStringAsync("/admin/users"));
        var adminId = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync());
        Assert.Null(list.QuerySelector($"input[name='users[]'][value='{adminId}']"));
        Assert.NotNull(list.QuerySelector($"input[name='users[]'][value='{newsroom.Users["author-a"]}']"));
        var fields = BrowserForm.Fields(list, "/admin/users/roles").ToList();
        fields.Add(new("new_role", "editor"));
        fields.Add(new("users[]", newsroom.Users["author-a"].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        fields.Add(new("users[]", newsroom.Users["subscriber"].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var changed = await admin.PostAsync("/admin/users/roles", new FormUrlEncodedContent(fields));

        Assert.Equal("/admin/users?done=role", changed.Headers.Location?.OriginalString);
        Assert.Equal(["editor", "editor", "editor"], await site.DbAsync(db => db.Users
            .Where(u => u.Login == "author-a" || u.Login == "subscriber" || u.Login == "editor").Select(u => u.Role).ToListAsync()));
        Assert.Equal("contributor", await site.DbAsync(db => db.Users.Where(u => u.Login == "contributor").Select(u => u.Role).SingleAsync()));
        var editor = await newsroom.SignInAsync("editor");
        var editorFields = BrowserForm.Fields(TestSite.Parse(await editor.GetStringAsync("/admin")), "/logout").Where(f => f.Key.StartsWith("__", StringComparison.Ordinal)).ToList();
        editorFields.Add(new("new_role", "administrator"));
        editorFields.Add(new("users[]", newsroom.Users["contributor"].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var refused = await editor.PostAsync("/admin/users/roles", new FormUrlEncodedContent(editorFields));
        Assert.Equal("/admin/denied", refused.Headers.Location?.AbsolutePath);
        Assert.Equal("contributor", await site.DbAsync(db => db.Users.Where(u => u.Login == "contributor").Select(u => u.Role).SingleAsync()));
    }

    [Fact]
    public async Task AddUser_AsAuthor_CanSignInButNotManageUsers()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);

        using var added = await AddUserAsync(admin, "linh", Roles.Author);
        var author = await LogInAsync(site, "linh", Password);

        Assert.Equal("/admin/users?done=added", added.Headers.Location?.OriginalString);
        var list = TestSite.Parse(await admin.GetStringAsync("/admin/users?role=author"));
        Assert.Equal(["linh"], list.QuerySelectorAll("tbody tr td[data-label=Username] strong").Select(td => td.TextContent));
        using var dashboard = await author.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        using var users = await author.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, users.StatusCode);
        using var direct = await author.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string> { ["user_login"] = "sneaky" }));
        Assert.NotEqual(HttpStatusCode.OK, direct.StatusCode);
        Assert.False(await site.DbAsync(db => db.Users.AnyAsync(u => u.Login == "sneaky")));
    }

    [Fact]
    public async Task AddUserForm_OffersAStrongGeneratedPassword_NewEachTime_ThatWorks()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);

        var first = TestSite.Parse(await admin.GetStringAsync("/admin/users")).QuerySelector("#pass1")!.GetAttribute("value")!;
        var second = TestSite.Parse(await admin.GetStringAsync("/admin/users")).QuerySelector("#pass1")!.GetAttribute("value")!;

        Assert.NotEqual(first, second);
        Assert.All(new[] { first, second }, p =>
        {
            Assert.True(p.Length >= 20, $"'{p}' is short.");
            Assert.True(p.Distinct().Count() >= 10, $"'{p}' repeats itself.");
            Assert.Contains(p, char.IsLetter);
            Assert.False(PasswordRules.IsCommon(p));
        });
        // The password the form carried is the new user's, unchanged.
        var fields = BrowserForm.Fields(TestSite.Parse(await admin.GetStringAsync("/admin/users")), "/admin/users");
        fields["user_login"] = "tomas";
        fields["email"] = "tomas@example.org";
        fields["role"] = Roles.Author;
        using var added = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(fields));
        Assert.Equal("/admin/users?done=added", added.Headers.Location?.OriginalString);
        using var signIn = await TestSite.LogInAsync(site.Client(), "tomas", fields["pass1"]);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [Fact]
    public async Task AddUser_Refused_KeepsWhatWasEntered()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);

        using var response = await BrowserForm.SubmitAsync(admin, "/admin/users", "/admin/users", f =>
        {
            f["user_login"] = "mara";
            f["email"] = "not an address";
            f["display_name"] = "Mara Quinn";
            f["pass1"] = "a password the admin chose";
            f["role"] = Roles.Editor;
        });

        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("mara", page.QuerySelector("#user_login")?.GetAttribute("value"));
        Assert.Equal("not an address", page.QuerySelector("#email")?.GetAttribute("value"));
        Assert.Equal("Mara Quinn", page.QuerySelector("#display_name")?.GetAttribute("value"));
        Assert.Equal("a password the admin chose", page.QuerySelector("#pass1")?.GetAttribute("value"));
        Assert.Equal(Roles.Editor, page.QuerySelector("#role option[selected]")?.GetAttribute("value"));
        // The error sits beside its field, tied to it, as well as in the summary at the top.
        Assert.Equal("true", page.QuerySelector("#email")?.GetAttribute("aria-invalid"));
        Assert.Equal("Email: enter a valid address.", page.QuerySelector("#" + page.QuerySelector("#email")?.GetAttribute("aria-describedby"))?.TextContent);
        Assert.Null(page.QuerySelector("#user_login")?.GetAttribute("aria-invalid"));
        Assert.Contains("Email: enter a valid address.", page.QuerySelector(".notice-error")?.TextContent, StringComparison.Ordinal);
        Assert.False(await site.DbAsync(db => db.Users.AnyAsync(u => u.Login == "mara")));
    }

    [Fact]
    public async Task AddUser_BadInput_SaysWhatIsWrong()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);

        using var response = await BrowserForm.SubmitAsync(admin, "/admin/users", "/admin/users", f =>
        {
            f["user_login"] = "admin";
            f["email"] = "not-an-email";
            f["pass1"] = Password;
            f["role"] = "overlord";
        });

        var errors = TestSite.Parse(await response.Content.ReadAsStringAsync()).QuerySelectorAll("[role=alert] li").Select(li => li.TextContent).ToList();
        Assert.Equal(3, errors.Count);
    }

    [Theory]
    [InlineData("ADMIN@example.invalid", "fresh@example.org", "Username: that one is taken.")]
    [InlineData("Admin", "fresh@example.org", "Username: that one is taken.")]
    [InlineData("fresh", "BOSS@example.org", "Email: another user has that address.")]
    public async Task AddUser_LoginOrEmailThatNamesAnotherAccount_IsRefused(string login, string email, string error)
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);
        // A second account whose login looks like an address, for the last case.
        await site.DbAsync(async db =>
        {
            db.Users.Add(new User { Login = "boss@example.org", Email = "boss-mail@example.org", DisplayName = "Boss", Slug = "boss", Role = Roles.Editor });
            await db.SaveChangesAsync();
        });

        // Sign-in takes a login or an address in one field, so each must name one account only.
        using var response = await BrowserForm.SubmitAsync(admin, "/admin/users", "/admin/users", f =>
        {
            f["user_login"] = login;
            f["email"] = email;
            f["pass1"] = Password;
            f["role"] = Roles.Author;
        });

        Assert.Contains(error, await response.Content.ReadAsStringAsync());
        Assert.Equal(2, await site.DbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task ChangeRoleAndDelete_ReassignPostsToTheChosenUser()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);
        (await AddUserAsync(admin, "leaving", Roles.Contributor)).Dispose();
        var leaving = await site.DbAsync(db => db.Users.SingleAsync(u => u.Login == "leaving"));
        var adminId = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync());
        var story = await site.AddPostAsync(Unique.Name("Farewell column"), p => p.AuthorId = leaving.Id);

        using var promoted = await BrowserForm.SubmitAsync(admin, "/admin/users", $"/admin/users/{leaving.Id}/role", f => f["role"] = Roles.Editor);
        Assert.Equal(Roles.Editor, await site.DbAsync(db => db.Users.Where(u => u.Id == leaving.Id).Select(u => u.Role).SingleAsync()));

        // The list links to a confirmation that asks once whom the posts go to.
        var list = TestSite.Parse(await admin.GetStringAsync("/admin/users"));
        Assert.NotNull(list.QuerySelector($"a[href='/admin/users/{leaving.Id}/delete']"));
        Assert.Empty(list.QuerySelectorAll("select[name=reassign_user]"));
        using var deleted = await BrowserForm.SubmitAsync(admin, $"/admin/users/{leaving.Id}/delete", $"/admin/users/{leaving.Id}/delete",
            f => f["reassign_user"] = adminId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("/admin/users?done=deleted", deleted.Headers.Location?.OriginalString);
        Assert.False(await site.DbAsync(db => db.Users.AnyAsync(u => u.Id == leaving.Id)));
        Assert.Equal(adminId, await site.DbAsync(db => db.Posts.Where(p => p.Id == story.Id).Select(p => p.AuthorId).SingleAsync()));
    }

    [Fact]
    public async Task Administrator_CannotDeleteOrDemoteThemselves()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);
        (await AddUserAsync(admin, "other", Roles.Subscriber)).Dispose();
        var ids = await site.DbAsync(db => db.Users.OrderBy(u => u.Id).Select(u => u.Id).ToListAsync());
        var page = TestSite.Parse(await admin.GetStringAsync("/admin/users"));
        var token = page.QuerySelector("form[action='/admin/users'] input[type=hidden]")!;
        var fields = new Dictionary<string, string> { [token.GetAttribute("name")!] = token.GetAttribute("value")!, ["role"] = Roles.Subscriber, ["reassign_user"] = ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture) };

        using var demote = await admin.PostAsync($"/admin/users/{ids[0]}/role", new FormUrlEncodedContent(fields));
        using var delete = await admin.PostAsync($"/admin/users/{ids[0]}/delete", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Equal(Roles.Administrator, await site.DbAsync(db => db.Users.Where(u => u.Id == ids[0]).Select(u => u.Role).SingleAsync()));
    }

    /// <summary>Turns two-factor on for the signed-in client, as its owner would from the profile.</summary>
    private static async Task EnableTwoFactorAsync(HttpClient client, string password)
    {
        var page = TestSite.Parse(await client.GetStringAsync("/admin/profile/two-factor"));
        var key = page.QuerySelector("#authenticator-key")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        var fields = BrowserForm.Fields(page, "/admin/profile/two-factor");
        fields["code"] = Totp.Code(key, TimeProvider.System.GetUtcNow());
        fields["current_password"] = password;
        using var enabled = await client.PostAsync("/admin/profile/two-factor", new FormUrlEncodedContent(fields));
        Assert.Contains("Two-factor sign-in is on.", await enabled.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResetTwoFactor_ByAnAdministrator_TurnsItOffAndIsLogged()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);
        (await AddUserAsync(admin, "phoneless", Roles.Author)).Dispose();
        await EnableTwoFactorAsync(await LogInAsync(site, "phoneless", Password), Password);
        var user = await site.DbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Login == "phoneless"));
        var action = $"/admin/users/{user.Id}/two-factor/reset";
        var list = TestSite.Parse(await admin.GetStringAsync("/admin/users"));
        Assert.Single(list.QuerySelectorAll("form[action*='/two-factor/reset']"));

        using var reset = await BrowserForm.SubmitAsync(admin, "/admin/users", action, _ => { });

        Assert.Equal("/admin/users?done=two-factor", reset.Headers.Location?.OriginalString);
        var meta = await site.DbAsync(db => db.UserMeta.Where(m => m.UserId == user.Id).ToDictionaryAsync(m => m.Key, m => m.Value));
        Assert.False(meta.ContainsKey(UserStore.TwoFactorEnabledMeta));
        Assert.False(meta.ContainsKey(UserStore.AuthenticatorKeyMeta));
        Assert.Equal("", meta.GetValueOrDefault(UserStore.RecoveryCodesMeta, ""));
        Assert.NotEqual(user.SecurityStamp, await site.DbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync()));
        Assert.True(await site.DbAsync(db => db.Set<Masthead.Features.Activity.ActivityEntry>()
            .AnyAsync(a => a.Action == Masthead.Features.Activity.ActivityActions.TwoFactorReset && a.Actor == "admin" && a.Detail == "phoneless")));
        // The password alone signs in again, so the owner can set up a new phone.
        using var signIn = await TestSite.LogInAsync(site.Client(), "phoneless", Password);
        Assert.Equal("/admin", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ResetTwoFactor_ByANonAdministrator_IsForbidden()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);
        (await AddUserAsync(admin, "deskeditor", Roles.Editor)).Dispose();
        await EnableTwoFactorAsync(admin, TestSite.AdminPassword);
        var adminId = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync());
        var editor = await LogInAsync(site, "deskeditor", Password);
        var fields = BrowserForm.Fields(TestSite.Parse(await editor.GetStringAsync("/admin/profile")), "/admin/profile/sessions");

        using var attempt = await editor.PostAsync($"/admin/users/{adminId}/two-factor/reset", new FormUrlEncodedContent(fields));
        using var denied = await editor.GetAsync(attempt.Headers.Location!);

        Assert.Equal("/admin/denied", attempt.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.True(await site.DbAsync(db => db.UserMeta.AnyAsync(m => m.UserId == adminId && m.Key == UserStore.TwoFactorEnabledMeta)));
    }

    [Fact]
    public async Task DemotedAdministrator_CannotActEvenBeforeTheirCookieIsRechecked()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await LogInAsync(site, "admin", TestSite.AdminPassword);
        (await AddUserAsync(admin, "deputy", Roles.Administrator)).Dispose();
        var deputy = await LogInAsync(site, "deputy", Password);
        var deputyId = await site.DbAsync(db => db.Users.Where(u => u.Login == "deputy").Select(u => u.Id).SingleAsync());

        (await BrowserForm.SubmitAsync(admin, "/admin/users", $"/admin/users/{deputyId}/role", f => f["role"] = Roles.Subscriber)).Dispose();
        // The deputy's cookie still says administrator for up to a minute; a write is checked against the account now.
        var fields = BrowserForm.Fields(TestSite.Parse(await deputy.GetStringAsync("/admin/profile")), "/admin/profile/sessions");
        fields["user_login"] = "backdoor";
        fields["email"] = "backdoor@example.org";
        fields["pass1"] = Password;
        fields["role"] = Roles.Administrator;
        using var attempt = await deputy.PostAsync("/admin/users", new FormUrlEncodedContent(fields));

        Assert.NotEqual("/admin/users?done=added", attempt.Headers.Location?.OriginalString);
        Assert.False(await site.DbAsync(db => db.Users.AnyAsync(u => u.Login == "backdoor")));
    }
}

public sealed class SqliteManageUsersTests : ManageUsersTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresManageUsersTests : ManageUsersTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
