using System.Globalization;
using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// Who has a post open in the editor, kept as WordPress keeps it (post meta <c>_edit_lock</c> = "unix time:user id").
/// The editor script takes the lock by POST as soon as the editor loads and renews it with every autosave (opening
/// the editor, a GET, only reads it); it lapses after <see cref="Lifetime"/> without renewal, so a closed tab never
/// blocks anyone for long.
/// </summary>
public static class PostLocks
{
    public const string MetaKey = "_edit_lock";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(150);

    /// <summary>Someone else who holds the post right now, or null when it is free or yours.</summary>
    public static async Task<string?> HolderAsync(AppDbContext db, int postId, int me, DateTime nowUtc)
    {
        var value = await db.PostMeta.Where(m => m.PostId == postId && m.Key == MetaKey).Select(m => m.Value).FirstOrDefaultAsync();
        if (value?.Split(':') is not [var time, var user]
            || !long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var holder)
            || holder == me
            || DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime + Lifetime < nowUtc)
        {
            return null;
        }
        return await db.Users.Where(u => u.Id == holder).Select(u => u.DisplayName).FirstOrDefaultAsync();
    }

    /// <summary>Marks the post as open by <paramref name="me"/> from now.</summary>
    public static async Task TakeAsync(AppDbContext db, int postId, int me, DateTime nowUtc)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"{new DateTimeOffset(nowUtc, TimeSpan.Zero).ToUnixTimeSeconds()}:{me}");
        // One statement that inserts or renews, so two editors opening a post at once cannot both add a lock row; and
        // outside SaveChanges, so renewing a lock every minute does not tell the reader caches that the site changed.
        await db.UpsertPostMetaAsync(postId, MetaKey, value);
    }
}
