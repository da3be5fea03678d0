using Masthead.Features.Posts;

namespace Masthead.Features.Search;

/// <summary>
/// Finds the posts whose words match a reader's search. A boundary: today the database scans titles and text
/// (<see cref="DatabaseSearchIndex"/>); a full-text index can take its place without any caller changing.
/// </summary>
public interface ISearchIndex
{
    /// <summary>
    /// Narrows <paramref name="candidates"/> (the posts the reader may see, already chosen by type and status) to those
    /// matching <paramref name="text"/>. Ordering is the caller's. A password-protected post must never match on its
    /// hidden text: the hit alone would tell a reader what the text says.
    /// </summary>
    IQueryable<Post> Matching(IQueryable<Post> candidates, string text);
}
