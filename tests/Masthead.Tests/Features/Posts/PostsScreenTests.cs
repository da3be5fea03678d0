using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

/// <summary>The Posts list screen: its counts, search, filters, sorting, bulk actions, Undo, paging and its query count.</summary>
public abstract class PostsScreenTests
{
    protected abstract DatabaseKind Kind { get; }

    private static string[] Titles(IDocument page) => [.. page.QuerySelectorAll("tbody tr td:nth-child(2) > a:first-child").Select(a => a.TextContent)];

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> BulkAsync(HttpClient client, string listUrl, string action, params int[] ids)
    {
        var fields = BrowserForm.Fields(TestSite.Parse(await client.GetStringAsync(listUrl)), "/admin/posts/bulk");
        fields["bulk_action"] = action;
        return await client.PostAsync("/admin/posts/bulk", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))
            .Concat(ids.Select(id => KeyValuePair.Create("post[]", Id(id))))));
    }

    [Fact]
    public async Task StatusLinks_CountEveryStatusTheViewerMaySee()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        await site.AddPostAsync(Unique.Name("Private one"), p => p.Status = PostStatus.Private);
        await site.AddPostAsync(Unique.Name("Trashed one"), p => p.Status = PostStatus.Trash);
        await site.AddPostAsync(Unique.Name("Scheduled one"), p =>
        {
            p.Status = PostStatus.Future;
            p.PublishedAtUtc = new DateTime(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        });
        var editor = await newsroom.SignInAsync("editor");
        var counts = await site.DbAsync(db => db.Posts.Where(p => p.Type == PostType.Post).GroupBy(p => p.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));

        var page = TestSite.Parse(await editor.GetStringAsync("/admin/posts"));
        var links = page.QuerySelectorAll(".status-links a").Select(a => a.TextContent.Trim()).ToList();

        Assert.Equal(
        [
            $"All ({counts.Where(c => c.Key != PostStatus.Trash).Sum(c => c.Value)})",
            $"Published ({counts[PostStatus.Publish]})", "Scheduled (1)", "Drafts (2)", "Pending (1)", "Private (1)", "Trash (1)",
        ], links);
        Assert.Equal("page", page.QuerySelector(".status-links a[href='/admin/posts']")!.GetAttribute("aria-current"));
        // An author sees Mine (their two posts) and no one else's private post.
        var author = await newsroom.SignInAsync("author-a");
        var theirs = TestSite.Parse(await author.GetStringAsync("/admin/posts"));
        Assert.Contains("Mine (2)", theirs.QuerySelector(".status-links")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Private", theirs.QuerySelector(".status-links")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusLinks_FollowEachChange_MadeAfterTheyWereLastShown()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var author = await newsroom.SignInAsync("author-a");
        async Task<string> LinksAsync(HttpClient who) =>
            TestSite.Parse(await who.GetStringAsync("/admin/posts")).QuerySelector(".status-links")!.TextContent;
        var before = await LinksAsync(editor);
        Assert.Contains("Drafts (2)", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Trash", before, StringComparison.Ordinal);

        // A new draft, a post moved to the Trash through the screen, and a post handed from one author to another.
        await site.AddPostAsync(Unique.Name("Late draft"), p => p.Status = PostStatus.Draft);
        using var trashed = await BulkAsync(editor, "/admin/posts", "trash", newsroom.Posts["b-published"]);
        var mineBefore = await LinksAsync(author);
        await site.DbAsync(async db =>
        {
            var post = await db.Posts.SingleAsync(p => p.Id == newsroom.Posts["contributor-draft"]);
            post.AuthorId = newsroom.Users["author-a"];
            await db.SaveChangesAsync();
        });

        var after = await LinksAsync(editor);
        Assert.Contains("Drafts (3)", after, StringComparison.Ordinal);
        Assert.Contains("Trash (1)", after, StringComparison.Ordinal);
        Assert.Contains("Mine (2)", mineBefore, StringComparison.Ordinal);
        Assert.Contains("Mine (3)", await LinksAsync(author), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drafts_OfferPreview_LivePostsView_AndOnlyTheirEditorsMayPreview()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var other = await newsroom.SignInAsync("author-b");
        var draft = newsroom.Posts["a-draft"];
        var list = TestSite.Parse(await author.GetStringAsync("/admin/posts"));
        string[] Actions(int id) => [.. list.QuerySelectorAll($"tr:has(input[value='{Id(id)}']) .row-actions a").Select(a => a.TextContent)];

        Assert.Equal(["Edit", "Preview"], Actions(draft));
        Assert.Equal(["Edit", "View", "Comments (0)"], Actions(newsroom.Posts["a-published"]));
        var href = list.QuerySelector($"tr:has(input[value='{Id(draft)}']) .row-actions a[aria-label^='Preview']")!.GetAttribute("href")!;
        using var preview = await author.GetAsync(href);
        var page = TestSite.Parse(await preview.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var title = await site.DbAsync(db => db.Posts.Where(p => p.Id == draft).Select(p => p.Title).SingleAsync());
        Assert.Equal(title, page.QuerySelector("h1")?.TextContent.Trim());
        Assert.Contains("noindex", page.QuerySelector("meta[name=robots]")?.GetAttribute("content"), StringComparison.Ordinal);
        // Another author may not edit the draft, so may not preview it either.
        using var refused = await other.GetAsync(href);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain(title, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_FindsTitlesInAnyLetterCase_AndSaysWhatToDoWhenNothingMatches()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var word = Unique.Name("Zebra").Replace(" ", "", StringComparison.Ordinal);
        await site.AddPostAsync($"The {word} crossing");
        await site.AddPostAsync("Über den Fluss Ärger");
        var editor = await newsroom.SignInAsync("editor");

        var found = TestSite.Parse(await editor.GetStringAsync($"/admin/posts?s={Uri.EscapeDataString(word.ToUpperInvariant())}"));
        var unicode = TestSite.Parse(await editor.GetStringAsync($"/admin/posts?s={Uri.EscapeDataString("ärger")}"));
        var none = TestSite.Parse(await editor.GetStringAsync("/admin/posts?s=nothing-has-this-word"));

        Assert.Equal([$"The {word} crossing"], Titles(found));
        Assert.Equal(["Über den Fluss Ärger"], Titles(unicode));
        Assert.Equal(word.ToUpperInvariant(), found.QuerySelector("#post-search")!.GetAttribute("value"));
        Assert.Contains("No posts found for “nothing-has-this-word”", none.QuerySelector("tbody")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(none.QuerySelector("tbody a[href='/admin/posts']"));
    }

    [Fact]
    public async Task CategoryAndMonthFilter_KeepOnlyPostsInBoth()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var sport = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Sport"));
        var wanted = await site.AddPostAsync(Unique.Name("Sport in May"), p => p.PublishedAtUtc = new DateTime(2023, 5, 10, 9, 0, 0, DateTimeKind.Utc), sport);
        await site.AddPostAsync(Unique.Name("Sport in June"), p => p.PublishedAtUtc = new DateTime(2023, 6, 10, 9, 0, 0, DateTimeKind.Utc), sport);
        await site.AddPostAsync(Unique.Name("Other in May"), p => p.PublishedAtUtc = new DateTime(2023, 5, 11, 9, 0, 0, DateTimeKind.Utc));
        var editor = await newsroom.SignInAsync("editor");

        var list = TestSite.Parse(await editor.GetStringAsync("/admin/posts"));
        var both = TestSite.Parse(await editor.GetStringAsync($"/admin/posts?cat={sport.Id}&m=202305"));

        Assert.Equal([wanted.Title], Titles(both));
        Assert.Equal(["202305", "202306"], list.QuerySelectorAll("#filter-month option").Select(o => o.GetAttribute("value") ?? "").Where(v => v.StartsWith("2023", StringComparison.Ordinal)).Order().ToArray());
        Assert.NotNull(both.QuerySelector($"#filter-cat option[value='{sport.Id}'][selected]"));
        Assert.NotNull(both.QuerySelector("#filter-month option[value='202305'][selected]"));
    }

    [Fact]
    public async Task DateSort_EitherWay_MarksTheColumnAndItsLinkTurnsItAround()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        for (var day = 1; day <= 3; day++)
        {
            var d = day;
            await site.AddPostAsync($"Day {d} {Unique.Name("story")}", p => p.PublishedAtUtc = new DateTime(2022, 1, d, 9, 0, 0, DateTimeKind.Utc));
        }
        var admin = await newsroom.SignInAsync("admin");

        var newest = TestSite.Parse(await admin.GetStringAsync("/admin/posts?m=202201"));
        var oldest = TestSite.Parse(await admin.GetStringAsync("/admin/posts?m=202201&orderby=date&order=asc"));

        Assert.Equal(["Day 3", "Day 2", "Day 1"], Titles(newest).Select(t => t[..5]));
        Assert.Equal(["Day 1", "Day 2", "Day 3"], Titles(oldest).Select(t => t[..5]));
        Assert.Equal("descending", newest.QuerySelector("th[aria-sort]")!.GetAttribute("aria-sort"));
        Assert.Equal("ascending", oldest.QuerySelector("th[aria-sort]")!.GetAttribute("aria-sort"));
        Assert.Contains("order=asc", newest.QuerySelector("th[aria-sort] a")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("order=desc", oldest.QuerySelector("th[aria-sort] a")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("m=202201", oldest.QuerySelector("th[aria-sort] a")!.GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkTrashRestoreDelete_EachPostCheckedOnItsOwn()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var editor = await newsroom.SignInAsync("editor");
        int own = newsroom.Posts["a-draft"], others = newsroom.Posts["b-published"];
        PostStatus StatusOf(Dictionary<int, PostStatus> s, int id) => s.GetValueOrDefault(id, PostStatus.Inherit);
        Task<Dictionary<int, PostStatus>> Statuses() => site.DbAsync(db => db.Posts.Where(p => p.Id == own || p.Id == others).ToDictionaryAsync(p => p.Id, p => p.Status));

        using var trashed = await BulkAsync(author, "/admin/posts", "trash", own, others);
        var afterTrash = await Statuses();
        using var editorTrashed = await BulkAsync(editor, "/admin/posts", "trash", others);
        using var restored = await BulkAsync(author, "/admin/posts?post_status=trash", "restore", own, others);
        var afterRestore = await Statuses();
        using var retrashed = await BulkAsync(author, "/admin/posts", "trash", own);
        using var deleted = await BulkAsync(author, "/admin/posts?post_status=trash", "delete", own, others);
        var afterDelete = await Statuses();

        Assert.Equal(PostStatus.Trash, StatusOf(afterTrash, own));
        Assert.Equal(PostStatus.Publish, StatusOf(afterTrash, others));
        Assert.StartsWith("1 changed, 1 not changed", TestSite.Parse(await author.GetStringAsync(trashed.Headers.Location!.OriginalString))
            .QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(PostStatus.Draft, StatusOf(afterRestore, own));
        Assert.Equal(PostStatus.Trash, StatusOf(afterRestore, others));
        Assert.Equal("/admin/posts?post_status=trash&bulk=done&changed=1&skipped=1", restored.Headers.Location!.OriginalString);
        Assert.False(afterDelete.ContainsKey(own));
        Assert.Equal(PostStatus.Trash, StatusOf(afterDelete, others));
        // The editor may delete anyone's; the trash view offers exactly that.
        using var gone = await BulkAsync(editor, "/admin/posts?post_status=trash", "delete", others);
        Assert.Equal("/admin/posts?post_status=trash&deleted=1", gone.Headers.Location!.OriginalString);
        Assert.Empty(await Statuses());
    }

    [Fact]
    public async Task TrashNotice_Undo_BringsThePostBackAsItWas()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var id = newsroom.Posts["contributor-pending"];

        using var trashed = await BrowserForm.SubmitAsync(editor, "/admin/posts", $"/admin/posts/{id}/trash", _ => { });
        var notice = TestSite.Parse(await editor.GetStringAsync(trashed.Headers.Location!.OriginalString)).QuerySelector("[role=status]")!;
        // As a reader sees it: white space between the words and the Undo button collapses to one space.
        Assert.Equal("1 post moved to the Trash. Undo", string.Join(' ', notice.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(PostStatus.Trash, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));

        var undo = notice.QuerySelector("form")!;
        var fields = undo.QuerySelectorAll("input[type=hidden]").Select(i => KeyValuePair.Create(i.GetAttribute("name")!, i.GetAttribute("value")!)).ToList();
        using var undone = await editor.PostAsync(undo.GetAttribute("action"), new FormUrlEncodedContent(fields));
        var after = TestSite.Parse(await editor.GetStringAsync(undone.Headers.Location!.OriginalString));

        Assert.Equal(PostStatus.Pending, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Equal("/admin/posts?restored=1", undone.Headers.Location!.OriginalString);
        Assert.Equal("Restored from the Trash.", after.QuerySelector("[role=status]")!.TextContent);
    }

    [Fact]
    public async Task Paging_ShowsTheTotalAndTwentyAPage()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        for (var i = 0; i < 21; i++)
        {
            await site.AddPostAsync(Unique.Name("Paged"), p => p.PublishedAtUtc = new DateTime(2021, 2, 1, 9, 0, 0, DateTimeKind.Utc));
        }
        var admin = await newsroom.SignInAsync("admin");
        var total = await site.DbAsync(db => db.Posts.CountAsync(p => p.Type == PostType.Post && p.Status != PostStatus.Trash));

        var first = TestSite.Parse(await admin.GetStringAsync("/admin/posts"));
        var last = TestSite.Parse(await admin.GetStringAsync("/admin/posts?paged=2"));
        var filtered = TestSite.Parse(await admin.GetStringAsync("/admin/posts?m=202102&paged=2"));

        Assert.Equal($"{total} items", first.QuerySelector(".tablenav-bottom .pager-total")!.TextContent);
        Assert.Equal(20, first.QuerySelectorAll("tbody tr").Length);
        Assert.Equal(total - 20, last.QuerySelectorAll("tbody tr").Length);
        Assert.Equal("Page 2 of 2", last.QuerySelector(".tablenav-bottom .pager [aria-current=page]")!.TextContent);
        Assert.Equal("21 items", filtered.QuerySelector(".tablenav-bottom .pager-total")!.TextContent);
        Assert.Single(filtered.QuerySelectorAll("tbody tr"));
        Assert.Contains("m=202102", filtered.QuerySelector(".tablenav-bottom .pager a[rel=prev]")!.GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostsList_RunsTheSameFewQueries_WhateverTheNumberOfRows()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");
        string[] urls = ["/admin/posts", "/admin/posts?post_status=trash", "/admin/posts?s=story&m=202403", "/admin/posts?orderby=author&order=asc"];
        async Task<int[]> CountAsync()
        {
            var counts = new List<int>();
            foreach (var url in urls)
            {
                (await admin.GetAsync(url)).Dispose(); // fills the caches a change empties
                var before = site.Queries.Count;
                using var response = await admin.GetAsync(url);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                counts.Add(site.Queries.Count - before);
            }
            return [.. counts];
        }
        await site.AddPostAsync(Unique.Name("Story"), p => p.Status = PostStatus.Trash);
        var few = await CountAsync();

        var categories = new[] { await site.AddTermAsync(Taxonomy.Category, Unique.Name("One")), await site.AddTermAsync(Taxonomy.Category, Unique.Name("Two")) };
        for (var i = 0; i < 30; i++)
        {
            var n = i;
            await site.AddPostAsync(Unique.Name("Story"), p =>
            {
                p.AuthorId = newsroom.Users[n % 2 == 0 ? "author-a" : "author-b"];
                p.Status = n % 3 == 0 ? PostStatus.Trash : PostStatus.Publish;
                p.PublishedAtUtc = new DateTime(2024, 3, 1 + n % 28, 9, 0, 0, DateTimeKind.Utc);
            }, categories[n % 2]);
        }
        var many = await CountAsync();

        Assert.Equal(few, many);
        Assert.All(many, count => Assert.InRange(count, 1, 8));
    }
}

public sealed class SqlitePostsScreenTests : PostsScreenTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresPostsScreenTests : PostsScreenTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
