using System.Text;
using Masthead.Features.Posts;

namespace Masthead.Features.Search;

/// <summary>
/// Search as a substring match on title and text in the database itself, case-insensitive in every script on both
/// databases: nothing to build or keep up to date, at the cost of a scan of the candidates.
/// </summary>
public sealed class DatabaseSearchIndex : ISearchIndex
{
    public IQueryable<Post> Matching(IQueryable<Post> candidates, string text)
    {
        // ToLower()/ToUpper() here are SQL's lower()/upper(), translated by EF. ASCII words can only match ASCII
        // letters, which SQLite's native lower() folds; other words need the Unicode upper() that DatabaseSetup
        // installs, which costs a copy of every body.
#pragma warning disable CA1304, CA1311, CA1862
        if (Ascii.IsValid(text))
        {
            var lowered = text.ToLowerInvariant();
            return candidates.Where(p => p.Title.ToLower().Contains(lowered) || (p.Password == "" && p.Content.ToLower().Contains(lowered)));
        }
        var uppered = text.ToUpperInvariant();
        return candidates.Where(p => p.Title.ToUpper().Contains(uppered) || (p.Password == "" && p.Content.ToUpper().Contains(uppered)));
#pragma warning restore CA1304, CA1311, CA1862
    }
}
