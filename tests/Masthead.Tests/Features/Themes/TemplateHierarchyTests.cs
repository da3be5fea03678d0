using Masthead.Features.Themes;

namespace Masthead.Tests.Features.Themes;

public sealed class TemplateHierarchyTests
{
    [Fact]
    public void SinglePost_GoesFromTypeAndSlugToIndex() =>
        Assert.Equal(["single-post-hello", "single-post", "single", "singular", "index"], TemplateHierarchy.SinglePost("post", "hello"));

    [Fact]
    public void Page_GoesFromSlugAndIdToIndex() =>
        Assert.Equal(["page-about", "page-7", "page", "singular", "index"], TemplateHierarchy.Page("about", 7));

    [Fact]
    public void Category_FallsBackThroughArchive() =>
        Assert.Equal(["category-news", "category-3", "category", "archive", "index"], TemplateHierarchy.Category("news", 3));

    [Fact]
    public void TagAndAuthor_FollowTheSameShape()
    {
        Assert.Equal(["tag-ferry", "tag-9", "tag", "archive", "index"], TemplateHierarchy.Tag("ferry", 9));
        Assert.Equal(["author-linh", "author-2", "author", "archive", "index"], TemplateHierarchy.Author("linh", 2));
    }

    [Fact]
    public void DateSearchNotFoundAndHome_EndAtIndex()
    {
        Assert.Equal(["date", "archive", "index"], TemplateHierarchy.Date());
        Assert.Equal(["search", "index"], TemplateHierarchy.Search());
        Assert.Equal(["404", "index"], TemplateHierarchy.NotFound());
        Assert.Equal(["front-page", "home", "index"], TemplateHierarchy.Home());
    }
}
