using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Masthead.Features.Comments;
using Masthead.Features.Setup;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Setup;

/// <summary>The <c>generate</c> command's threaded post, which bench/comments-read.sh measures.</summary>
public abstract partial class DemoContentTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task Generate_ThreadComments_OnePostWithThatManyApprovedCommentsInThreadsFiveDeep()
    {
        await using var site = await TestSite.StartAsync(Kind);

        var summary = await DemoContent.GenerateAsync(site.Services,
            new DemoContentOptions(Posts: 2, Categories: 1, Tags: 0, Authors: 1, Comments: 0, ThreadComments: 12), _ => { });

        var match = OnPost().Match(summary);
        Assert.True(match.Success, summary);
        var postId = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var (count, stored) = await site.DbAsync(async db => (
            await db.Posts.Where(p => p.Id == postId).Select(p => p.CommentCount).SingleAsync(),
            await db.Comments.Where(c => c.PostId == postId).ToListAsync()));
        Assert.Equal(12, count);
        Assert.Equal(12, stored.Count);
        Assert.All(stored, c => Assert.Equal(CommentApproval.Approved, c.Approval));

        // What a reader sees: the /?p= address the summary prints leads to the post, which shows every comment nested.
        using var redirect = await site.Client().GetAsync($"/?p={postId}");
        Assert.Equal(System.Net.HttpStatusCode.MovedPermanently, redirect.StatusCode);
        var page = await site.PageAsync(redirect.Headers.Location!.ToString());
        Assert.Contains("Readers debate the harbor plan", page.QuerySelector("h1")?.TextContent, StringComparison.Ordinal);
        var shown = page.QuerySelectorAll("li[id^='comment-']").ToList();
        Assert.Equal(12, shown.Count);
        Assert.Contains(shown, li => li.TextContent.Contains("Bench comment 1.", StringComparison.Ordinal));
        static int Depth(IElement li) => li.Ancestors<IElement>().Count(a => a.LocalName == "li" && a.Id?.StartsWith("comment-", StringComparison.Ordinal) == true) + 1;
        // Three threads (5, 5 and 2 comments): a chain five deep, a fan of four replies, and a branch started.
        Assert.Equal([1, 2, 3, 4, 5, 1, 2, 2, 2, 2, 1, 2], shown.Select(Depth));
    }

    [GeneratedRegex(@"threaded comments on post (\d+) \(/\?p=\1\)")]
    private static partial Regex OnPost();
}

public sealed class SqliteDemoContentTests : DemoContentTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresDemoContentTests : DemoContentTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
