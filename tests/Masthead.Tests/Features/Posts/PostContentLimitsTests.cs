using System.Net;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

/// <summary>
/// What a save stores is checked, not only what was typed: Markdown the parser gives up on, text that cleaning makes
/// too long, and document-level elements nobody may put in a story.
/// </summary>
public abstract class PostContentLimitsTests
{
    protected abstract DatabaseKind Kind { get; }

    /// <summary>Text of 60,000 characters that cleaning turns into 90,000 ("&lt;" for each "&lt;").</summary>
    private static readonly string GrowsWhenCleaned = string.Concat(Enumerable.Repeat("1 < 2 ", 10_000));

    private static Task<HttpResponseMessage> SubmitEditorAsync(HttpClient client, string editorUrl, string action, Action<Dictionary<string, string>> fill) =>
        BrowserForm.SubmitAsync(client, editorUrl, action, fields =>
        {
            fields["action"] = "publish";
            fill(fields);
        });

    [Theory]
    [InlineData("> a quote\n\n- a list\n  - inside it\n\n1. first\n2. second", 2)]
    [InlineData("-----\n***\n2024. A year to remember", 1)]
    [InlineData("        indented code", 0)]
    [InlineData("a paragraph\n                                                                                                                                          \nand a blank line of spaces", 0)]
    [InlineData("- one\n  - two\n    - three", 3)]
    public void NestingDepth_OrdinaryMarkdown_IsShallow(string markdown, int depth) =>
        Assert.Equal(depth, EditorInput.NestingDepth(markdown));

    [Fact]
    public async Task Markdown_NestedPastTheParsersLimit_ComesBackWithTheMessageAndTheText()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var before = await site.DbAsync(db => db.Posts.CountAsync());

        // Quotes and brackets past Markdig's own limit, and lists that are slow long before it: each is refused.
        foreach (var text in new[]
        {
            new string('>', 10_000) + " deep", new string('[', 10_000) + " open",
            string.Concat(Enumerable.Repeat("- ", 2_000)) + "lists", string.Concat(Enumerable.Repeat("1. ", 2_000)) + "numbers",
        })
        {
            using var saved = await SubmitEditorAsync(author, "/admin/posts/new", "/admin/posts/new", f =>
            {
                f["post_title"] = Unique.Name("Deep");
                f["content_format"] = "markdown";
                f["content"] = text;
            });
            var fields = BrowserForm.Fields(TestSite.Parse(await author.GetStringAsync("/admin/posts/new")), "/admin/posts/new");
            fields["content_format"] = "markdown";
            fields["content"] = text;
            using var preview = await author.PostAsync("/admin/posts/preview", new FormUrlEncodedContent(fields));

            Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
            var page = TestSite.Parse(await saved.Content.ReadAsStringAsync());
            Assert.Contains("nested too deeply", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal(text, page.QuerySelector("textarea[name=content]")!.TextContent.ReplaceLineEndings("\n").TrimStart('\n'));
            Assert.Equal(HttpStatusCode.BadRequest, preview.StatusCode);
            Assert.Contains("nested too deeply", await preview.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await site.DbAsync(db => db.Posts.CountAsync()));
    }

    [Fact]
    public async Task Save_TextLongerThanTheLimitOnceCleaned_IsRefusedClearly_AndSavesOnceTrimmed()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var id = newsroom.Posts["a-draft"];

        using var refused = await SubmitEditorAsync(author, $"/admin/posts/{id}/edit", $"/admin/posts/{id}/edit", f => f["content"] = GrowsWhenCleaned);
        using var trimmed = await SubmitEditorAsync(author, $"/admin/posts/{id}/edit", $"/admin/posts/{id}/edit", f => f["content"] = GrowsWhenCleaned[..30_000]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = TestSite.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Once formatted and cleaned, the text comes to 90,000 characters", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(GrowsWhenCleaned, page.QuerySelector("textarea[name=content]")!.TextContent.TrimStart('\n'));
        Assert.Equal(HttpStatusCode.Redirect, trimmed.StatusCode);
        Assert.True(await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Content.Length).SingleAsync()) <= Post.MaxContentLength);
    }

    [Fact]
    public async Task Save_PostAlreadyStoredOverTheLimit_OpensAndSavesOnceTrimmed()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");
        var post = await site.AddPostAsync(Unique.Name("Imported giant"), p => p.Content = new string('x', Post.MaxContentLength + 500));

        using var untrimmed = await SubmitEditorAsync(admin, $"/admin/posts/{post.Id}/edit", $"/admin/posts/{post.Id}/edit", _ => { });
        using var trimmed = await SubmitEditorAsync(admin, $"/admin/posts/{post.Id}/edit", $"/admin/posts/{post.Id}/edit", f => f["content"] = f["content"][..1_000]);

        Assert.Equal(HttpStatusCode.BadRequest, untrimmed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, trimmed.StatusCode);
        Assert.Equal(1_000, await site.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.Content.Length).SingleAsync()));
    }

    [Fact]
    public async Task RestoreRevision_LongerThanTheLimitOnceCleaned_IsRefusedAndChangesNothing()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var id = newsroom.Posts["a-draft"];
        var before = await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Content).SingleAsync());
        // A revision an editor (who may store raw HTML) left: within the limit as stored, over it once cleaned for an author.
        var revision = await site.DbAsync(async db =>
        {
            var editorId = await db.Users.Where(u => u.Login == "editor").Select(u => u.Id).SingleAsync();
            var kept = new Post
            {
                Type = PostType.Revision,
                Status = PostStatus.Inherit,
                ParentId = id,
                Slug = $"{id}-revision-v1",
                Title = "Old",
                Content = GrowsWhenCleaned,
                AuthorId = editorId,
                ModifiedAtUtc = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            };
            db.Posts.Add(kept);
            await db.SaveChangesAsync();
            // The current text, saved after it, so the editor's is an older revision that can be restored.
            db.Posts.Add(new Post
            {
                Type = PostType.Revision,
                Status = PostStatus.Inherit,
                ParentId = id,
                Slug = $"{id}-revision-v1",
                Title = "Now",
                Content = before,
                AuthorId = editorId,
                ModifiedAtUtc = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc),
            });
            await db.SaveChangesAsync();
            return kept.Id;
        });

        using var restored = await BrowserForm.SubmitAsync(author, $"/admin/posts/{id}/revisions?revision={revision}",
            $"/admin/posts/{id}/revisions/{revision}/restore", _ => { });

        Assert.Equal(HttpStatusCode.BadRequest, restored.StatusCode);
        Assert.Contains("the limit is", await restored.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Content).SingleAsync()));
    }

    [Fact]
    public async Task Upgrade_StoredStoryWithAMetaRefresh_IsCleanedOnceAtStart()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var title = Unique.Name("Old story");
        // Stored before saves dropped document elements (or by an import), and so never cleaned.
        var post = await site.AddPostAsync(title, p => p.Content = "<p>Text.</p><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><BASE href=\"https://evil.example/\">");
        await site.DbAsync(db => db.Options.Where(o => o.Name == StoredHtmlUpgrade.DoneOption).ExecuteDeleteAsync());

        await using var upgraded = site.StartAnotherNode();

        Assert.Equal("<p>Text.</p>", await upgraded.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.Content).SingleAsync()));
        var home = await upgraded.PageAsync("/");
        Assert.Null(home.QuerySelector("meta[http-equiv=refresh]"));
        Assert.Null(home.QuerySelector("main base, body base"));
    }

    [Fact]
    public async Task QuickDraft_TextLongerThanTheLimitOnceCleaned_IsRefusedAndTheTextComesBack()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var title = Unique.Name("Quick");

        using var response = await BrowserForm.SubmitAsync(author, "/admin", "/admin/quick-draft", f =>
        {
            f["post_title"] = title;
            f["content"] = GrowsWhenCleaned;
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("characters; the limit is", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(GrowsWhenCleaned.Trim(), page.QuerySelector("textarea[name=content]")!.TextContent.Trim());
        Assert.False(await site.DbAsync(db => db.Posts.AnyAsync(p => p.Title == title)));
    }

    [Fact]
    public async Task AdministratorsHtml_MetaRefreshBaseAndLink_AreDroppedFromEverySave()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");
        var title = Unique.Name("Redirecting");
        const string Html = "<p>Kept <em>as written</em></p><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">"
            + "<base href=\"https://evil.example/\"><link rel=\"stylesheet\" href=\"https://evil.example/x.css\"><div><META HTTP-EQUIV=refresh content=0></div>";

        using var saved = await SubmitEditorAsync(admin, "/admin/posts/new", "/admin/posts/new", f =>
        {
            f["post_title"] = title;
            f["content"] = Html;
        });
        using var drafted = await BrowserForm.SubmitAsync(admin, "/admin", "/admin/quick-draft", f =>
        {
            f["post_title"] = title + " draft";
            f["content"] = Html;
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, drafted.StatusCode);
        var stored = await site.DbAsync(db => db.Posts.Where(p => p.Title.StartsWith(title) && p.Type == PostType.Post).Select(p => p.Content).ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.All(stored, content =>
        {
            Assert.Equal("<p>Kept <em>as written</em></p><div></div>", content);
        });
        var home = await site.PageAsync("/");
        Assert.Contains(title, home.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(home.QuerySelectorAll("meta[http-equiv], base, link[href*='evil.example']"));
    }
}

public sealed class SqlitePostContentLimitsTests : PostContentLimitsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresPostContentLimitsTests : PostContentLimitsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
