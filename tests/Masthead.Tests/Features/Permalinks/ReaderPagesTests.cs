using System.Net;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Permalinks;

/// <summary>Every kind of reader page, through HTTP, on each database.</summary>
public abstract class ReaderPagesTests(SiteFixture fixture)
{
    protected Task<TestSite> SiteAsync() => fixture.GetAsync();

    /// <summary>A site of the test's own, for checks that depend on everything a page lists.</summary>
    protected Task<TestSite> FreshSiteAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        TestSite.StartAsync(fixture.Kind, settings);

    [Fact]
    public async Task FirstRun_NewSite_HasHelloWorldAsPostOneWithItsComment()
    {
        var site = await SiteAsync();

        using var redirect = await site.Client().GetAsync("/?p=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        var page = await site.PageAsync(redirect.Headers.Location!.OriginalString);

        Assert.Equal("Hello world!", page.QuerySelector("main h1.entry-title")?.TextContent);
        Assert.Single(page.QuerySelectorAll("#comments .comment"));
        Assert.Contains("Uncategorized", page.QuerySelector(".entry-categories")?.TextContent);
        var samplePage = await site.PageAsync("/sample-page/");
        Assert.Equal("Sample Page", samplePage.QuerySelector("main h1")?.TextContent);
        Assert.Equal("Masthead", samplePage.QuerySelector(".site-title a")?.TextContent);
    }

    [Fact]
    public async Task Home_ManyPosts_ShowsStickyFirstThenNewestAndPaginates()
    {
        await using var site = await FreshSiteAsync();
        await site.SetOptionAsync(SiteSettings.Names.PostsPerPage, "3");
        var titles = new List<string>();
        for (var day = 1; day <= 5; day++)
        {
            var title = Unique.Name($"Day {day}");
            titles.Add(title);
            await site.AddPostAsync(title, p => p.PublishedAtUtc = new DateTime(2030, 1, day, 9, 0, 0, DateTimeKind.Utc));
        }
        var sticky = await site.AddPostAsync(Unique.Name("Sticky"), p =>
        {
            p.IsSticky = true;
            p.PublishedAtUtc = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        });

        var first = await site.PageAsync("/");
        var firstTitles = first.QuerySelectorAll("main .entry-title").Select(h => h.TextContent).ToList();
        Assert.Equal([sticky.Title, titles[4], titles[3], titles[2]], firstTitles);
        Assert.NotNull(first.QuerySelector("main .entry.sticky"));
        Assert.Equal("/page/2/", first.QuerySelector(".pagination-next a")?.GetAttribute("href"));

        var second = await site.PageAsync("/page/2/");
        var secondTitles = second.QuerySelectorAll("main .entry-title").Select(h => h.TextContent).ToList();
        // The older posts, then Hello world! from the first run; the sticky post is not repeated.
        Assert.Equal([titles[1], titles[0], "Hello world!"], secondTitles);

        using var beyond = await site.Client().GetAsync("/page/3/");
        Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
    }

    [Fact]
    public async Task Home_ExcerptDisplay_ShowsExcerptsInsteadOfFullText()
    {
        await using var site = await FreshSiteAsync();
        await site.AddPostAsync(Unique.Name("Long read"), p =>
        {
            p.Content = "<p>Opening paragraph.</p><!--more--><p>The rest of the story.</p>";
            p.PublishedAtUtc = new DateTime(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        });

        var full = await site.PageAsync("/");
        var firstEntry = full.QuerySelector("main .entry")!;
        Assert.Contains("Opening paragraph.", firstEntry.TextContent);
        Assert.DoesNotContain("The rest of the story.", firstEntry.TextContent);
        Assert.NotNull(firstEntry.QuerySelector("a.more-link"));

        await site.SetOptionAsync(SiteSettings.Names.ArchiveDisplay, "excerpt");
        var excerpts = await site.PageAsync("/");
        var entry = excerpts.QuerySelector("main .entry")!;
        Assert.Null(entry.QuerySelector(".entry-content p + p"));
        Assert.Contains("Opening paragraph.", entry.QuerySelector(".entry-content")!.TextContent);
    }

    [Fact]
    public async Task SinglePost_ShowsBylineFiledUnderTaggedWithAndThreadedComments()
    {
        var site = await SiteAsync();
        var author = await site.AddAuthorAsync(Unique.Name("Linh"));
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Local News"));
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Harbor"));
        var post = await site.AddPostAsync(Unique.Name("Ferry returns"), p =>
        {
            p.AuthorId = author.Id;
            p.PublishedAtUtc = new DateTime(2025, 3, 1, 15, 0, 0, DateTimeKind.Utc);
            p.Content = "<h2>Schedule</h2><p>Boats run hourly.</p><figure><img src=\"/x.jpg\" alt=\"The ferry\"><figcaption>The ferry at dawn.</figcaption></figure><blockquote><p>Finally.</p></blockquote>";
        }, category, tag);
        var parent = await site.AddCommentAsync(post, "Ana", "First!");
        await site.AddCommentAsync(post, "Ben", "A reply.", parent.Id);
        await site.AddCommentAsync(post, "Spammer", "Buy now", approval: CommentApproval.Spam);
        await site.AddCommentAsync(post, "Waiting", "Held for review", approval: CommentApproval.Pending);

        var page = await site.PageAsync($"/2025/03/01/{post.Slug}/");

        var meta = page.QuerySelector("main .entry-meta")!;
        Assert.StartsWith($"March 1, 2025 by {author.DisplayName}", meta.TextContent.Trim());
        Assert.Equal($"/author/{author.Slug}/", meta.QuerySelector("a.entry-author")?.GetAttribute("href"));
        Assert.Equal($"Filed Under: {category.Name}", page.QuerySelector(".entry-categories")?.TextContent.Trim());
        Assert.Equal($"/category/{category.Slug}/", page.QuerySelector(".entry-categories a")?.GetAttribute("href"));
        Assert.Equal($"Tagged With: {tag.Name}", page.QuerySelector(".entry-tags")?.TextContent.Trim());
        Assert.Equal("The ferry at dawn.", page.QuerySelector(".entry-content figure figcaption")?.TextContent);
        Assert.NotNull(page.QuerySelector(".entry-content blockquote"));

        var thread = page.QuerySelector("#comments .comment-list")!;
        var top = Assert.Single(thread.Children);
        Assert.Contains("Ana", top.QuerySelector(".comment-author")!.TextContent);
        Assert.Contains("Ben", top.QuerySelector(".children .comment .comment-author")!.TextContent);
        Assert.DoesNotContain("Spammer", page.DocumentElement.TextContent);
        Assert.DoesNotContain("Held for review", page.DocumentElement.TextContent);
    }

    [Fact]
    public async Task SinglePost_Neighbours_LinkOnlyToPublishedPosts()
    {
        var site = await SiteAsync();
        var older = await site.AddPostAsync(Unique.Name("Older"), p => p.PublishedAtUtc = new DateTime(2019, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        await site.AddPostAsync(Unique.Name("Hidden draft"), p =>
        {
            p.Status = PostStatus.Draft;
            p.PublishedAtUtc = new DateTime(2019, 5, 2, 0, 0, 0, DateTimeKind.Utc);
        });
        var middle = await site.AddPostAsync(Unique.Name("Middle"), p => p.PublishedAtUtc = new DateTime(2019, 5, 3, 0, 0, 0, DateTimeKind.Utc));
        var newer = await site.AddPostAsync(Unique.Name("Newer"), p => p.PublishedAtUtc = new DateTime(2019, 5, 4, 0, 0, 0, DateTimeKind.Utc));

        var page = await site.PageAsync($"/2019/05/03/{middle.Slug}/");

        Assert.Equal($"/2019/05/01/{older.Slug}/", page.QuerySelector(".adjacent-entry-pagination a[rel=prev]")?.GetAttribute("href"));
        Assert.Equal($"/2019/05/04/{newer.Slug}/", page.QuerySelector(".adjacent-entry-pagination a[rel=next]")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Page_HierarchicalPath_IsServedAtItsFullPathOnly()
    {
        var site = await SiteAsync();
        var parent = await site.AddPostAsync(Unique.Name("About"), p => p.Type = PostType.Page);
        var child = await site.AddPostAsync(Unique.Name("Team"), p =>
        {
            p.Type = PostType.Page;
            p.ParentId = parent.Id;
        });

        var page = await site.PageAsync($"/{parent.Slug}/{child.Slug}/");

        Assert.Equal(child.Title, page.QuerySelector("main h1")?.TextContent);
        using var atRoot = await site.Client().GetAsync($"/{child.Slug}/");
        Assert.Equal(HttpStatusCode.NotFound, atRoot.StatusCode);
    }

    [Fact]
    public async Task CategoryArchive_ParentCategory_IncludesItsChildrensPosts()
    {
        var site = await SiteAsync();
        var parent = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Sports"));
        var child = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Rowing"), parent.Id);
        var inParent = await site.AddPostAsync(Unique.Name("League table"), null, parent);
        var inChild = await site.AddPostAsync(Unique.Name("Regatta"), null, child);

        var parentPage = await site.PageAsync($"/category/{parent.Slug}/");
        var childPage = await site.PageAsync($"/category/{parent.Slug}/{child.Slug}/");

        var parentTitles = parentPage.QuerySelectorAll("main .entry-title").Select(e => e.TextContent).ToList();
        Assert.Contains(inParent.Title, parentTitles);
        Assert.Contains(inChild.Title, parentTitles);
        Assert.Equal($"Category: {parent.Name}", parentPage.QuerySelector("h1.archive-title")?.TextContent);
        Assert.Equal([inChild.Title], childPage.QuerySelectorAll("main .entry-title").Select(e => e.TextContent));
        using var shortPath = await site.Client().GetAsync($"/category/{child.Slug}/");
        Assert.Equal(HttpStatusCode.MovedPermanently, shortPath.StatusCode);
        Assert.Equal($"/category/{parent.Slug}/{child.Slug}/", shortPath.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Archives_TagAuthorAndDates_ListTheirPosts()
    {
        var site = await SiteAsync();
        var author = await site.AddAuthorAsync(Unique.Name("Reporter"));
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Elections"));
        var post = await site.AddPostAsync(Unique.Name("Polls close"), p =>
        {
            p.AuthorId = author.Id;
            p.PublishedAtUtc = new DateTime(2018, 11, 6, 20, 0, 0, DateTimeKind.Utc);
        }, tag);

        foreach (var (url, heading) in new[]
        {
            ($"/tag/{tag.Slug}/", $"Tag: {tag.Name}"),
            ($"/author/{author.Slug}/", $"Author: {author.DisplayName}"),
            ("/2018/", "Year: 2018"),
            ("/2018/11/", "Month: November 2018"),
            ("/2018/11/06/", "Day: November 6, 2018"),
        })
        {
            var page = await site.PageAsync(url);
            Assert.Equal(heading, page.QuerySelector("h1.archive-title")?.TextContent);
            Assert.Contains(post.Title, page.QuerySelectorAll("main .entry-title").Select(e => e.TextContent));
        }
        var otherDay = await site.PageAsync("/2018/11/07/");
        Assert.DoesNotContain(post.Title, otherDay.QuerySelector("main")!.TextContent);
    }

    [Fact]
    public async Task Search_MatchesPublishedPostsOnly()
    {
        var site = await SiteAsync();
        var word = Guid.NewGuid().ToString("N")[..12];
        var published = await site.AddPostAsync(Unique.Name("Found"), p => p.Content = $"<p>The {word} story.</p>");
        var draft = await site.AddPostAsync(Unique.Name("Unfinished"), p =>
        {
            p.Content = $"<p>The {word} draft.</p>";
            p.Status = PostStatus.Draft;
        });

        var page = await site.PageAsync($"/?s={word.ToUpperInvariant()}");

        var titles = page.QuerySelectorAll("main .entry-title").Select(e => e.TextContent).ToList();
        Assert.Equal([published.Title], titles);
        Assert.DoesNotContain(draft.Title, page.DocumentElement.TextContent);
        Assert.Equal(word.ToUpperInvariant(), page.QuerySelector("input[name=s]")?.GetAttribute("value"));
        var empty = await site.PageAsync($"/?s=nothing-{word}");
        Assert.NotNull(empty.QuerySelector("main .no-results"));
    }

    [Fact]
    public async Task Search_NonAsciiWords_MatchInAnyCase()
    {
        var site = await SiteAsync();
        var word = Guid.NewGuid().ToString("N")[..8];
        var post = await site.AddPostAsync($"ÉCOLE Привет {word}");

        foreach (var query in new[] { $"école привет {word}", $"École ПРИВЕТ {word}", $"привет {word}" })
        {
            var page = await site.PageAsync($"/?s={Uri.EscapeDataString(query)}");
            Assert.Equal([post.Title], page.QuerySelectorAll("main .entry-title").Select(e => e.TextContent));
        }
    }

    [Fact]
    public async Task DayArchive_TimeZoneThatSkipsMidnight_ListsTheDaysPosts()
    {
        await using var site = await FreshSiteAsync();
        // Cairo's clocks jumped from midnight to 1 a.m. on 25 April 2025.
        await site.SetOptionAsync(SiteSettings.Names.TimeZone, "Africa/Cairo");
        var post = await site.AddPostAsync(Unique.Name("Spring forward"), p =>
            p.PublishedAtUtc = new DateTime(2025, 4, 25, 9, 0, 0, DateTimeKind.Utc));

        var day = await site.PageAsync("/2025/04/25/");
        var before = await site.PageAsync("/2025/04/24/");

        Assert.Equal([post.Title], day.QuerySelectorAll("main .entry-title").Select(e => e.TextContent));
        Assert.Empty(before.QuerySelectorAll("main .entry-title"));
        var single = await site.PageAsync($"/2025/04/25/{post.Slug}/");
        Assert.Equal("April 25, 2025", single.QuerySelector("main .entry-time")?.TextContent);
    }

    [Fact]
    public async Task PlainLinks_PageIdInP_RedirectsToThePage()
    {
        var site = await SiteAsync();

        using var response = await site.Client().GetAsync("/?p=2");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/sample-page/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Bylines_FirstAdministrator_DoNotRevealTheLoginName()
    {
        var site = await SiteAsync();

        var page = await site.PageAsync("/sample-page/");
        using var helloWorld = await site.Client().GetAsync("/?p=1");
        var post = await site.PageAsync(helloWorld.Headers.Location!.OriginalString);

        Assert.DoesNotContain("/author/admin/", post.DocumentElement.OuterHtml);
        Assert.Equal("Site Administrator", post.QuerySelector("main .entry-author")?.TextContent);
        Assert.NotNull(page);
    }

    [Fact]
    public async Task UnpublishedPosts_NeverShowAnywhereToAVisitor()
    {
        await using var site = await FreshSiteAsync();
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Politics"));
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Budget"));
        var visible = await site.AddPostAsync(Unique.Name("Visible"), p => p.PublishedAtUtc = new DateTime(2024, 6, 10, 0, 0, 0, DateTimeKind.Utc), category, tag);
        var hidden = new List<Post>();
        foreach (var status in new[] { PostStatus.Draft, PostStatus.Pending, PostStatus.Private, PostStatus.Future, PostStatus.Trash })
        {
            hidden.Add(await site.AddPostAsync(Unique.Name($"Secret {status}"), p =>
            {
                p.Status = status;
                p.PublishedAtUtc = new DateTime(2024, 6, 11, 0, 0, 0, DateTimeKind.Utc);
                p.Content = "<p>classified</p>";
            }, category, tag));
            await site.AddCommentAsync(hidden[^1], "Insider", "on a hidden post");
        }

        var pages = new[] { "/", $"/category/{category.Slug}/", $"/tag/{tag.Slug}/", "/2024/", "/2024/06/", "/2024/06/11/", "/?s=classified",
            $"/2024/06/10/{visible.Slug}/", "/author/site-administrator/" };
        foreach (var url in pages)
        {
            using var response = await site.Client().GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            foreach (var post in hidden)
            {
                Assert.DoesNotContain(post.Title, text);
            }
            Assert.DoesNotContain("Insider", text);
        }
        var home = await site.PageAsync("/");
        var categoryCount = home.QuerySelectorAll(".widget-categories li").Single(li => li.TextContent.Contains(category.Name)).TextContent;
        Assert.EndsWith("(1)", categoryCount.Trim());
        Assert.Contains("June 2024 (1)", home.QuerySelector(".widget-archives")!.TextContent);
        foreach (var post in hidden)
        {
            using var permalink = await site.Client().GetAsync($"/2024/06/11/{post.Slug}/");
            Assert.Equal(HttpStatusCode.NotFound, permalink.StatusCode);
            using var plain = await site.Client().GetAsync($"/?p={post.Id}");
            Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
        }
        // The hidden posts are newer than the visible one; its "next" link skips them all.
        var single = await site.PageAsync($"/2024/06/10/{visible.Slug}/");
        var next = single.QuerySelector(".adjacent-entry-pagination a[rel=next]")?.GetAttribute("href");
        Assert.EndsWith("/hello-world/", next);
    }

    [Fact]
    public async Task ListPages_MorePostsTermsAndComments_RunNoMoreQueries()
    {
        await using var site = await FreshSiteAsync();
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Harbor"));
        async Task AddPostsAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Tag"));
                var post = await site.AddPostAsync(Unique.Name("Story"), null, category, tag);
                await site.AddCommentAsync(post, "Reader", "Noted.");
            }
        }
        var urls = new[] { "/", $"/category/{category.Slug}/", "/2024/03/", "/?s=story" };

        await AddPostsAsync(2);
        var few = new List<int>();
        foreach (var url in urls)
        {
            await site.PageAsync(url); // fills the caches that a site change empties
            few.Add(await site.CountQueriesAsync(url));
        }
        await AddPostsAsync(10);
        var many = new List<int>();
        foreach (var url in urls)
        {
            await site.PageAsync(url);
            many.Add(await site.CountQueriesAsync(url));
        }

        Assert.Equal(few, many);
        Assert.All(many, count => Assert.InRange(count, 1, 6));
    }

    [Theory]
    [InlineData("/sample-page", "/sample-page/")]
    [InlineData("/category/uncategorized", "/category/uncategorized/")]
    [InlineData("/page/1/", "/")]
    [InlineData("/?page_id=2", "/sample-page/")]
    public async Task Redirects_NonCanonicalAddresses_AnswerMovedPermanently(string from, string to)
    {
        var site = await SiteAsync();

        using var response = await site.Client().GetAsync(from);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(to, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/no-such-page/")]
    [InlineData("/no-such-page")]
    [InlineData("/category/no-such-category/")]
    [InlineData("/2024/13/")]
    [InlineData("/9999/")]
    [InlineData("/0000/01/")]
    [InlineData("/%D9%A2%D9%A0%D9%A2%D9%A6/11/27/hello-world/")]
    [InlineData("/page/99999999999999999999/")]
    [InlineData("/page/0/")]
    [InlineData("/2024/06/10/no-such-post/")]
    [InlineData("/?p=999999")]
    public async Task UnknownAddresses_AnswerNotFoundWithTheThemesPage(string url)
    {
        var site = await SiteAsync();

        using var response = await site.Client().GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Not found, error 404", page.QuerySelector("main h1")?.TextContent);
        Assert.NotNull(page.QuerySelector("aside .widget-recent-posts"));
    }

    [Fact]
    public async Task SinglePost_NonLatinTitle_HasAWorkingSlug()
    {
        var site = await SiteAsync();
        var post = await site.AddPostAsync($"Новости гавани {Guid.NewGuid().ToString("N")[..6]}", p =>
            p.PublishedAtUtc = new DateTime(2022, 2, 2, 0, 0, 0, DateTimeKind.Utc));

        Assert.StartsWith("новости-гавани-", post.Slug);
        var page = await site.PageAsync($"/2022/02/02/{Uri.EscapeDataString(post.Slug)}/");
        Assert.Equal(post.Title, page.QuerySelector("main h1")?.TextContent);
    }

    [Theory]
    [InlineData("/%postname%/")]
    [InlineData("/%category%/%postname%/")]
    [InlineData("/archives/%post_id%")]
    public async Task PermalinkStructure_Setting_ServesPostsAtThatShape(string structure)
    {
        await using var site = await FreshSiteAsync();
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Weather"));
        var post = await site.AddPostAsync(Unique.Name("Storm warning"), null, category);
        await site.SetOptionAsync(SiteSettings.Names.PermalinkStructure, structure);
        var expected = structure
            .Replace("%postname%", post.Slug, StringComparison.Ordinal)
            .Replace("%category%", category.Slug, StringComparison.Ordinal)
            .Replace("%post_id%", post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var plain = await site.Client().GetAsync($"/?p={post.Id}");
        Assert.Equal(expected, plain.Headers.Location?.OriginalString);
        var page = await site.PageAsync(expected);
        Assert.Equal(post.Title, page.QuerySelector("main h1")?.TextContent);
        var samplePage = await site.PageAsync("/sample-page/");
        Assert.Equal("Sample Page", samplePage.QuerySelector("main h1")?.TextContent);
    }
}

public sealed class SqliteReaderPagesTests(SqliteSiteFixture fixture) : ReaderPagesTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresReaderPagesTests(PostgresSiteFixture fixture) : ReaderPagesTests(fixture), IClassFixture<PostgresSiteFixture>;
