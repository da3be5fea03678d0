using System.Globalization;
using System.Net;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Taxonomies;

public abstract class ManageTermsTests
{
    protected abstract DatabaseKind Kind { get; }

    private static async Task<HttpClient> AdminAsync(TestSite site)
    {
        var client = site.Client();
        (await TestSite.LogInAsync(client, "admin", TestSite.AdminPassword)).Dispose();
        return client;
    }

    [Fact]
    public async Task AddCategory_SameNameFiveTimesAtOnce_OneIsAddedTheOthersAreToldWhy()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var editor = await newsroom.SignInAsync("editor");
        var name = Unique.Name("Harbour");
        var fields = BrowserForm.Fields(TestSite.Parse(await editor.GetStringAsync("/admin/categories")), "/admin/categories");
        fields.Remove("term_id");
        fields["name"] = name;
        fields["slug"] = "";

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            using var response = await editor.PostAsync("/admin/categories", new FormUrlEncodedContent(fields));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })));

        Assert.Equal(1, await site.DbAsync(db => db.Terms.CountAsync(t => t.Name == name)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Redirect), a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            Assert.Contains("another term already uses it", a.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AddCategory_WithParent_ShowsInTheSidebarTree()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        var parent = await site.AddTermAsync(Taxonomy.Category, "Sports");

        using var saved = await BrowserForm.SubmitAsync(admin, "/admin/categories", "/admin/categories", f =>
        {
            f.Remove("term_id");
            f["name"] = "Rowing";
            f["slug"] = "";
            f["parent"] = parent.Id.ToString(CultureInfo.InvariantCulture);
        });

        Assert.Equal("/admin/categories?done=saved", saved.Headers.Location?.OriginalString);
        var rowing = await site.DbAsync(db => db.Terms.SingleAsync(t => t.Slug == "rowing"));
        Assert.Equal(parent.Id, rowing.ParentId);
        await site.AddPostAsync(Unique.Name("Regatta"), null, rowing);
        var archive = await site.PageAsync("/category/sports/rowing/");
        Assert.Equal("Category: Rowing", archive.QuerySelector("h1.archive-title")?.TextContent);
    }

    [Fact]
    public async Task EditCategory_UnderItsOwnChild_IsRefused()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        var parent = await site.AddTermAsync(Taxonomy.Category, "World");
        var child = await site.AddTermAsync(Taxonomy.Category, "Europe", parent.Id);

        using var response = await BrowserForm.SubmitAsync(admin, "/admin/categories", "/admin/categories", f =>
        {
            f["term_id"] = parent.Id.ToString(CultureInfo.InvariantCulture);
            f["name"] = "World";
            f["slug"] = "world";
            f["parent"] = child.Id.ToString(CultureInfo.InvariantCulture);
        });

        Assert.Contains("Parent: choose another category.", await response.Content.ReadAsStringAsync());
        Assert.Null(await site.DbAsync(db => db.Terms.Where(t => t.Id == parent.Id).Select(t => t.ParentId).SingleAsync()));
    }

    [Fact]
    public async Task DeleteCategory_PostsWithNoOtherCategory_MoveToTheDefault()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        var doomed = await site.AddTermAsync(Taxonomy.Category, "Doomed");
        var kept = await site.AddTermAsync(Taxonomy.Category, "Kept");
        var alone = await site.AddPostAsync(Unique.Name("Alone"), null, doomed);
        var shared = await site.AddPostAsync(Unique.Name("Shared"), null, doomed, kept);

        using var deleted = await BrowserForm.SubmitAsync(admin, "/admin/categories", $"/admin/categories/{doomed.Id}/delete", _ => { });

        Assert.Equal("/admin/categories?done=deleted", deleted.Headers.Location?.OriginalString);
        var uncategorized = await site.DbAsync(db => db.Terms.Where(t => t.Slug == "uncategorized").Select(t => t.Id).SingleAsync());
        Assert.Equal([uncategorized], await site.DbAsync(db => db.PostTerms.Where(pt => pt.PostId == alone.Id).Select(pt => pt.TermId).ToListAsync()));
        Assert.Equal([kept.Id], await site.DbAsync(db => db.PostTerms.Where(pt => pt.PostId == shared.Id).Select(pt => pt.TermId).ToListAsync()));
        // The list offers no Delete for the default category, and a direct request for it is refused.
        var list = TestSite.Parse(await admin.GetStringAsync("/admin/categories"));
        Assert.Null(list.QuerySelector($"form[action='/admin/categories/{uncategorized}/delete']"));
        var token = BrowserForm.Fields(list, "/admin/categories").Where(f => f.Key.StartsWith("__", StringComparison.Ordinal));
        using var defaultDelete = await admin.PostAsync($"/admin/categories/{uncategorized}/delete", new FormUrlEncodedContent(token));
        Assert.Equal(HttpStatusCode.BadRequest, defaultDelete.StatusCode);
    }

    [Fact]
    public async Task TagList_ManyTags_PagesTwentyAtATimeAndSearches()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        for (var i = 1; i <= 25; i++)
        {
            await site.AddTermAsync(Taxonomy.PostTag, $"Topic {i:00}");
        }

        var first = TestSite.Parse(await admin.GetStringAsync("/admin/tags"));
        var second = TestSite.Parse(await admin.GetStringAsync("/admin/tags?paged=2"));
        var found = TestSite.Parse(await admin.GetStringAsync("/admin/tags?s=topic%2007"));

        Assert.Equal(20, first.QuerySelectorAll("tbody tr").Length);
        Assert.Equal("25 tags", first.QuerySelector(".pager-total")?.TextContent);
        Assert.Equal(5, second.QuerySelectorAll("tbody tr").Length);
        Assert.Equal(["Topic 07"], found.QuerySelectorAll("tbody tr strong a").Select(a => a.TextContent.Trim()));
    }

    [Fact]
    public async Task TagList_SortsByEachColumnEitherWay_AndBulkDeleteRemovesTheTickedOnes()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        var apple = await site.AddTermAsync(Taxonomy.PostTag, "Apple");
        var berry = await site.AddTermAsync(Taxonomy.PostTag, "Berry");
        var cherry = await site.AddTermAsync(Taxonomy.PostTag, "Cherry");
        foreach (var (term, slug) in new[] { (apple, "zz-apple"), (berry, "aa-berry"), (cherry, "mm-cherry") })
        {
            await site.DbAsync(db => db.Terms.Where(t => t.Id == term.Id).ExecuteUpdateAsync(set => set.SetProperty(t => t.Slug, slug)));
        }
        await site.AddPostAsync(Unique.Name("One"), null, cherry);
        await site.AddPostAsync(Unique.Name("Two"), null, cherry, berry);

        async Task<List<string>> NamesAsync(string url) =>
            [.. TestSite.Parse(await admin.GetStringAsync(url)).QuerySelectorAll("tbody tr strong a").Select(a => a.TextContent.Trim())];

        Assert.Equal(["Apple", "Berry", "Cherry"], await NamesAsync("/admin/tags"));
        Assert.Equal(["Cherry", "Berry", "Apple"], await NamesAsync("/admin/tags?orderby=name&order=desc"));
        Assert.Equal(["Berry", "Cherry", "Apple"], await NamesAsync("/admin/tags?orderby=slug&order=asc"));
        Assert.Equal(["Cherry", "Berry", "Apple"], await NamesAsync("/admin/tags?orderby=count&order=desc"));
        var byCount = TestSite.Parse(await admin.GetStringAsync("/admin/tags?orderby=count&order=desc"));
        Assert.Equal("descending", byCount.QuerySelector("th[aria-sort]")?.GetAttribute("aria-sort"));
        Assert.Equal("/admin/tags?orderby=count&order=asc", byCount.QuerySelector("th[aria-sort] a")?.GetAttribute("href"));

        var list = TestSite.Parse(await admin.GetStringAsync("/admin/tags"));
        Assert.Equal(2, list.QuerySelectorAll("select[name^=bulk_action] option[value=delete]").Length);
        var fields = BrowserForm.Fields(list, "/admin/tags/bulk").ToList();
        fields.Add(new("bulk_action2", "delete"));
        fields.Add(new("apply", "bottom"));
        fields.Add(new("delete_tags[]", apple.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        fields.Add(new("delete_tags[]", cherry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var deleted = await admin.PostAsync("/admin/tags/bulk", new FormUrlEncodedContent(fields));

        Assert.Equal("/admin/tags?done=deleted&count=2", deleted.Headers.Location?.OriginalString);
        Assert.Equal(["Berry"], await NamesAsync("/admin/tags"));
        Assert.Equal("2 tags deleted.", TestSite.Parse(await admin.GetStringAsync("/admin/tags?done=deleted&count=2")).QuerySelector(".notice")?.TextContent.Trim());
        using var forged = await admin.PostAsync("/admin/tags/bulk", new FormUrlEncodedContent(new Dictionary<string, string> { ["bulk_action"] = "delete", ["delete_tags[]"] = berry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(["Berry"], await NamesAsync("/admin/tags"));
    }

    [Fact]
    public async Task EditCategory_RefusedChange_ComesBackWithWhatWasTyped()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var admin = await AdminAsync(site);
        var term = await site.AddTermAsync(Taxonomy.Category, "Weather");

        using var refused = await BrowserForm.SubmitAsync(admin, $"/admin/categories/{term.Id}/edit", "/admin/categories", f =>
        {
            f["name"] = "Weather and climate";
            f["slug"] = "!!!";
        });
        var page = TestSite.Parse(await refused.Content.ReadAsStringAsync());

        Assert.Contains("Slug: use at least one letter or digit.", page.QuerySelector("[role=alert]")?.TextContent);
        Assert.Equal("Weather and climate", page.QuerySelector("#term-name")?.GetAttribute("value"));
        Assert.Equal(term.Id.ToString(CultureInfo.InvariantCulture), page.QuerySelector("input[name=term_id]")?.GetAttribute("value"));
        Assert.Equal("Weather", await site.DbAsync(db => db.Terms.Where(t => t.Id == term.Id).Select(t => t.Name).SingleAsync()));
    }

    [Fact]
    public async Task Terms_AuthorRole_IsNotLetIn()
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.DbAsync(db => db.Users.ExecuteUpdateAsync(u => u.SetProperty(x => x.Role, "author")));
        var author = await AdminAsync(site);

        using var categories = await author.GetAsync("/admin/categories");
        using var tags = await author.GetAsync("/admin/tags");

        Assert.Equal(HttpStatusCode.Redirect, categories.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, tags.StatusCode);
    }
}

public sealed class SqliteManageTermsTests : ManageTermsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresManageTermsTests : ManageTermsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
