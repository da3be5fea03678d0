using Masthead.Data;
using Masthead.Features.Permalinks;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

public static class PostSlugs
{
    /// <summary>A slug no other post of <paramref name="type"/> uses, found with one query (see <see cref="Slug.UniqueAsync"/>).</summary>
    public static Task<string> FreePostSlugAsync(this AppDbContext db, PostType type, string wanted, int exceptId) =>
        Slug.UniqueAsync(wanted, Slug.MaxLength, prefix => db.Posts
            .Where(p => p.Type == type && p.Id != exceptId && p.Slug.StartsWith(prefix))
            .Select(p => p.Slug).ToListAsync());
}
