using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Masthead.Data;

/// <summary>
/// Recognises a write the database refused because another request changed the same rows first: a row whose checked
/// value (a post's status) moved on, a second row where a unique index allows one, a row pointing at one just
/// deleted (a term, a user), or two transactions that waited on each other. These are lost races, not bugs,
/// and the one who lost is told to try again; the transaction they ran in is rolled back whole.
/// </summary>
public static class WriteConflicts
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintForeignKey = 787;

    public static bool IsConflict(this Exception exception) => exception switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: SqliteException { SqliteErrorCode: SqliteConstraint } sqlite } =>
            IsLostRace(sqlite),
        DbUpdateException { InnerException: PostgresException postgres } => IsLostRace(postgres),
        SqliteException { SqliteErrorCode: SqliteConstraint } sqlite => IsLostRace(sqlite),
        PostgresException postgres => IsLostRace(postgres),
        _ => false,
    };

    private static bool IsLostRace(SqliteException sqlite) =>
        sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey or SqliteConstraintForeignKey;

    private static bool IsLostRace(PostgresException postgres) => postgres.SqlState is PostgresErrorCodes.UniqueViolation
        or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>Forgets what the failed save left in the change tracker, so a later save in the same request cannot repeat it.</summary>
    public static void ForgetPendingChanges(this DbContext db) => db.ChangeTracker.Clear();
}
