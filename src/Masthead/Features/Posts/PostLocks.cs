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
    public static async Task<string?> HolderAsync(AppDbContext db, int postId, int me, DateTime nowUtc) =>
        await OtherHolderAsync(db, Holder(await ValueAsync(db, postId), me, nowUtc));

    /// <summary>Marks the post as open by <paramref name="me"/> from now, whoever had it (taking over).</summary>
    public static async Task TakeAsync(AppDbContext db, int postId, int me, DateTime nowUtc) =>
        // One statement that inserts or renews, so two editors opening a post at once cannot both add a lock row; and
        // outside SaveChanges, so renewing a lock every minute does not tell the reader caches that the site changed.
        await db.UpsertPostMetaAsync(postId, MetaKey, ValueOf(me, nowUtc));

    /// <summary>
    /// Takes the post for <paramref name="me"/> unless someone else holds it, as one step: the lock is written only
    /// if it still holds what was read (a compare-and-set), so of two editors opening a free post at the same moment
    /// one gets it and the other is told who has it. Returns that other person's name, or null when taken.
    /// </summary>
    public static async Task<string?> TryTakeAsync(AppDbContext db, int postId, int me, DateTime nowUtc)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var seen = await ValueAsync(db, postId);
            if (Holder(seen, me, nowUtc) is { } other)
            {
                return await OtherHolderAsync(db, other);
            }
            if (await db.UpsertPostMetaAsync(postId, MetaKey, ValueOf(me, nowUtc), expected: seen ?? "") == 1)
            {
                return null;
            }
        }
        return await HolderAsync(db, postId, me, nowUtc) ?? "Someone else";
    }

    private static Task<string?> ValueAsync(AppDbContext db, int postId) =>
        db.PostMeta.Where(m => m.PostId == postId && m.Key == MetaKey).Select(m => m.Value).FirstOrDefaultAsync();

    private static string ValueOf(int me, DateTime nowUtc) =>
        string.Create(CultureInfo.InvariantCulture, $"{new DateTimeOffset(nowUtc, TimeSpan.Zero).ToUnixTimeSeconds()}:{me}");

    /// <summary>The id of someone other than <paramref name="me"/> whose lock is still fresh, from the stored value.</summary>
    private static int? Holder(string? value, int me, DateTime nowUtc) =>
        value?.Split(':') is [var time, var user]
            && long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var holder)
            && holder != me
            && DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime + Lifetime >= nowUtc
            ? holder
            : null;

    private static async Task<string?> OtherHolderAsync(AppDbContext db, int? holder) => holder is { } id
        ? await db.Users.Where(u => u.Id == id).Select(u => u.DisplayName).FirstOrDefaultAsync() ?? "Someone else"
        : null;
}
