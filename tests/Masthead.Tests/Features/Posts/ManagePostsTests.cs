using System.Net;
using Masthead.Features.Posts;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Posts;

/// <summary>The Posts screen and the trash actions, role by role, with real sign-ins and direct POSTs.</summary>
public abstract class ManagePostsTests
{
    protected abstract DatabaseKind Kind { get; }

    private const string Password = "a newsroom password for tests";

    private sealed record Newsroom(TestSite Site, Dictionary<string, int> Posts);

    /// <summary>An editor, two authors, a contributor and a subscriber, with posts of their own.</summary>
    private async Task<Newsroom> NewsroomAsync()
    {
        var site = await TestSite.StartAsync(Kind);
        var ids = new Dictionary<string, int>();
        foreach (var (login, role) in new[] { ("editor", Roles.Editor), ("author-a", Roles.Author), ("author-b", Roles.Author), ("contributor", Roles.Contributor), ("subscriber", Roles.Subscriber) })
        {
            await using var scope = site.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = new User { Login = login, Email = $"{login}@example.org", DisplayName = login, Slug = login, Role = role };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            ids[login] = user.Id;
        }
        var posts = new Dictionary<string, int>
        {
            ["a-published"] = (await site.AddPostAsync(Unique.Name("A published"), p => p.AuthorId = ids["author-a"])).Id,
            ["a-draft"] = (await site.AddPostAsync(Unique.Name("A draft"), p => { p.AuthorId = ids["author-a"]; p.Status = PostStatus.Draft; })).Id,
            ["b-published"] = (await site.AddPostAsync(Unique.Name("B published"), p => p.AuthorId = ids["author-b"])).Id,
            ["contributor-draft"] = (await site.AddPostAsync(Unique.Name("C draft"), p => { p.AuthorId = ids["contributor"]; p.Status = PostStatus.Draft; })).Id,
            ["contributor-pending"] = (await site.AddPostAsync(Unique.Name("C pending"), p => { p.AuthorId = ids["contributor"]; p.Status = PostStatus.Pending; })).Id,
        };
        return new Newsroom(site, posts);
    }

    private static async Task<HttpClient> SignInAsync(TestSite site, string login)
    {
        var client = site.Client();
        using var response = await TestSite.LogInAsync(client, login, login == "admin" ? TestSite.AdminPassword : Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [Theory]
    [InlineData("contributor", "contributor-draft", true)]
    [InlineData("contributor", "contributor-pending", true)]
    [InlineData("contributor", "a-draft", false)]
    [InlineData("contributor", "a-published", false)]
    [InlineData("author-a", "a-published", true)]
    [InlineData("author-a", "a-draft", true)]
    [InlineData("author-a", "b-published", false)]
    [InlineData("author-a", "contributor-draft", false)]
    [InlineData("editor", "b-published", true)]
    [InlineData("editor", "contributor-draft", true)]
    [InlineData("admin", "a-published", true)]
    [InlineData("subscriber", "a-draft", false)]
    public async Task Trash_RoleByOwnership_AllowedOrRefusedEvenByDirectPost(string actor, string post, bool allowed)
    {
        var newsroom = await NewsroomAsync();
        await using var site = newsroom.Site;
        var client = await SignInAsync(site, actor);
        var id = newsroom.Posts[post];
        // The token comes from a page the actor can open; the POST goes straight to the action, as a forged form would.
        var page = TestSite.Parse(await client.GetStringAsync("/admin/profile"));
        var token = page.QuerySelector("form input[type=hidden]")!;

        using var response = await client.PostAsync($"/admin/posts/{id}/trash", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
        }));

        var status = await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());
        Assert.Equal(allowed, status == PostStatus.Trash);
        // A subscriber lacks edit_posts and is sent to sign in; the others reach the action and are told no.
        var refused = actor == "subscriber" ? HttpStatusCode.Redirect : HttpStatusCode.Forbidden;
        Assert.Equal(allowed ? HttpStatusCode.Redirect : refused, response.StatusCode);
    }

    [Fact]
    public async Task TrashThenRestore_BringsBackTheStatusItHad()
    {
        var newsroom = await NewsroomAsync();
        await using var site = newsroom.Site;
        var editor = await SignInAsync(site, "editor");
        var id = newsroom.Posts["contributor-pending"];

        (await BrowserForm.SubmitAsync(editor, "/admin/posts", $"/admin/posts/{id}/trash", _ => { })).Dispose();
        var trash = TestSite.Parse(await editor.GetStringAsync("/admin/posts?post_status=trash"));
        (await BrowserForm.SubmitAsync(editor, "/admin/posts?post_status=trash", $"/admin/posts/{id}/restore", _ => { })).Dispose();

        Assert.Single(trash.QuerySelectorAll("tbody tr"));
        Assert.Equal(PostStatus.Pending, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task DeletePermanently_OnlyFromTheTrash()
    {
        var newsroom = await NewsroomAsync();
        await using var site = newsroom.Site;
        var admin = await SignInAsync(site, "admin");
        var id = newsroom.Posts["b-published"];

        using var tooEarly = await BrowserForm.SubmitAsync(admin, "/admin/posts", $"/admin/posts/{id}/trash", _ => { });
        var page = TestSite.Parse(await admin.GetStringAsync("/admin/posts?post_status=trash"));
        var token = page.QuerySelector($"form[action='/admin/posts/{id}/delete'] input[type=hidden]")!;
        using var deleted = await admin.PostAsync($"/admin/posts/{id}/delete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
        }));

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await site.DbAsync(db => db.Posts.AnyAsync(p => p.Id == id)));
    }

    [Fact]
    public async Task PostsList_ShowsViewsWithCountsAndFilters()
    {
        var newsroom = await NewsroomAsync();
        await using var site = newsroom.Site;
        var contributor = await SignInAsync(site, "contributor");

        var all = TestSite.Parse(await contributor.GetStringAsync("/admin/posts"));
        var drafts = TestSite.Parse(await contributor.GetStringAsync("/admin/posts?post_status=draft"));
        var mine = TestSite.Parse(await contributor.GetStringAsync("/admin/posts?author=me"));

        Assert.Contains("Drafts (2)", all.DocumentElement.TextContent);
        Assert.Equal(2, drafts.QuerySelectorAll("tbody tr").Length);
        Assert.Equal(2, mine.QuerySelectorAll("tbody tr").Length);
        // Only the contributor's own drafts offer the Trash button.
        Assert.Equal(2, all.QuerySelectorAll("tbody form[action$='/trash']").Length);
    }

    [Fact]
    public async Task PagesList_EditorsManagePagesAuthorsCannot()
    {
        var newsroom = await NewsroomAsync();
        await using var site = newsroom.Site;
        var editor = await SignInAsync(site, "editor");
        var author = await SignInAsync(site, "author-a");

        var pages = TestSite.Parse(await editor.GetStringAsync("/admin/pages"));
        using var authorList = await author.GetAsync("/admin/pages");
        using var trashed = await BrowserForm.SubmitAsync(editor, "/admin/pages", "/admin/pages/2/trash", _ => { });

        Assert.Contains("Sample Page", pages.QuerySelector("tbody")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, authorList.StatusCode);
        Assert.Equal("/admin/pages?trashed=1", trashed.Headers.Location?.OriginalString);
        using var gone = await site.Client().GetAsync("/sample-page/");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}

public sealed class SqliteManagePostsTests : ManagePostsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresManagePostsTests : ManagePostsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
