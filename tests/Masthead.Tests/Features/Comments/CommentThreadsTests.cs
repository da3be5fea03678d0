using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Comments;

/// <summary>The Discussion setting "threaded comments N levels deep" decides how replies nest on a post's page.</summary>
public abstract class CommentThreadsTests
{
    protected abstract DatabaseKind Kind { get; }

    [Theory]
    [InlineData("2", "1", 2)]
    [InlineData("3", "1", 3)]
    [InlineData("5", "0", 1)]
    public async Task Thread_ChainOfFiveReplies_NestsNoDeeperThanTheSetting(string depth, string threaded, int levels)
    {
        await using var site = await TestSite.StartAsync(Kind);
        await site.SetOptionAsync(DiscussionSettings.Names.ThreadComments, threaded);
        await site.SetOptionAsync(DiscussionSettings.Names.ThreadCommentsDepth, depth);
        var post = await site.AddPostAsync(Unique.Name("Debate"));
        int? parent = null;
        foreach (var name in new[] { "Ana", "Ben", "Cleo", "Dev", "Eli" })
        {
            parent = (await site.AddCommentAsync(post, name, $"{name} replies.", parent)).Id;
        }

        var page = await site.PageAsync($"/2024/03/01/{post.Slug}/");

        var comments = page.QuerySelectorAll("#comments .comment");
        Assert.Equal(5, comments.Length);
        static int Level(AngleSharp.Dom.IElement comment)
        {
            var level = 1;
            for (var up = comment.ParentElement; up is not null; up = up.ParentElement)
            {
                level += up.ClassList.Contains("comment") ? 1 : 0;
            }
            return level;
        }
        var deepest = comments.Max(Level);
        Assert.Equal(levels, deepest);
        // Nobody's reply is lost at the deepest level: all five are on the page, oldest first.
        Assert.Equal(["Ana", "Ben", "Cleo", "Dev", "Eli"], comments.Select(c => c.QuerySelector(".comment-author")!.TextContent.Split(' ')[0]));
    }
}

public sealed class SqliteCommentThreadsTests : CommentThreadsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresCommentThreadsTests : CommentThreadsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
