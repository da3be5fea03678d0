using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>
/// Keeps each post's <c>CommentCount</c> (what lists, the post page and the REST API show) equal to its approved
/// comments. Every write that adds, removes or moderates comments goes through <see cref="ChangeAsync{T}"/>, whoever
/// makes it: a reader's new comment, a moderator's bulk action, the import.
/// </summary>
public static class CommentCounts
{
    /// <summary>
    /// Runs <paramref name="work"/> (which saves its comment changes) in one transaction with the posts' rows held,
    /// then counts those posts' approved comments again. Holding the rows first matters on PostgreSQL: two commenters
    /// on one post would otherwise each count without the other's comment and the last count would be one short.
    /// SQLite transactions take the write lock when they begin, so there the order is already one at a time.
    /// </summary>
    public static async Task<T> ChangeAsync<T>(AppDbContext db, IReadOnlyCollection<int> postIds, Func<Task<T>> work)
    {
        var ids = postIds.Distinct().Order().ToArray();
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
        if (ids.Length > 0 && db.Database.IsNpgsql())
        {
            // Ordered by id, so two writers holding overlapping posts cannot deadlock.
            await db.Database.ExecuteSqlAsync($"""SELECT "Id" FROM "Posts" WHERE "Id" = ANY({ids}) ORDER BY "Id" FOR UPDATE""");
        }
        var result = await work();
        await RecountAsync(db, ids);
        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }
        return result;
    }

    /// <summary>Sets each post's count to its approved comments as the database holds them now.</summary>
    public static Task RecountAsync(AppDbContext db, IReadOnlyCollection<int> postIds) => postIds.Count == 0 ? Task.CompletedTask
        : db.Posts.Where(p => postIds.Contains(p.Id)).ExecuteUpdateAsync(set => set.SetProperty(p => p.CommentCount,
            p => db.Comments.Count(c => c.PostId == p.Id && c.Approval == CommentApproval.Approved)));
}
