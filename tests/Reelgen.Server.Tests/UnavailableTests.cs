using Microsoft.Data.Sqlite;
using Npgsql;
using Reelgen.Server.Operations;

namespace Reelgen.Server.Tests;

/// <summary>Which failures are an outage (503 with Retry-After) and which are a fault of Reelgen's own (500).</summary>
public sealed class UnavailableTests
{
    public static TheoryData<Exception, string?> Failures => new()
    {
        { new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)), "The database" },
        { new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"), "The database" },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), "The database" },
        { new PostgresException("database \"reelgen\" does not exist", "FATAL", "FATAL", "3D000"), "The database" },
        { new PostgresException("permission denied for database reelgen", "FATAL", "FATAL", "42501"), "The database" },
        { new PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", "53100"), "The database" },
        { new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"), null },
        { new PostgresException("syntax error at or near", "ERROR", "ERROR", "42601"), null },
        { new SqliteException("database is locked", 5), "The database" },
        { new SqliteException("attempt to write a readonly database", 8), "The database" },
        { new SqliteException("disk I/O error", 10 | (3 << 8)), "The database" },
        { new SqliteException("database or disk is full", 13), "The database" },
        { new SqliteException("UNIQUE constraint failed", 19), null },
        { new IOException("No space left on device"), "The disk" },
        { new InvalidOperationException("wrapped", new IOException("Input/output error")), "The disk" },
        { new FileNotFoundException("gone"), null },
        { new Microsoft.AspNetCore.Http.BadHttpRequestException("Unexpected end of request content."), null },
        { new InvalidOperationException("a bug"), null },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Outages_are_told_from_faults(Exception failure, string? cause) =>
        Assert.Equal(cause, Unavailable.Cause(failure));
}
