using System.Net;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

/// <summary>The Posts screen and the trash actions, role by role, with real sign-ins and direct POSTs.</summary>
public abstract class ManagePostsTests
{
    protected abstract DatabaseKind Kind { get; }

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
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var client = await newsroom.SignInAsync(actor);
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
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
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
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");
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
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var contributor = await newsroom.SignInAsync("contributor");

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
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var author = await newsroom.SignInAsync("author-a");

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
