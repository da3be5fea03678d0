using Masthead.Features.Permalinks;

namespace Masthead.Tests.Features.Permalinks;

public sealed class PermalinkStructureTests
{
    private static readonly PermalinkPost Post = new(42, "ferry-returns", new DateTime(2025, 3, 1, 9, 5, 0), "news/local", "linh");

    [Theory]
    [InlineData("/%year%/%monthnum%/%day%/%postname%/", "/2025/03/01/ferry-returns/")]
    [InlineData("/%postname%/", "/ferry-returns/")]
    [InlineData("/%category%/%postname%/", "/news/local/ferry-returns/")]
    [InlineData("/archives/%post_id%", "/archives/42")]
    [InlineData("/%author%/%year%/%postname%.html", "/linh/2025/ferry-returns.html")]
    public void PathFor_BuildsThePathAndMatchRecognisesIt(string structure, string expected)
    {
        var permalinks = new PermalinkStructure(structure);

        var path = permalinks.PathFor(Post);
        var tokens = permalinks.Match(path);

        Assert.Equal(expected, path);
        Assert.NotNull(tokens);
        Assert.True(PermalinkStructure.Agrees(tokens, Post));
    }

    [Fact]
    public void Agrees_WrongDate_IsFalse()
    {
        var permalinks = new PermalinkStructure("/%year%/%monthnum%/%day%/%postname%/");

        var tokens = permalinks.Match("/2025/03/02/ferry-returns/");

        Assert.NotNull(tokens);
        Assert.False(PermalinkStructure.Agrees(tokens, Post));
    }

    [Fact]
    public void Match_OtherShapes_IsNull()
    {
        var permalinks = new PermalinkStructure("/%year%/%monthnum%/%day%/%postname%/");

        Assert.Null(permalinks.Match("/2025/03/ferry-returns/"));
        Assert.Null(permalinks.Match("/ferry-returns/"));
    }

    [Theory]
    [InlineData("/%year%/%unknown%/")]
    [InlineData("/%year%/%monthnum%/")]
    public void Constructor_UnusableStructure_Throws(string structure) =>
        Assert.Throws<FormatException>(() => new PermalinkStructure(structure));

    [Fact]
    public void PathFor_NonLatinSlug_IsPercentEncoded()
    {
        var permalinks = new PermalinkStructure("/%postname%/");

        Assert.Equal("/%D0%BC%D0%B8%D1%80/", permalinks.PathFor(Post with { Slug = "мир" }));
    }
}

public sealed class SlugTests
{
    [Theory]
    [InlineData("Hello world!", "hello-world")]
    [InlineData("  Café au lait: the town's new bar  ", "cafe-au-lait-the-towns-new-bar")]
    [InlineData("Новости гавани", "новости-гавани")]
    [InlineData("東京の天気", "東京の天気")]
    [InlineData("A -- B", "a-b")]
    public void From_Title_GivesALowercaseUrlSafeSlug(string title, string expected) =>
        Assert.Equal(expected, Slug.From(title));

    [Fact]
    public async Task UniqueAsync_TakenSlugs_GetANumber()
    {
        var taken = new HashSet<string> { "news", "news-2" };

        var slug = await Slug.UniqueAsync("news", Slug.MaxLength, prefix => Task.FromResult(taken.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).ToList()));

        Assert.Equal("news-3", slug);
    }

    [Fact]
    public void Unique_FullLengthSlugTaken_CutsTheBaseToLeaveRoomForTheSuffix()
    {
        var full = new string('a', Slug.MaxLength);
        var taken = new HashSet<string> { full, full[..198] + "-2" };

        var slug = Slug.Unique(full, Slug.MaxLength, taken.Contains);

        Assert.Equal(full[..198] + "-3", slug);
        Assert.Equal(Slug.MaxLength, slug.Length);
    }

    [Fact]
    public async Task UniqueAsync_AsksForTakenSlugsOnce_WhateverHowManyAreTaken()
    {
        var taken = Enumerable.Range(2, 500).Select(n => $"news-{n}").Append("news").ToHashSet();
        var queries = 0;

        var slug = await Slug.UniqueAsync("news", Slug.MaxLength, prefix =>
        {
            queries++;
            return Task.FromResult(taken.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).ToList());
        });

        Assert.Equal("news-502", slug);
        Assert.Equal(1, queries);
    }
}
