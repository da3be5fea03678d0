using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

public static class UserMetaWrites
{
    /// <summary>
    /// Sets one user meta value in one statement that inserts or updates (every user meta key holds one value, see
    /// <see cref="UserMetaConfiguration"/>), so two requests setting it at once cannot both insert.
    /// </summary>
    public static Task<int> UpsertUserMetaAsync(this AppDbContext db, int userId, string key, string value) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "UserMeta" ("UserId", "Key", "Value") VALUES ({userId}, {key}, {value})
            ON CONFLICT ("UserId", "Key") DO UPDATE SET "Value" = excluded."Value"
            """);
}
