using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Masthead.Data;

/// <summary>
/// Recognises a write the database refused because another request changed the same rows first: a row whose checked
/// value (a post's status) moved on, or a second row where a unique index allows one. These are lost races, not bugs,
/// and the one who lost is told to try again; the transaction they ran in is rolled back whole.
/// </summary>
public static class WriteConflicts
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    public static bool IsConflict(this Exception exception) => exception switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: SqliteException { SqliteErrorCode: SqliteConstraint } sqlite } =>
            sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } => true,
        SqliteException { SqliteErrorCode: SqliteConstraint } sqlite =>
            sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure } => true,
        _ => false,
    };

    /// <summary>Forgets what the failed save left in the change tracker, so a later save in the same request cannot repeat it.</summary>
    public static void ForgetPendingChanges(this DbContext db) => db.ChangeTracker.Clear();
}
