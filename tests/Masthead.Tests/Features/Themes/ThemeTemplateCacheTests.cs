using System.Net;
using Masthead.Features.Themes;
using Masthead.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Themes;

/// <summary>Template names partly come from requests; only the theme's own files may ever be cached.</summary>
public abstract class ThemeTemplateCacheTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task TemplateCache_ThousandsOfMadeUpNames_StaysWithinTheThemesFiles()
    {
        var newsroom = await Newsroom.StartAsync(Kind);
        await using var site = newsroom.Site;
        var author = await newsroom.SignInAsync("author-a");
        var theme = site.Services.GetRequiredService<ThemeCatalog>().Get("masthead");
        var liquidFiles = theme.Folders.Sum(folder => Directory.EnumerateFiles(folder, "*.liquid", SearchOption.AllDirectories).Count());
        var form = BrowserForm.Fields(TestSite.Parse(await author.GetStringAsync("/admin/posts/new")), "/admin/posts/new");

        // Previews put the form's slug into single-post-{slug}, the first name the hierarchy asks for.
        for (var i = 0; i < 100; i++)
        {
            form["post_title"] = "Preview";
            form["post_name"] = $"made-up-{Guid.NewGuid():N}";
            using var preview = await author.PostAsync("/admin/posts/preview", new FormUrlEncodedContent(form));
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        }
        for (var i = 0; i < 5_000; i++)
        {
            Assert.Null(theme.GetTemplate("templates", $"single-post-made-up-{i}"));
        }

        Assert.NotNull(theme.GetTemplate("templates", "single"));
        Assert.InRange(theme.CachedTemplateCount, 1, liquidFiles);
    }
}

public sealed class SqliteThemeTemplateCacheTests : ThemeTemplateCacheTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresThemeTemplateCacheTests : ThemeTemplateCacheTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
