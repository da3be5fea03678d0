using System.Net;
using Masthead.Data;
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
        using var restored = await BrowserForm.SubmitAsync(editor, "/admin/posts?post_status=trash", $"/admin/posts/{id}/restore", _ => { });
        var after = TestSite.Parse(await editor.GetStringAsync(restored.Headers.Location!.OriginalString));

        Assert.Single(trash.QuerySelectorAll("tbody tr"));
        Assert.Equal("Restored from the Trash.", after.QuerySelector("[role=status]")?.TextContent);
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
    public async Task BulkTrash_ChangesOnlyThePostsTheUserMay_AndSaysHowManyWereSkipped()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        int[] ids = [newsroom.Posts["a-published"], newsroom.Posts["a-draft"], newsroom.Posts["b-published"]];

        var fields = BrowserForm.Fields(TestSite.Parse(await author.GetStringAsync("/admin/posts")), "/admin/posts/bulk");
        fields["bulk_action"] = "trash";
        var form = fields.Select(f => KeyValuePair.Create(f.Key, f.Value))
            .Concat(ids.Select(id => KeyValuePair.Create("post[]", id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        using var response = await author.PostAsync("/admin/posts/bulk", new FormUrlEncodedContent(form));
        var result = TestSite.Parse(await author.GetStringAsync(response.Headers.Location!.OriginalString));

        var statuses = await site.DbAsync(db => db.Posts.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Status));
        Assert.Equal(PostStatus.Trash, statuses[ids[0]]);
        Assert.Equal(PostStatus.Trash, statuses[ids[1]]);
        Assert.Equal(PostStatus.Publish, statuses[ids[2]]);
        Assert.StartsWith("2 changed, 1 not changed", result.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkCategory_AddsTheCategoryToEachTickedPost()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var category = await site.AddTermAsync(Masthead.Features.Taxonomies.Taxonomy.Category, Unique.Name("Sport"));
        var editor = await newsroom.SignInAsync("editor");
        int[] ids = [newsroom.Posts["a-published"], newsroom.Posts["contributor-pending"]];

        var list = TestSite.Parse(await editor.GetStringAsync("/admin/posts"));
        var fields = BrowserForm.Fields(list, "/admin/posts/bulk");
        // The list offers one "Add to category" action with one category picker beside it, not an action per category.
        Assert.NotNull(list.QuerySelector($"select[name=bulk_category][form=bulk] option[value='{category.Id}']"));
        Assert.Empty(list.QuerySelectorAll("select[name^=bulk_action] option[value^='category:']"));
        fields["bulk_action"] = "category";
        fields["bulk_category"] = category.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await editor.PostAsync("/admin/posts/bulk", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))
            .Concat(ids.Select(id => KeyValuePair.Create("post[]", id.ToString(System.Globalization.CultureInfo.InvariantCulture))))));

        Assert.Equal(2, await site.DbAsync(db => db.PostTerms.CountAsync(pt => pt.TermId == category.Id)));
    }

    [Fact]
    public async Task PostsList_FiltersByAuthorAndMonth_FromItsFilterForm()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var authorB = newsroom.Users["author-b"].ToString(System.Globalization.CultureInfo.InvariantCulture);

        var list = TestSite.Parse(await editor.GetStringAsync("/admin/posts"));
        var byAuthor = TestSite.Parse(await editor.GetStringAsync($"/admin/posts?author={authorB}"));
        var byMonth = TestSite.Parse(await editor.GetStringAsync("/admin/posts?m=202403"));
        var emptyMonth = TestSite.Parse(await editor.GetStringAsync("/admin/posts?m=199901"));

        Assert.NotNull(list.QuerySelector($"select[name=author] option[value='{authorB}']"));
        Assert.NotNull(list.QuerySelector("select[name=m] option[value='202403']"));
        Assert.Single(byAuthor.QuerySelectorAll("tbody tr"));
        Assert.Equal(5, byMonth.QuerySelectorAll("tbody tr").Length);
        Assert.Contains("No posts found.", emptyMonth.QuerySelector("tbody")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostsList_SortsByAColumnEitherWay()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");

        var ascending = TestSite.Parse(await admin.GetStringAsync("/admin/posts?orderby=title&order=asc"));
        var descending = TestSite.Parse(await admin.GetStringAsync("/admin/posts?orderby=title&order=desc"));

        string[] Titles(AngleSharp.Dom.IDocument page) => [.. page.QuerySelectorAll("tbody tr td:nth-child(2) > a:first-child").Select(a => a.TextContent)];
        Assert.Equal(Titles(ascending).Order(StringComparer.Ordinal), Titles(ascending));
        Assert.Equal(Titles(ascending).Reverse(), Titles(descending));
        Assert.Equal("ascending", ascending.QuerySelector("th[aria-sort]")!.GetAttribute("aria-sort"));
        Assert.True(Titles(ascending).Length >= 5);
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
        Assert.Equal("/admin/pages?trashed=1&ids=2", trashed.Headers.Location?.OriginalString);
        using var gone = await site.Client().GetAsync("/sample-page/");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Trash_SixAtOnce_OneTrashRecordAndTheTrashStillWorks()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var id = newsroom.Posts["b-published"];
        var fields = BrowserForm.Fields(TestSite.Parse(await editor.GetStringAsync("/admin/posts")), $"/admin/posts/{id}/trash");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            using var response = await editor.PostAsync($"/admin/posts/{id}/trash", new FormUrlEncodedContent(fields));
            return response.StatusCode;
        })));

        Assert.All(answers, status => Assert.True(status is HttpStatusCode.Redirect or HttpStatusCode.Conflict, $"answered {status}"));
        Assert.Equal(1, await site.DbAsync(db => db.PostMeta.CountAsync(m => m.PostId == id && m.Key == PostWriter.TrashedStatusMeta)));
        using var trash = await editor.GetAsync("/admin/posts?post_status=trash");
        Assert.Equal(HttpStatusCode.OK, trash.StatusCode);
        using var restored = await BrowserForm.SubmitAsync(editor, "/admin/posts?post_status=trash", $"/admin/posts/{id}/restore", _ => { });
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.Equal(PostStatus.Publish, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task TrashMeta_SecondRowForOnePost_IsRefusedByTheDatabase()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var post = await site.AddPostAsync(Unique.Name("Single-valued"));
        await site.DbAsync(async db =>
        {
            db.PostMeta.Add(new PostMeta { PostId = post.Id, Key = PostWriter.TrashedStatusMeta, Value = "publish" });
            await db.SaveChangesAsync();
        });

        var second = await Assert.ThrowsAsync<DbUpdateException>(() => site.DbAsync(async db =>
        {
            db.PostMeta.Add(new PostMeta { PostId = post.Id, Key = PostWriter.TrashedStatusMeta, Value = "draft" });
            await db.SaveChangesAsync();
        }));

        Assert.True(second.IsConflict());
    }

    [Fact]
    public async Task StatusCheckedWrite_AfterTheStatusChangedMeanwhile_IsRefused()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var id = newsroom.Posts["contributor-draft"];
        // The status check and the UPDATE are one step: a status changed after the read stops the write.
        var refused = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => site.DbAsync(async db =>
        {
            var stale = await db.Posts.SingleAsync(p => p.Id == id);
            await site.DbAsync(other => other.Posts.Where(p => p.Id == id).ExecuteUpdateAsync(set => set.SetProperty(p => p.Status, PostStatus.Trash)));
            stale.Status = PostStatus.Publish;
            await db.SaveChangesAsync();
        }));

        Assert.True(refused.IsConflict());
        Assert.Equal(PostStatus.Trash, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        using var list = await editor.GetAsync("/admin/posts?bulk=conflict");
        Assert.Contains("Nothing was changed", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
