using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Masthead.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands a site runs, so a test can prove a page's queries do not grow with its rows; and keeps
/// each command's text with the request that ran it ("POST /login/lost"; empty for background work).
/// </summary>
public sealed class QueryCounter : DbCommandInterceptor
{
    // Reads the same ambient request as the site's own IHttpContextAccessor does.
    private static readonly HttpContextAccessor Request = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ConcurrentQueue<(string Request, string Sql)> Commands { get; } = new();

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        Keep(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        Keep(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Keep(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Keep(DbCommand command) =>
        Commands.Enqueue((Request.HttpContext is { } http ? $"{http.Request.Method} {http.Request.Path}" : "", command.CommandText));
}
