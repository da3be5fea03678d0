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
        using var defaultDelete = await BrowserForm.SubmitAsync(admin, "/admin/categories", $"/admin/categories/{uncategorized}/delete", _ => { });
        Assert.Equal(HttpStatusCode.BadRequest, defaultDelete.StatusCode);
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
