using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

public static partial class ManagePosts
{
    /// <summary>The first and last post of one UTC month that has posts.</summary>
    public sealed record MonthSpan(DateTime First, DateTime Last);

    /// <summary>
    /// Every UTC month that has posts of <paramref name="type"/> (not in the Trash), with its first and last post, in one
    /// statement that hops from month to month through the date index: two index seeks per month instead of a pass over
    /// every post, so 20,000 posts cost what 200 do. <paramref name="privateOnlyOf"/>: a viewer who may not read others'
    /// private posts sees only their own.
    /// </summary>
    private static IQueryable<MonthSpan> MonthSpans(AppDbContext db, string type, int? privateOnlyOf)
    {
        var restrict = privateOnlyOf is null ? 0 : 1;
        var me = privateOnlyOf ?? 0;
        return db.Database.IsNpgsql()
            ? db.Database.SqlQuery<MonthSpan>($"""
                WITH RECURSIVE months("First") AS (
                    SELECT (SELECT p."PublishedAtUtc" FROM "Posts" AS p
                            WHERE p."Type" = {type} AND p."Status" <> 'trash' AND ({restrict} = 0 OR p."Status" <> 'private' OR p."AuthorId" = {me})
                            ORDER BY p."PublishedAtUtc" LIMIT 1)
                    UNION ALL
                    SELECT (SELECT p."PublishedAtUtc" FROM "Posts" AS p
                            WHERE p."Type" = {type} AND p."Status" <> 'trash' AND ({restrict} = 0 OR p."Status" <> 'private' OR p."AuthorId" = {me})
                              AND p."PublishedAtUtc" >= (date_trunc('month', m."First" AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'
                            ORDER BY p."PublishedAtUtc" LIMIT 1)
                    FROM months AS m WHERE m."First" IS NOT NULL)
                SELECT m."First",
                    (SELECT p."PublishedAtUtc" FROM "Posts" AS p
                     WHERE p."Type" = {type} AND p."Status" <> 'trash' AND ({restrict} = 0 OR p."Status" <> 'private' OR p."AuthorId" = {me})
                       AND p."PublishedAtUtc" < (date_trunc('month', m."First" AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'
                     ORDER BY p."PublishedAtUtc" DESC LIMIT 1) AS "Last"
                FROM months AS m WHERE m."First" IS NOT NULL
                """)
            : db.Database.SqlQuery<MonthSpan>($"""
                WITH RECURSIVE months("First") AS (
                    SELECT (SELECT p."PublishedAtUtc" FROM "Posts" AS p
                            WHERE p."Type" = {type} AND p."Status" <> 'trash' AND ({restrict} = 0 OR p."Status" <> 'private' OR p."AuthorId" = {me})
                            ORDER BY p."PublishedAtUtc" LIMIT 1)
                    UNION ALL
                    SELECT (SELECT p."PublishedAtUtc" FROM "Posts" AS p
                            WHERE p."Type" = {type} AND p."Status" <> 'trash' AND ({restrict} = 0 OR p."Status" <> 'private' OR p."AuthorId" = {me})
                              AND p."PublishedAtUtc" >= strftime('%Y-%m-%d', m."First", 'start of month', '+1 month')
                            ORDER BY p."PublishedAtUtc" LIMIT 1)
                    FROM months AS m WHERE m."First" IS NOT NULL)
                SELECT m."First",
                    (SELECT p."PublishedAtUtc" FROM "Posts" AS p
                     WHERE p."Type" = {type} AND p."Status" <> 'trash' AND ({restrict} = 0 OR p."Status" <> 'private' OR p."AuthorId" = {me})
                       AND p."PublishedAtUtc" < strftime('%Y-%m-%d', m."First", 'start of month', '+1 month')
                     ORDER BY p."PublishedAtUtc" DESC LIMIT 1) AS "Last"
                FROM months AS m WHERE m."First" IS NOT NULL
                """);
    }
}
