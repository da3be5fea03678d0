using System.Globalization;
using System.Net;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Taxonomies;

/// <summary>One save is bounded work: tags are capped, found through an index and given slugs with one query each.</summary>
public abstract class TermNamesTests
{
    protected abstract DatabaseKind Kind { get; }

    private static Task<HttpResponseMessage> SaveDraftAsync(HttpClient client, string title, string tags) =>
        BrowserForm.SubmitAsync(client, "/admin/posts/new", "/admin/posts/new", f =>
        {
            f["action"] = "draft";
            f["post_title"] = title;
            f["content"] = "<p>Text.</p>";
            f["tax_input[post_tag]"] = tags;
        });

    [Fact]
    public async Task Save_ThousandsOfTags_IsRefusedWithTheLimitAndTheTextKept()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var contributor = await newsroom.SignInAsync("contributor");
        var title = Unique.Name("Tag flood");

        using var response = await SaveDraftAsync(contributor, title,
            string.Join(", ", Enumerable.Range(0, 1500).Select(n => string.Create(CultureInfo.InvariantCulture, $"tag{new string('!', n % 7)} {n}"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = TestSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains($"up to {TermNames.MaxTagsPerPost} tags", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(title, page.QuerySelector("#title")?.GetAttribute("value") ?? page.QuerySelector("input[name=post_title]")!.GetAttribute("value"));
        Assert.False(await site.DbAsync(db => db.Terms.AnyAsync(t => t.Name.StartsWith("tag"))));
    }

    [Fact]
    public async Task Save_ManyNewTagsMakingOneSlug_QueriesGrowLinearlyNotWithEachCandidate()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        // Different names, one slug: "report", "report!", "report!!" … each needs the next free "report-N".
        var names = Enumerable.Range(0, TermNames.MaxTagsPerPost).Select(n => "Report" + new string('!', n)).ToList();
        var fields = BrowserForm.Fields(TestSite.Parse(await editor.GetStringAsync("/admin/posts/new")), "/admin/posts/new");
        fields["action"] = "draft";
        fields["post_title"] = Unique.Name("Slug pile-up");
        fields["tax_input[post_tag]"] = string.Join(", ", names);

        var before = site.Queries.Count;
        using var saved = await editor.PostAsync("/admin/posts/new", new FormUrlEncodedContent(fields));
        var queries = site.Queries.Count - before;

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var slugs = await site.DbAsync(db => db.Terms.Where(t => t.Taxonomy == Taxonomy.PostTag && t.Slug.StartsWith("report")).Select(t => t.Slug).ToListAsync());
        Assert.Equal(names.Count, slugs.Distinct().Count());
        Assert.Contains("report-50", slugs);
        // Trying each candidate slug in turn would take 1 + 2 + … + 50 = 1,275 lookups; the work stays a few commands
        // per tag (its slug query, its insert, its link to the post).
        Assert.True(queries < 4 * names.Count, $"one save ran {queries} queries");
    }

    [Fact]
    public async Task Save_ExistingTagInAnotherCase_IsReusedNotDuplicated()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("Élections"));

        using var saved = await SaveDraftAsync(editor, Unique.Name("Case"), tag.Name.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var key = Term.Normalize(tag.Name);
        Assert.Equal(1, await site.DbAsync(db => db.Terms.CountAsync(t => t.NormalizedName == key)));
    }

    [Fact]
    public async Task Upgrade_TermsSavedBeforeLookupNames_GetThemFoldedAsTheApplicationFolds()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var tag = await site.AddTermAsync(Taxonomy.PostTag, Unique.Name("élections"));
        // As a term saved by the version before lookup names is left by the migration.
        await site.DbAsync(db => db.Terms.Where(t => t.Id == tag.Id).ExecuteUpdateAsync(set => set.SetProperty(t => t.NormalizedName, "")));

        await using var upgraded = site.StartAnotherNode();

        var key = await upgraded.DbAsync(db => db.Terms.Where(t => t.Id == tag.Id).Select(t => t.NormalizedName).SingleAsync());
        Assert.Equal(tag.Name.ToUpperInvariant(), key);
        Assert.StartsWith("ÉLECTIONS", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_TitleMakingAFullLengthSlug_CanBeSavedTwice()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var title = string.Concat(Enumerable.Repeat("Harbour ", 40));

        using var first = await SaveDraftAsync(editor, title, "");
        using var second = await SaveDraftAsync(editor, title, "");

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var slugs = await site.DbAsync(db => db.Posts.Where(p => p.Type == PostType.Post && p.Slug.StartsWith("harbour")).Select(p => p.Slug).ToListAsync());
        Assert.Equal(2, slugs.Distinct().Count());
        Assert.All(slugs, slug => Assert.True(slug.Length <= Slug.MaxLength, $"{slug.Length} characters"));
    }
}

public sealed class SqliteTermNamesTests : TermNamesTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresTermNamesTests : TermNamesTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
