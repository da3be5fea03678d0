using System.Net;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Posts;

/// <summary>The post editor through HTTP with real sign-ins: what each role may save, and what the save does.</summary>
public abstract class PostEditorTests
{
    protected abstract DatabaseKind Kind { get; }

    /// <summary>Opens the editor, fills the form as a browser would, presses <paramref name="button"/> and posts it.</summary>
    private static Task<HttpResponseMessage> SaveAsync(HttpClient client, string editorUrl, string button, Action<Dictionary<string, string>> fill)
    {
        var action = editorUrl.EndsWith("/new", StringComparison.Ordinal) ? editorUrl : editorUrl.Split('?')[0];
        return BrowserForm.SubmitAsync(client, editorUrl, action, fields =>
        {
            fields["action"] = button;
            fill(fields);
        });
    }

    private static int SavedId(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        return int.Parse(location.Split('/')[3], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Administrator_WritesAndPublishes_PostIsOnTheHomePageWithItsTerms()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var admin = await newsroom.SignInAsync("admin");
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Politics"));
        var title = Unique.Name("Council votes");

        using var saved = await SaveAsync(admin, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = title;
            f["content"] = "<p>The council met <em>late</em>.</p>";
            f["post_category[]"] = category.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            f["tax_input[post_tag]"] = "budget, Town Hall ,budget";
        });

        var id = SavedId(saved);
        var post = await site.DbAsync(db => db.Posts.Include(p => p.Terms).ThenInclude(t => t.Term).SingleAsync(p => p.Id == id));
        Assert.Equal(PostStatus.Publish, post.Status);
        Assert.Equal([category.Name, "Town Hall", "budget"], post.Terms.Select(t => t.Term.Name).Order(StringComparer.Ordinal));
        var home = await site.PageAsync("/");
        Assert.Contains(title, home.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(home.QuerySelector("main em"));
        Assert.Equal(1, await site.DbAsync(db => db.Posts.CountAsync(p => p.ParentId == id && p.Type == PostType.Revision)));
    }

    [Fact]
    public async Task SameTitleTwice_GetsAUniqueSlug_AndAnEditedSlugIsKept()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var title = Unique.Name("Same title");

        var first = SavedId(await SaveAsync(editor, "/admin/posts/new", "draft", f => f["post_title"] = title));
        var second = SavedId(await SaveAsync(editor, "/admin/posts/new", "draft", f => f["post_title"] = title));
        var renamed = SavedId(await SaveAsync(editor, $"/admin/posts/{second}/edit", "draft", f => f["post_name"] = "A Better Slug!"));

        var slugs = await site.DbAsync(db => db.Posts.Where(p => p.Id == first || p.Id == second).OrderBy(p => p.Id).Select(p => p.Slug).ToListAsync());
        Assert.Equal(Masthead.Features.Permalinks.Slug.From(title), slugs[0]);
        Assert.Equal("a-better-slug", slugs[1]);
        Assert.Equal(second, renamed);
    }

    [Fact]
    public async Task Markdown_IsStoredAsHtml_AndEditedAsMarkdown()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");

        var id = SavedId(await SaveAsync(author, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = Unique.Name("Markdown");
            f["content_format"] = "markdown";
            f["content"] = "Some **bold** news.\n\n- one\n- two";
        }));

        var content = await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Content).SingleAsync());
        Assert.Contains("<strong>bold</strong>", content, StringComparison.Ordinal);
        Assert.Contains("<li>two</li>", content, StringComparison.Ordinal);
        var editorPage = TestSite.Parse(await author.GetStringAsync($"/admin/posts/{id}/edit"));
        Assert.Equal("Some **bold** news.\n\n- one\n- two", editorPage.QuerySelector("textarea[name=content]")!.TextContent.ReplaceLineEndings("\n").TrimStart('\n'));
        Assert.NotNull(editorPage.QuerySelector("input[name=content_format][value=markdown][checked]"));
    }

    [Fact]
    public async Task Contributor_PublishBecomesPendingReview_AndCannotEditItOnceLive()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var contributor = await newsroom.SignInAsync("contributor");

        var page = TestSite.Parse(await contributor.GetStringAsync("/admin/posts/new"));
        var id = SavedId(await SaveAsync(contributor, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = Unique.Name("Contributed");
            f["post_date"] = "2020-01-01T10:00";
            f["sticky"] = "sticky";
        }));

        Assert.Equal("Submit for Review", page.QuerySelector("button[value=publish]")!.TextContent);
        Assert.Null(page.QuerySelector("input[name=visibility][value=private]"));
        var post = await site.DbAsync(db => db.Posts.SingleAsync(p => p.Id == id));
        Assert.Equal(PostStatus.Pending, post.Status);
        Assert.False(post.IsSticky);
        await site.DbAsync(db => db.Posts.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PostStatus.Publish)));
        using var live = await contributor.GetAsync($"/admin/posts/{id}/edit");
        Assert.Equal(HttpStatusCode.Forbidden, live.StatusCode);
    }

    [Fact]
    public async Task Schedule_InTheSiteTimeZone_IsStoredInUtcAsFuture()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        await site.SetOptionAsync(SiteSettings.Names.TimeZone, "America/New_York");
        var editor = await newsroom.SignInAsync("editor");

        var id = SavedId(await SaveAsync(editor, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = Unique.Name("Later");
            f["post_date"] = "2999-07-04T09:30";
        }));

        var post = await site.DbAsync(db => db.Posts.SingleAsync(p => p.Id == id));
        Assert.Equal(PostStatus.Future, post.Status);
        Assert.Equal(new DateTime(2999, 7, 4, 13, 30, 0, DateTimeKind.Utc), post.PublishedAtUtc);
        var editorPage = TestSite.Parse(await editor.GetStringAsync($"/admin/posts/{id}/edit"));
        Assert.Equal("2999-07-04T09:30", editorPage.QuerySelector("#post_date")!.GetAttribute("value"));
    }

    [Fact]
    public async Task PrivateDraft_KeepsItsVisibility_AndPublishesPrivately()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");

        var id = SavedId(await SaveAsync(editor, "/admin/posts/new", "draft", f => { f["post_title"] = Unique.Name("Staff memo"); f["visibility"] = "private"; }));
        var reopened = TestSite.Parse(await editor.GetStringAsync($"/admin/posts/{id}/edit"));
        SavedId(await SaveAsync(editor, $"/admin/posts/{id}/edit", "publish", _ => { }));

        Assert.NotNull(reopened.QuerySelector("input[name=visibility][value=private][checked]"));
        Assert.Equal(PostStatus.Private, await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task AuthorsHtml_IsCleaned_EditorsHtmlIsKept()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        const string Html = "<p onclick=\"steal()\">Hi<script>steal()</script><iframe src=\"https://example.org\"></iframe></p>";

        var byAuthor = SavedId(await SaveAsync(await newsroom.SignInAsync("author-a"), "/admin/posts/new", "publish", f => { f["post_title"] = Unique.Name("A"); f["content"] = Html; }));
        var byEditor = SavedId(await SaveAsync(await newsroom.SignInAsync("editor"), "/admin/posts/new", "publish", f => { f["post_title"] = Unique.Name("E"); f["content"] = Html; }));

        var contents = await site.DbAsync(db => db.Posts.Where(p => p.Id == byAuthor || p.Id == byEditor).ToDictionaryAsync(p => p.Id, p => p.Content));
        var cleaned = TestSite.Parse(contents[byAuthor]);
        Assert.Empty(cleaned.QuerySelectorAll("script, iframe, [onclick]"));
        Assert.Equal("Hi", cleaned.QuerySelector("p")!.FirstChild!.TextContent);
        Assert.Equal(Html, contents[byEditor]);
    }

    [Fact]
    public async Task InvalidSave_ComesBackWithTheMessageAndEverythingTyped_AndSavesNothing()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var before = await site.DbAsync(db => db.Posts.CountAsync());

        using var response = await SaveAsync(author, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = new string('t', Post.MaxTitleLength + 1);
            f["content"] = "Words I do not want to lose.";
            f["newcategory"] = "Authors cannot add categories";
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        var alert = page.QuerySelector("[role=alert]")!.TextContent;
        Assert.Contains("title", alert, StringComparison.Ordinal);
        Assert.Contains("categories", alert, StringComparison.Ordinal);
        Assert.Equal("Words I do not want to lose.", page.QuerySelector("textarea[name=content]")!.TextContent.Trim());
        Assert.Equal(before, await site.DbAsync(db => db.Posts.CountAsync()));
    }

    [Fact]
    public async Task Editor_AddsACategoryInline_ChangesTheAuthor_AndSticksThePost()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var name = Unique.Name("Weather");

        var id = SavedId(await SaveAsync(editor, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = Unique.Name("Storm");
            f["newcategory"] = name;
            f["post_author"] = newsroom.Users["author-b"].ToString(System.Globalization.CultureInfo.InvariantCulture);
            f["sticky"] = "sticky";
            f.Remove("post_category[]");
        }));

        var post = await site.DbAsync(db => db.Posts.Include(p => p.Terms).ThenInclude(t => t.Term).SingleAsync(p => p.Id == id));
        Assert.Equal(name, Assert.Single(post.Terms).Term.Name);
        Assert.Equal(newsroom.Users["author-b"], post.AuthorId);
        Assert.True(post.IsSticky);
    }

    [Theory]
    [InlineData("contributor", "contributor-draft", true)]
    [InlineData("contributor", "contributor-pending", true)]
    [InlineData("contributor", "a-draft", false)]
    [InlineData("author-a", "a-published", true)]
    [InlineData("author-a", "a-draft", true)]
    [InlineData("author-a", "b-published", false)]
    [InlineData("author-a", "contributor-draft", false)]
    [InlineData("editor", "b-published", true)]
    [InlineData("editor", "contributor-pending", true)]
    [InlineData("admin", "a-draft", true)]
    [InlineData("subscriber", "a-draft", false)]
    public async Task EditAndSave_RoleByOwnership_AllowedOrRefusedEvenByDirectPost(string actor, string post, bool allowed)
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var client = await newsroom.SignInAsync(actor);
        var id = newsroom.Posts[post];
        var token = TestSite.Parse(await client.GetStringAsync("/admin/profile")).QuerySelector("form input[type=hidden]")!;

        using var open = await client.GetAsync($"/admin/posts/{id}/edit");
        using var save = await client.PostAsync($"/admin/posts/{id}/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
            ["post_title"] = "Rewritten by " + actor,
            ["action"] = "draft",
        }));

        var title = await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Title).SingleAsync());
        Assert.Equal(allowed, title == "Rewritten by " + actor);
        var refused = actor == "subscriber" ? HttpStatusCode.Redirect : HttpStatusCode.Forbidden;
        Assert.Equal(allowed ? HttpStatusCode.OK : refused, open.StatusCode);
        Assert.Equal(allowed ? HttpStatusCode.Redirect : refused, save.StatusCode);
    }

    [Fact]
    public async Task Revisions_ShowASideBySideDiff_AndRestoreBringsBackTheOldText()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var id = SavedId(await SaveAsync(author, "/admin/posts/new", "draft", f => { f["post_title"] = "Draft one"; f["content"] = "First line\nSecond line"; }));
        SavedId(await SaveAsync(author, $"/admin/posts/{id}/edit", "draft", f => f["content"] = "First line\nA changed line"));

        var compare = TestSite.Parse(await author.GetStringAsync($"/admin/posts/{id}/revisions"));
        Assert.Equal("Second line", compare.QuerySelector("table.diff del")!.TextContent);
        Assert.Equal("A changed line", compare.QuerySelector("table.diff ins")!.TextContent);
        var older = compare.QuerySelectorAll("ol a").Single().GetAttribute("href")!;
        using var other = await (await newsroom.SignInAsync("author-b")).GetAsync($"/admin/posts/{id}/revisions");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);

        var restoreAction = TestSite.Parse(await author.GetStringAsync(older)).QuerySelector("form[action*='/restore']")!.GetAttribute("action")!;
        using var restored = await BrowserForm.SubmitAsync(author, older, restoreAction, _ => { });

        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.Equal("First line\nSecond line", await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Content).SingleAsync()));
        Assert.Equal(3, await site.DbAsync(db => db.Posts.CountAsync(p => p.ParentId == id && p.Type == PostType.Revision)));
    }

    /// <summary>What the editor script does as the editor loads: a lock-only POST to the autosave address.</summary>
    private static Task<HttpResponseMessage> TakeLockAsScriptDoesAsync(HttpClient client, AngleSharp.Html.Dom.IHtmlDocument editorPage)
    {
        var token = editorPage.QuerySelector("#editor input[name=__RequestVerificationToken]")!;
        return client.PostAsync(editorPage.QuerySelector("#editor")!.GetAttribute("data-autosave")!, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
            ["lock_only"] = "1",
        }));
    }

    [Fact]
    public async Task PostLock_TwoEditorsOpeningAFreePostAtOnce_OneGetsItTheOtherIsTold()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var admin = await newsroom.SignInAsync("admin");
        // A few rounds on fresh posts, so the two requests really meet in some of them.
        for (var round = 0; round < 4; round++)
        {
            var post = await site.AddPostAsync(Unique.Name("Contested"));
            var url = $"/admin/posts/{post.Id}/edit";
            var pages = await Task.WhenAll(editor.GetStringAsync(url), admin.GetStringAsync(url));

            var answers = await Task.WhenAll(
                Task.Run(async () => { using var r = await TakeLockAsScriptDoesAsync(editor, TestSite.Parse(pages[0])); return r.StatusCode; }),
                Task.Run(async () => { using var r = await TakeLockAsScriptDoesAsync(admin, TestSite.Parse(pages[1])); return r.StatusCode; }));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Order());
        }
    }

    [Fact]
    public async Task PostLock_OpeningTheEditor_TakesNoLockUntilTheScriptAsksForIt()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var id = newsroom.Posts["b-published"];
        var editor = await newsroom.SignInAsync("editor");
        Task<bool> LockedAsync() => site.DbAsync(db => db.PostMeta.AnyAsync(m => m.PostId == id && m.Key == PostLocks.MetaKey));

        var page = TestSite.Parse(await editor.GetStringAsync($"/admin/posts/{id}/edit"));
        var lockedAfterGet = await LockedAsync();
        using var taken = await TakeLockAsScriptDoesAsync(editor, page);

        Assert.False(lockedAfterGet);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.True(await LockedAsync());
    }

    [Fact]
    public async Task PostLock_SecondEditorSeesWhoHoldsIt_TakesOver_AndTheFirstCannotOverwrite()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var id = newsroom.Posts["b-published"];
        var editor = await newsroom.SignInAsync("editor");
        var admin = await newsroom.SignInAsync("admin");

        var editorsPage = TestSite.Parse(await editor.GetStringAsync($"/admin/posts/{id}/edit"));
        var editorsForm = BrowserForm.Fields(editorsPage, $"/admin/posts/{id}/edit");
        (await TakeLockAsScriptDoesAsync(editor, editorsPage)).Dispose();
        using var second = await admin.GetAsync($"/admin/posts/{id}/edit");
        var lockPage = TestSite.Parse(await second.Content.ReadAsStringAsync());
        using var takeOver = await admin.PostAsync($"/admin/posts/{id}/take-over", new FormUrlEncodedContent(BrowserForm.Fields(lockPage, $"/admin/posts/{id}/take-over")));
        using var afterTakeOver = await admin.GetAsync($"/admin/posts/{id}/edit");
        editorsForm["post_title"] = "The editor's late change";
        editorsForm["action"] = "publish";
        using var lateSave = await editor.PostAsync($"/admin/posts/{id}/edit", new FormUrlEncodedContent(editorsForm));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("editor is currently editing", lockPage.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, takeOver.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterTakeOver.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lateSave.StatusCode);
        var latePage = TestSite.Parse(await lateSave.Content.ReadAsStringAsync());
        Assert.Contains("took over", latePage.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("The editor's late change", latePage.QuerySelector("#title")!.GetAttribute("value"));
        Assert.NotEqual("The editor's late change", await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Title).SingleAsync()));
    }

    [Fact]
    public async Task Markdown_RawHtmlAndScriptLinks_NeverSurviveEvenWhenAnEditorSavesIt()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var contributor = await newsroom.SignInAsync("contributor");
        var id = SavedId(await SaveAsync(contributor, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = Unique.Name("Sneaky");
            f["content_format"] = "markdown";
            f["content"] = "<meta http-equiv=\"refresh\" content=\"0;url=https://example.org\">\n\n[click](javascript:alert(1))";
        }));

        // Later (the contributor's lock has lapsed) the editor reviews it and publishes: the Markdown is rendered
        // again under the editor's rights.
        await site.DbAsync(db => db.PostMeta.Where(m => m.PostId == id && m.Key == PostLocks.MetaKey).ExecuteDeleteAsync());
        SavedId(await SaveAsync(await newsroom.SignInAsync("editor"), $"/admin/posts/{id}/edit", "publish", _ => { }));

        var content = TestSite.Parse(await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Content).SingleAsync()));
        Assert.Null(content.QuerySelector("meta"));
        Assert.DoesNotContain("javascript:", content.QuerySelector("a")?.GetAttribute("href") ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PasswordProtected_TextIsNotSearchable_NorItsCommentsInTheSidebar()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var post = await site.AddPostAsync(Unique.Name("Locked"), p => { p.Password = "pw"; p.Content = "<p>zanzibar secret</p>"; });
        await site.AddCommentAsync(post, "Whisperer", "A comment on a locked post.");

        var search = await site.PageAsync("/?s=zanzibar");
        var home = await site.PageAsync("/");

        Assert.Empty(search.QuerySelectorAll("main .entry-title"));
        Assert.DoesNotContain("Whisperer", home.QuerySelector("aside")?.TextContent ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Autosave_KeepsTheTyping_AndTheEditorOffersItBack()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var id = newsroom.Posts["a-draft"];
        var editorPage = TestSite.Parse(await author.GetStringAsync($"/admin/posts/{id}/edit"));
        var token = editorPage.QuerySelector("#editor input[type=hidden]")!;
        var autosaveUrl = editorPage.QuerySelector("#editor")!.GetAttribute("data-autosave")!;

        using var autosaved = await author.PostAsync(autosaveUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
            ["post_title"] = "Typed but not saved",
            ["content"] = "<p>Half a story</p>",
        }));
        var offered = TestSite.Parse(await author.GetStringAsync($"/admin/posts/{id}/edit"));
        var restored = TestSite.Parse(await author.GetStringAsync($"/admin/posts/{id}/edit?autosave=1"));

        Assert.Equal(HttpStatusCode.OK, autosaved.StatusCode);
        Assert.NotEqual("Typed but not saved", await site.DbAsync(db => db.Posts.Where(p => p.Id == id).Select(p => p.Title).SingleAsync()));
        Assert.Contains("autosave", offered.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Typed but not saved", restored.QuerySelector("#title")!.GetAttribute("value"));
        // Someone else holding the post blocks the autosave.
        var admin = await newsroom.SignInAsync("admin");
        var lockPage = TestSite.Parse(await (await admin.GetAsync($"/admin/posts/{id}/edit")).Content.ReadAsStringAsync());
        (await admin.PostAsync($"/admin/posts/{id}/take-over", new FormUrlEncodedContent(BrowserForm.Fields(lockPage, $"/admin/posts/{id}/take-over")))).Dispose();
        using var blocked = await author.PostAsync(autosaveUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.GetAttribute("name")!] = token.GetAttribute("value")!,
            ["post_title"] = "Second try",
        }));
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
    }

    [Fact]
    public async Task PasswordProtected_ReadersSeeTheFormUntilTheyGiveThePassword()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var title = Unique.Name("Members only");
        var id = SavedId(await SaveAsync(author, "/admin/posts/new", "publish", f =>
        {
            f["post_title"] = title;
            f["content"] = "<p>The secret minutes.</p>";
            f["visibility"] = "password";
            f["post_password"] = "open sesame";
        }));
        var reader = site.Client();
        using var shortLink = await reader.GetAsync($"/?p={id}");
        var url = shortLink.Headers.Location!.OriginalString;

        var locked = TestSite.Parse(await reader.GetStringAsync(url));
        var home = TestSite.Parse(await reader.GetStringAsync("/"));
        (await reader.PostAsync("/postpass", new FormUrlEncodedContent(new Dictionary<string, string> { ["post_password"] = "wrong", ["redirect_to"] = url }))).Dispose();
        var stillLocked = await reader.GetStringAsync(url);
        using var unlock = await reader.PostAsync("/postpass", new FormUrlEncodedContent(new Dictionary<string, string> { ["post_password"] = "open sesame", ["redirect_to"] = url }));
        var open = TestSite.Parse(await reader.GetStringAsync(url));

        Assert.Equal($"Protected: {title}", locked.QuerySelector("main h1")!.TextContent.Trim());
        Assert.DoesNotContain("secret minutes", locked.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.NotNull(locked.QuerySelector("main form[action='/postpass'] input[type=password]"));
        Assert.DoesNotContain("secret minutes", home.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("secret minutes", stillLocked, StringComparison.Ordinal);
        Assert.Equal(url, unlock.Headers.Location!.OriginalString);
        Assert.Contains("The secret minutes.", open.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_RendersTheUnsavedFormInTheTheme_CleanedAndNotIndexed()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var before = await site.DbAsync(db => db.Posts.CountAsync());

        var fields = BrowserForm.Fields(TestSite.Parse(await author.GetStringAsync("/admin/posts/new")), "/admin/posts/new");
        fields["post_title"] = "Preview headline";
        fields["content"] = "<p>Preview body<script>alert(1)</script></p>";
        using var shown = await author.PostAsync("/admin/posts/preview", new FormUrlEncodedContent(fields));

        var page = TestSite.Parse(await shown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal("Preview headline", page.QuerySelector("main h1")!.TextContent.Trim());
        Assert.Null(page.QuerySelector("main script"));
        Assert.Contains("noindex", page.QuerySelector("meta[name=robots]")!.GetAttribute("content")!, StringComparison.Ordinal);
        Assert.Equal(before, await site.DbAsync(db => db.Posts.CountAsync()));
    }
}

public sealed class SqlitePostEditorTests : PostEditorTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresPostEditorTests : PostEditorTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
