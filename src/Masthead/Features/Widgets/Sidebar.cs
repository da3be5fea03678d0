using System.Globalization;
using Masthead.Data;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Themes;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Widgets;

/// <summary>
/// The primary sidebar's widgets (Search is markup only): Recent Posts, Recent Comments, Categories and Archives.
/// Built once per site change with the site snapshot (see <see cref="ReaderStateCache"/>); every page shares it.
/// </summary>
public static class Sidebar
{
    public const int RecentCount = 5;

    /// <summary>The widgets, from the posts <paramref name="posts"/> lets its viewer see (anyone's, as the sidebar is shared).</summary>
    public static async Task<SidebarTemplateModel> BuildAsync(AppDbContext db, ReaderPosts posts, SiteSnapshot site)
    {
        var recentPosts = await posts.Ordered(ReaderQuery.Latest).Take(RecentCount)
            .Select(p => new { p.Id, p.Title, p.Slug, p.PublishedAtUtc, p.AuthorId, TermIds = p.Terms.Select(t => t.TermId).ToList() })
            .ToListAsync();

        var recentComments = await (
                from c in db.Comments.AsNoTracking().Approved()
                // Comments on a password-protected post are as hidden as the post's text.
                join p in posts.Filter(ReaderQuery.PostsAndPages).Unprotected() on c.PostId equals p.Id
                orderby c.CreatedAtUtc descending, c.Id descending
                select new
                {
                    CommentId = c.Id,
                    c.AuthorName,
                    PostId = p.Id,
                    p.Type,
                    p.Title,
                    p.Slug,
                    p.PublishedAtUtc,
                    p.AuthorId,
                    TermIds = p.Terms.Select(t => t.TermId).ToList(),
                })
            .Take(RecentCount)
            .ToListAsync();

        // Months are counted in the site's time zone, which the database does not know; the dates are small to fetch.
        var dates = await posts.Filter(ReaderQuery.Latest).Select(p => p.PublishedAtUtc).ToListAsync();
        var archives = dates
            .Select(site.Settings.ToLocal)
            .GroupBy(d => (d.Year, d.Month))
            .OrderByDescending(g => g.Key)
            .Select(g => new MonthArchiveTemplateModel(
                new DateTime(g.Key.Year, g.Key.Month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture),
                SiteSnapshot.MonthUrl(g.Key.Year, g.Key.Month),
                g.Count()))
            .ToList();

        return new SidebarTemplateModel(
            [.. recentPosts.Select(p => new LinkTemplateModel(p.Title, site.UrlOf(PostType.Post, p.Id, p.Slug, p.PublishedAtUtc, p.AuthorId, p.TermIds)))],
            [.. recentComments.Select(c => new RecentCommentTemplateModel(
                c.AuthorName,
                c.Title,
                site.UrlOf(c.Type, c.PostId, c.Slug, c.PublishedAtUtc, c.AuthorId, c.TermIds) + $"#comment-{c.CommentId}"))],
            // The snapshot counted each category's posts as every reader sees them (PostQueries.Published).
            [.. site.Categories.Where(c => c.Count > 0).Select(c => new CategoryCountTemplateModel(c.Name, site.TermUrl(c), c.Count))],
            archives);
    }
}
