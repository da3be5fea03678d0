using Masthead.Features.Comments;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Comments;

/// <summary>A post's comment count is its approved comments, however many writers change them at once.</summary>
public abstract class CommentCountsTests
{
    protected abstract DatabaseKind Kind { get; }

    [Fact]
    public async Task ManyCommentersAtOnce_TheCountIsEveryApprovedComment()
    {
        await using var site = await TestSite.StartAsync(Kind);
        var post = await site.AddPostAsync(Unique.Name("Busy thread"));
        const int Writers = 8;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => site.DbAsync(db => CommentCounts.ChangeAsync(db, [post.Id], async () =>
        {
            db.Comments.Add(new Comment
            {
                PostId = post.Id,
                AuthorName = $"Reader {i}",
                Content = "Agreed.",
                CreatedAtUtc = new DateTime(2026, 11, 30, 12, 0, i, DateTimeKind.Utc),
                // Every other one is held, and must not be counted.
                Approval = i % 2 == 0 ? CommentApproval.Approved : CommentApproval.Pending,
            });
            return await db.SaveChangesAsync();
        }))));

        Assert.Equal(Writers / 2, await site.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.CommentCount).SingleAsync()));
        // Moderating through it counts again: approving a held one adds it.
        await site.DbAsync(db => CommentCounts.ChangeAsync(db, [post.Id], async () =>
        {
            var held = await db.Comments.FirstAsync(c => c.PostId == post.Id && c.Approval == CommentApproval.Pending);
            held.Approval = CommentApproval.Approved;
            return await db.SaveChangesAsync();
        }));
        Assert.Equal(Writers / 2 + 1, await site.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.CommentCount).SingleAsync()));
    }
}

public sealed class SqliteCommentCountsTests : CommentCountsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresCommentCountsTests : CommentCountsTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
