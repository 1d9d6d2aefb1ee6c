using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Reelgen.Server.Data;

/// <summary>
/// The one database of a deployment: an embedded SQLite file, or PostgreSQL shared by many processes.
/// The SQL is written once for both; <see cref="IsPostgres"/> picks the few statements that differ.
/// </summary>
public sealed class Db : IAsyncDisposable
{
    private readonly DbDataSource _source;

    // SQLite allows one writer at a time; queueing writers here is cheaper than letting them spin on SQLITE_BUSY.
    private readonly SemaphoreSlim? _sqliteWriteLock;

    static Db() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public Db(IOptions<ReelgenOptions> options)
    {
        var o = options.Value;
        IsPostgres = o.Database.Provider == "postgres";
        if (IsPostgres)
        {
            _source = NpgsqlDataSource.Create(o.Database.ConnectionString
                ?? throw new InvalidOperationException("Reelgen__Database__ConnectionString is required when Reelgen__Database__Provider is postgres."));
        }
        else
        {
            Directory.CreateDirectory(o.DataDirectory);
            var builder = new SqliteConnectionStringBuilder(o.Database.ConnectionString ?? "")
            {
                DataSource = o.Database.ConnectionString is null ? Path.Combine(o.DataDirectory, "reelgen.db") : new SqliteConnectionStringBuilder(o.Database.ConnectionString).DataSource,
                DefaultTimeout = Math.Max(1, (int)Math.Ceiling(o.Database.BusyTimeout.TotalSeconds)),
                Pooling = true,
            };
            _source = SqliteFactory.Instance.CreateDataSource(builder.ConnectionString);
            _sqliteWriteLock = new SemaphoreSlim(1, 1);
        }
    }

    public bool IsPostgres { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default) => await _source.OpenConnectionAsync(ct);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        if (_sqliteWriteLock is not null)
            await _sqliteWriteLock.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(ct);
            return result;
        }
        finally
        {
            _sqliteWriteLock?.Release();
        }
    }

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args = null, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct))).AsList();
    }

    public Task<int> ExecuteAsync(string sql, object? args = null, CancellationToken ct = default) =>
        WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(sql, args, t, cancellationToken: ct)), ct);

    /// <summary>The schema version this build of Reelgen writes and reads.</summary>
    public static int SchemaVersion => Schema.Migrations[^1].Version;

    /// <summary>
    /// Brings the database to <see cref="SchemaVersion"/>: creates the tables in a new database and applies, in order,
    /// every migration an older one lacks. The migrations and their <c>schema_version</c> rows commit in one
    /// transaction, so a crash leaves the database as it was. Safe to run from many processes at once: PostgreSQL
    /// serialises them with an advisory lock, SQLite with an immediate (write-locking) transaction; whoever comes
    /// second finds nothing left to do.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        if (!IsPostgres)
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (IsPostgres)
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(724311)", transaction: transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            transaction: transaction, cancellationToken: ct));
        var current = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(version) FROM schema_version", transaction: transaction, cancellationToken: ct)) ?? 0;
        if (current > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"the database is at schema version {current}, newer than this Reelgen knows ({SchemaVersion}): run the newer Reelgen that upgraded it.");
        }
        foreach (var migration in Schema.Migrations.Where(m => m.Version > current))
        {
            foreach (var statement in migration.Statements)
                await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (@Version, @Description, @now)",
                new { migration.Version, migration.Description, now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: ct));
        }
        await transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        _sqliteWriteLock?.Dispose();
    }
}
