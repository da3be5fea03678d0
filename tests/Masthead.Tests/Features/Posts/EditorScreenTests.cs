using System.Globalization;
using System.Net;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

/// <summary>The editor, revisions and Quick Draft screens on the admin shell: what each box shows, and a refused save keeping everything.</summary>
public abstract class EditorScreenTests
{
    protected abstract DatabaseKind Kind { get; }

    private static Task<HttpResponseMessage> SaveAsync(HttpClient client, string editorUrl, string button, Action<Dictionary<string, string>> fill) =>
        BrowserForm.SubmitAsync(client, editorUrl, editorUrl.Split('?')[0], fields =>
        {
            fields["action"] = button;
            fill(fields);
        });

    private static IEnumerable<string> Buttons(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("#editor button").Select(b => b.TextContent.Trim());

    [Fact]
    public async Task FailedSave_KeepsEverythingTyped_WithEachErrorBesideItsFieldAndSummarisedAtTheTop()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Courts"));
        var title = new string('t', Post.MaxTitleLength + 1);
        var before = await site.DbAsync(db => db.Posts.CountAsync());

        using var response = await SaveAsync(editor, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = title;
            f["post_name"] = "my-chosen-slug";
            f["content"] = "<p>Paragraph one.</p>\n<p>Paragraph two.</p>";
            f["excerpt"] = "A summary I wrote.";
            f["tax_input[post_tag]"] = "courts, appeals";
            f["post_category[]"] = category.Id.ToString(CultureInfo.InvariantCulture);
            f["visibility"] = "password";
            f["post_password"] = "";
            f["sticky"] = "sticky";
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        var summary = page.QuerySelector("[role=alert]")!;
        Assert.Contains("The title is", summary.TextContent, StringComparison.Ordinal);
        Assert.Contains("needs a password", summary.TextContent, StringComparison.Ordinal);
        Assert.NotNull(summary.QuerySelector("a[href='#title']"));
        Assert.NotNull(summary.QuerySelector("a[href='#post_password']"));
        Assert.Contains("The title is", page.QuerySelector("#title-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.QuerySelector("#title")!.GetAttribute("aria-invalid"));
        Assert.Contains("title-error", page.QuerySelector("#title")!.GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Contains("needs a password", page.QuerySelector("#post_password-error")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("details.publish-detail[open] #post_password"));
        Assert.Null(page.QuerySelector("#content-error"));
        // Everything typed is back in its field.
        Assert.Equal(title, page.QuerySelector("#title")!.GetAttribute("value"));
        Assert.Equal("my-chosen-slug", page.QuerySelector("#post_name")!.GetAttribute("value"));
        Assert.Equal("<p>Paragraph one.</p>\n<p>Paragraph two.</p>", page.QuerySelector("#content")!.TextContent.ReplaceLineEndings("\n").TrimStart('\n'));
        Assert.Equal("A summary I wrote.", page.QuerySelector("#excerpt")!.TextContent.Trim());
        Assert.Equal("courts, appeals", page.QuerySelector("#tags")!.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector($"input[name='post_category[]'][value='{category.Id}'][checked]"));
        Assert.NotNull(page.QuerySelector("input[name=visibility][value=password][checked]"));
        Assert.NotNull(page.QuerySelector("input[name=sticky][checked]"));
        Assert.Equal(before, await site.DbAsync(db => db.Posts.CountAsync()));
    }

    [Fact]
    public async Task RevisionsBox_CountsTheSavedVersions_AndBrowseOpensThem()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        using var created = await SaveAsync(author, "/admin/posts/new", "draft", f => { f["post_title"] = Unique.Name("Versions"); f["content"] = "one"; });
        var editUrl = created.Headers.Location!.OriginalString.Split('?')[0];
        (await SaveAsync(author, editUrl, "draft", f => f["content"] = "two")).Dispose();
        (await SaveAsync(author, editUrl, "draft", f => f["content"] = "three")).Dispose();
        var id = int.Parse(editUrl.Split('/')[3], CultureInfo.InvariantCulture);

        var editorPage = TestSite.Parse(await author.GetStringAsync(editUrl));
        var box = editorPage.QuerySelector("section[aria-labelledby=revisions-box]")!;
        var browse = box.QuerySelector("a")!.GetAttribute("href")!;
        var revisions = TestSite.Parse(await author.GetStringAsync(browse));
        var blank = TestSite.Parse(await author.GetStringAsync("/admin/posts/new"));

        Assert.StartsWith("3 revisions", box.QuerySelector(".revisions-count")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal($"/admin/posts/{id}/revisions", browse);
        Assert.Equal(3, await site.DbAsync(db => db.Posts.CountAsync(p => p.ParentId == id && p.Type == PostType.Revision)));
        Assert.Equal(3, revisions.QuerySelectorAll(".revisions-list ol li").Length);
        Assert.Equal("two", revisions.QuerySelector("table.diff del")!.TextContent);
        Assert.Equal("three", revisions.QuerySelector("table.diff ins")!.TextContent);
        Assert.Null(blank.QuerySelector("#revisions-box"));
    }

    [Fact]
    public async Task RevisionsDiff_ShowsMarkupAsText_NeverAsElements()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");
        using var created = await SaveAsync(admin, "/admin/posts/new", "draft", f => { f["post_title"] = Unique.Name("Markup"); f["content"] = "<p>Plain</p>"; });
        var editUrl = created.Headers.Location!.OriginalString.Split('?')[0];
        (await SaveAsync(admin, editUrl, "draft", f => f["content"] = "<p>Now <b>bold</b><img src=x onerror=alert(1)></p>")).Dispose();

        var revisions = TestSite.Parse(await admin.GetStringAsync(editUrl.Replace("/edit", "/revisions", StringComparison.Ordinal)));

        Assert.Equal("<p>Now <b>bold</b><img src=x onerror=alert(1)></p>", revisions.QuerySelector("table.diff ins")!.TextContent);
        Assert.Empty(revisions.QuerySelectorAll("table.diff b, table.diff img, table.diff p"));
    }

    [Fact]
    public async Task PageAttributes_AreOnlyInThePageEditor_AndCategoriesAndTagsOnlyInThePostEditor()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");

        var pageEditor = TestSite.Parse(await editor.GetStringAsync("/admin/pages/new"));
        var postEditor = TestSite.Parse(await editor.GetStringAsync("/admin/posts/new"));

        Assert.Equal("Page Attributes", pageEditor.QuerySelector("#page-attributes")?.TextContent);
        Assert.NotNull(pageEditor.QuerySelector("#editor select[name=parent_id]"));
        Assert.NotNull(pageEditor.QuerySelector("#editor input[name=menu_order]"));
        Assert.Null(pageEditor.QuerySelector("#categories-box, #tags-box, input[name='post_category[]']"));
        Assert.Null(postEditor.QuerySelector("#page-attributes, select[name=parent_id], input[name=menu_order]"));
        Assert.NotNull(postEditor.QuerySelector("#categories-box"));
        Assert.NotNull(postEditor.QuerySelector("#tags-box"));
        Assert.Equal("Add New Page", pageEditor.QuerySelector("main h1")!.TextContent);
        Assert.Equal("Add New Page", pageEditor.QuerySelector(".admin-menu [aria-current=page]")?.TextContent);
    }

    [Fact]
    public async Task Contributor_SeesSubmitForReview_AndNeitherPublishNorScheduleNorAuthor_WhileAnEditorSeesPublish()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var contributor = await newsroom.SignInAsync("contributor");
        var editor = await newsroom.SignInAsync("editor");

        var contributors = TestSite.Parse(await contributor.GetStringAsync("/admin/posts/new"));
        var editors = TestSite.Parse(await editor.GetStringAsync("/admin/posts/new"));
        var live = TestSite.Parse(await editor.GetStringAsync($"/admin/posts/{newsroom.Posts["b-published"]}/edit"));

        Assert.Contains("Submit for Review", Buttons(contributors));
        Assert.DoesNotContain("Publish", Buttons(contributors));
        Assert.DoesNotContain("Schedule", Buttons(contributors));
        Assert.Null(contributors.QuerySelector("#post_date, #post_author, input[name=sticky]"));
        Assert.Contains("Publish", Buttons(editors));
        Assert.Contains("Save Draft", Buttons(editors));
        Assert.DoesNotContain("Submit for Review", Buttons(editors));
        Assert.NotNull(editors.QuerySelector("#post_author"));
        Assert.Contains("Update", Buttons(live));
        Assert.Contains("Move to Trash", Buttons(live));
        Assert.DoesNotContain("Save Draft", Buttons(live));
        // The time zone the schedule is read in is named beside it.
        Assert.Contains("UTC", editors.QuerySelector("#date-help")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPost_IsTheAdminsOwnNotFound_InsideTheShell()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");

        using var response = await editor.GetAsync("/admin/posts/987654/edit");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("There is no such post", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("nav.admin-menu"));
    }

    [Fact]
    public async Task QuickDraft_Refused_ShowsTheDashboardWithTheErrorBesideTheFieldAndWhatWasTyped()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var title = new string('q', Post.MaxTitleLength + 5);
        var before = await site.DbAsync(db => db.Posts.CountAsync());

        using var response = await BrowserForm.SubmitAsync(author, "/admin", "/admin/quick-draft", f =>
        {
            f["post_title"] = title;
            f["content"] = "Notes from the meeting.";
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Dashboard", page.QuerySelector("main h1")!.TextContent);
        Assert.Contains("The title is", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("The title is", page.QuerySelector("#post_title-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.QuerySelector("#post_title")!.GetAttribute("aria-invalid"));
        Assert.Equal(title, page.QuerySelector("#post_title")!.GetAttribute("value"));
        Assert.Equal("Notes from the meeting.", page.QuerySelector("section[aria-labelledby=quick-draft] textarea[name=content]")!.TextContent.Trim());
        Assert.Null(page.QuerySelector("#content-error"));
        Assert.Equal(before, await site.DbAsync(db => db.Posts.CountAsync()));
    }
}

public sealed class SqliteEditorScreenTests : EditorScreenTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresEditorScreenTests : EditorScreenTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
