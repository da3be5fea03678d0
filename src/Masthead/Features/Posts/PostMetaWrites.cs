using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

public static class PostMetaWrites
{
    /// <summary>
    /// Sets a single-valued meta key (one of <see cref="PostMeta.SingleValuedKeys"/>) in one statement that inserts or
    /// updates, the same SQL on SQLite and PostgreSQL (both infer the filtered unique index from the WHERE). With
    /// <paramref name="expected"/>, an existing row is changed only if it still holds that value (compare-and-set);
    /// the answer is the number of rows written, 0 when the compare failed.
    /// </summary>
    public static Task<int> UpsertPostMetaAsync(this AppDbContext db, int postId, string key, string value, string? expected = null)
    {
        if (!PostMeta.SingleValuedKeys.Contains(key))
        {
            throw new ArgumentException($"{key} may hold several values; only single-valued keys are upserted.", nameof(key));
        }
#pragma warning disable EF1002 // The filter is our own constant list of keys; every value is a parameter.
        return db.Database.ExecuteSqlRawAsync(
            $$"""
            INSERT INTO "PostMeta" ("PostId", "Key", "Value") VALUES ({0}, {1}, {2})
            ON CONFLICT ("PostId", "Key") WHERE {{PostMeta.SingleValuedFilter}} DO UPDATE SET "Value" = excluded."Value"
            {{(expected is null ? "" : "WHERE \"PostMeta\".\"Value\" = {3}")}}
            """,
            postId, key, value, expected ?? "");
#pragma warning restore EF1002
    }

    /// <summary>Sets one post meta value, or removes it when <paramref name="value"/> is null (saved with the caller's SaveChanges).</summary>
    public static async Task SetPostMetaAsync(this AppDbContext db, int postId, string key, string? value)
    {
        var meta = await db.PostMeta.FirstOrDefaultAsync(m => m.PostId == postId && m.Key == key);
        if (value is null)
        {
            if (meta is not null)
            {
                db.PostMeta.Remove(meta);
            }
            return;
        }
        if (meta is null)
        {
            db.PostMeta.Add(new PostMeta { PostId = postId, Key = key, Value = value });
        }
        else
        {
            meta.Value = value;
        }
    }
}
