using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Reelgen.Server.Operations;

/// <summary>
/// A request that fails because the database or the disk is unavailable (PostgreSQL restarting or unreachable, a
/// SQLite file locked by another writer past its busy timeout, a disk full or failing) is answered 503 with
/// <c>Retry-After</c>, never 500: nothing is wrong with the request, and the same request succeeds once they are back.
/// The workers retry by themselves meanwhile.
/// </summary>
public sealed partial class Unavailable(IProblemDetailsService problems, ILogger<Unavailable> logger) : IExceptionHandler
{
    /// <summary>What <c>Retry-After</c> says: long enough for a restart, short enough that clients come back soon.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var http = httpContext;
        if (Cause(exception) is not { } what || http.Response.HasStarted)
            return false;
        LogUnavailable(exception, what, http.Request.Path);
        var detail = $"{what} is unavailable at the moment; try again in a few seconds.";
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = detail },
        });
    }

    /// <summary>"The database" or "The disk" when <paramref name="exception"/> (or one it wraps) says it is unreachable; null for anything else.</summary>
    public static string? Cause(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.IsTransient || pg.SqlState is "3D000" or "42501" || pg.SqlState[..2] is "08" or "53" or "57" or "58":
                    // Restarting or shutting down, out of connections or disk, the database gone or access revoked.
                    return "The database";
                case PostgresException:
                    return null;
                case NpgsqlException:
                    // Not a server error: the connection could not be made or broke.
                    return "The database";
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xff) is 5 or 6 or 7 or 8 or 10 or 13 or 14 or 15:
                    // BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL.
                    return "The database";
                case DbException:
                    return null;
                case BadHttpRequestException or FileNotFoundException:
                    // A bad body, or a file that is not there: not an outage.
                    return null;
                case IOException:
                    return "The disk";
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} is unavailable; {Path} answered 503")]
    private partial void LogUnavailable(Exception ex, string what, string path);
}
