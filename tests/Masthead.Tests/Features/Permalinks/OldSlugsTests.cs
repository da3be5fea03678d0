using System.Net;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Permalinks;

/// <summary>A published address that changes keeps answering, with a 301 to where the content lives now.</summary>
public abstract class OldSlugsTests(SiteFixture fixture)
{
    [Fact]
    public async Task Post_SlugChangedAfterPublishing_OldUrlRedirectsAndTheOldSlugIsKeptAsWordPressKeepsIt()
    {
        var site = await fixture.GetAsync();
        var post = await site.AddPostAsync(Unique.Name("Budget vote"));
        var oldUrl = $"/2024/03/01/{post.Slug}/";
        await RenameAsync(site, post.Id, post.Slug + "-delayed");

        await AssertMovedAsync(site, oldUrl, $"/2024/03/01/{post.Slug}-delayed/");
        var kept = await site.DbAsync(db => db.PostMeta.Where(m => m.PostId == post.Id && m.Key == OldSlugs.PostSlugKey).Select(m => m.Value).ToListAsync());
        Assert.Equal([post.Slug], kept);
    }

    [Fact]
    public async Task Post_SlugChangedTwiceAndBack_KeepsEachOldSlugOnceAndNeverTheCurrentOne()
    {
        var site = await fixture.GetAsync();
        var post = await site.AddPostAsync(Unique.Name("Harbour plan"));
        await RenameAsync(site, post.Id, post.Slug + "-2");
        await RenameAsync(site, post.Id, post.Slug + "-3");
        await RenameAsync(site, post.Id, post.Slug);

        var kept = await site.DbAsync(db => db.PostMeta.Where(m => m.PostId == post.Id && m.Key == OldSlugs.PostSlugKey)
            .OrderBy(m => m.Value).Select(m => m.Value).ToListAsync());
        Assert.Equal([post.Slug + "-2", post.Slug + "-3"], kept);
        await AssertMovedAsync(site, $"/2024/03/01/{post.Slug}-2/", $"/2024/03/01/{post.Slug}/");
        var page = await site.PageAsync($"/2024/03/01/{post.Slug}/");
        Assert.Equal(post.Title, page.QuerySelector("main h1.entry-title")?.TextContent);
    }

    [Fact]
    public async Task Post_DateMoved_OldDatedUrlRedirectsAndTheOldDateIsKept()
    {
        var site = await fixture.GetAsync();
        var post = await site.AddPostAsync(Unique.Name("Flood warning"));
        await site.DbAsync(async db =>
        {
            var tracked = await db.Posts.SingleAsync(p => p.Id == post.Id);
            tracked.PublishedAtUtc = new DateTime(2024, 3, 5, 12, 0, 0, DateTimeKind.Utc);
            await db.SaveChangesAsync();
        });

        await AssertMovedAsync(site, $"/2024/03/01/{post.Slug}/", $"/2024/03/05/{post.Slug}/");
        var kept = await site.DbAsync(db => db.PostMeta.Where(m => m.PostId == post.Id && m.Key == OldSlugs.PostDateKey).Select(m => m.Value).ToListAsync());
        Assert.Equal(["2024-03-01"], kept);
    }

    [Fact]
    public async Task Post_TwoPostsOnceSharedASlug_TheOldUrlsDateChoosesBetweenThem()
    {
        var site = await fixture.GetAsync();
        var slug = Slug.From(Unique.Name("Match report"));
        var march = await site.AddPostAsync(slug, p => p.Slug = slug);
        var april = await site.AddPostAsync(slug, p =>
        {
            p.Slug = slug;
            p.PublishedAtUtc = new DateTime(2024, 4, 2, 12, 0, 0, DateTimeKind.Utc);
        });
        await RenameAsync(site, march.Id, slug + "-march");
        await RenameAsync(site, april.Id, slug + "-april");

        await AssertMovedAsync(site, $"/2024/03/01/{slug}/", $"/2024/03/01/{slug}-march/");
        await AssertMovedAsync(site, $"/2024/04/02/{slug}/", $"/2024/04/02/{slug}-april/");
    }

    [Fact]
    public async Task Post_SlugChangedWhileADraft_RecordsNothing()
    {
        var site = await fixture.GetAsync();
        var draft = await site.AddPostAsync(Unique.Name("Unpublished"), p => p.Status = PostStatus.Draft);
        await RenameAsync(site, draft.Id, draft.Slug + "-final");

        Assert.False(await site.DbAsync(db => db.PostMeta.AnyAsync(m => m.PostId == draft.Id && m.Key == OldSlugs.PostSlugKey)));
        using var old = await site.Client().GetAsync($"/2024/03/01/{draft.Slug}/");
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }

    [Fact]
    public async Task Post_ImportedOldSlugRow_RedirectsLikeOneWrittenHere()
    {
        var site = await fixture.GetAsync();
        var post = await site.AddPostAsync(Unique.Name("Imported story"));
        var imported = Slug.From(Unique.Name("the slug on wordpress"));
        await site.DbAsync(async db =>
        {
            db.PostMeta.Add(new PostMeta { PostId = post.Id, Key = OldSlugs.PostSlugKey, Value = imported });
            await db.SaveChangesAsync();
        });

        await AssertMovedAsync(site, $"/2024/03/01/{imported}/", $"/2024/03/01/{post.Slug}/");
    }

    [Fact]
    public async Task Page_SlugChanged_OldPathRedirects()
    {
        var site = await fixture.GetAsync();
        var page = await site.AddPostAsync(Unique.Name("Contact us"), p => p.Type = PostType.Page);
        await RenameAsync(site, page.Id, page.Slug + "-newsroom");

        await AssertMovedAsync(site, $"/{page.Slug}/", $"/{page.Slug}-newsroom/");
    }

    [Fact]
    public async Task CategoryAndTag_SlugChanged_OldArchivesRedirect()
    {
        var site = await fixture.GetAsync();
        var category = await site.AddTermAsync(Taxonomy.Category, Unique.Name("Local"));
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Roads"));
        await site.AddPostAsync(Unique.Name("Filed"), null, category, tag);
        await site.DbAsync(async db =>
        {
            foreach (var term in await db.Terms.Where(t => t.Id == category.Id || t.Id == tag.Id).ToListAsync())
            {
                term.Slug += "-news";
            }
            await db.SaveChangesAsync();
        });

        await AssertMovedAsync(site, $"/category/{category.Slug}/", $"/category/{category.Slug}-news/");
        await AssertMovedAsync(site, $"/tag/{tag.Slug}/", $"/tag/{tag.Slug}-news/");
        using var unknown = await site.Client().GetAsync($"/tag/{tag.Slug}-never/");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static Task RenameAsync(TestSite site, int postId, string slug) => site.DbAsync(async db =>
    {
        var post = await db.Posts.SingleAsync(p => p.Id == postId);
        post.Slug = slug;
        await db.SaveChangesAsync();
    });

    private static async Task AssertMovedAsync(TestSite site, string oldUrl, string newUrl)
    {
        using var response = await site.Client().GetAsync(oldUrl);
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(newUrl, response.Headers.Location?.OriginalString);
    }
}

public sealed class SqliteOldSlugsTests(SqliteSiteFixture fixture) : OldSlugsTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresOldSlugsTests(PostgresSiteFixture fixture) : OldSlugsTests(fixture), IClassFixture<PostgresSiteFixture>;
