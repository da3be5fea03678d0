using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Posts;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Comments;

/// <summary>How many comments are in each state, as one viewer may moderate them; <see cref="Mine"/> counts their own.</summary>
public sealed record CommentStateCount(CommentApproval State, int Count, int Mine);

/// <summary>
/// The comments counted by state, post author and commenting user, for the Comments screen's view links and the
/// menu's pending badge, which every admin screen shows: counted once and kept until a comment is added, moderated
/// or deleted, or posts change hands or go (taking their comments with them), so the badge follows every change at once.
/// </summary>
public sealed class CommentStateCountsCache(IChangeBus changes, TimeProvider clock) : IDisposable
{
    private readonly VersionedCache<CommentStateCounts> _cache = new(changes, clock, DependsOn);

    public static bool DependsOn(ChangeSet set) =>
        set.Any<CommentChanged>()
        || set.Any<PostChanged>(p => p.After is null || p.Before?.AuthorId != p.After.AuthorId)
        || set.Any<UserChanged>();

    public ValueTask<CommentStateCounts> GetAsync(AppDbContext db) =>
        _cache.GetAsync(async () => new CommentStateCounts(await db.Comments.AsNoTracking()
            .Join(db.Posts, c => c.PostId, p => p.Id, (c, p) => new { c.Approval, c.UserId, p.AuthorId })
            .GroupBy(c => new { c.Approval, c.UserId, c.AuthorId })
            .Select(g => new CommentStateCounts.Group(g.Key.Approval, g.Key.AuthorId, g.Key.UserId, g.Count()))
            .ToListAsync()));

    public void Dispose() => _cache.Dispose();
}

/// <summary>The comments by state, post author and commenter, as <see cref="CommentStateCountsCache"/> last counted them.</summary>
public sealed class CommentStateCounts(IReadOnlyList<CommentStateCounts.Group> groups)
{
    public sealed record Group(CommentApproval State, int PostAuthorId, int? UserId, int Count);

    /// <summary>The counts by state of the comments <paramref name="user"/> may moderate: all, or those on their own posts.</summary>
    public IReadOnlyList<CommentStateCount> For(ClaimsPrincipal user)
    {
        var me = PostPermissions.UserId(user) ?? 0;
        var all = CommentPermissions.CanModerateAll(user);
        var mayUse = CommentPermissions.CanUseScreen(user);
        return [.. Enum.GetValues<CommentApproval>().Select(state =>
        {
            var seen = groups.Where(g => g.State == state && mayUse && (all || g.PostAuthorId == me)).ToList();
            return new CommentStateCount(state, seen.Sum(g => g.Count), seen.Where(g => g.UserId == me).Sum(g => g.Count));
        })];
    }

    /// <summary>The comments awaiting the user's moderation: the menu's badge.</summary>
    public int PendingFor(ClaimsPrincipal user) => For(user).Single(c => c.State == CommentApproval.Pending).Count;
}
