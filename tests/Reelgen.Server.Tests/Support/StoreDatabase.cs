using Npgsql;
using Reelgen.Server.Data;

namespace Reelgen.Server.Tests.Support;

/// <summary>
/// A fresh database for one test: a SQLite file in a temporary folder, or a schema of its own in the test PostgreSQL
/// (REELGEN_TEST_POSTGRES, set by test.sh). Without that variable the PostgreSQL cases fail loudly rather than skip.
/// </summary>
public sealed class StoreDatabase : IAsyncDisposable
{
    private readonly string? _schema;
    private readonly string? _postgres;

    private StoreDatabase(ReelgenOptions options, string? schema, string? postgres)
    {
        Options = options;
        _schema = schema;
        _postgres = postgres;
        Db = new Db(Microsoft.Extensions.Options.Options.Create(options));
    }

    public static IEnumerable<object[]> Providers => [["sqlite"], ["postgres"]];

    public ReelgenOptions Options { get; }

    public Db Db { get; }

    public static async Task<StoreDatabase> CreateAsync(string provider)
    {
        var options = new ReelgenOptions { DataDirectory = Directory.CreateTempSubdirectory("reelgen-store-").FullName };
        if (provider == "sqlite")
        {
            var sqlite = new StoreDatabase(options, null, null);
            await sqlite.Db.MigrateAsync();
            return sqlite;
        }
        var postgres = Environment.GetEnvironmentVariable("REELGEN_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(postgres), "REELGEN_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL.");
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        options.Database.Provider = "postgres";
        options.Database.ConnectionString = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
        var db = new StoreDatabase(options, schema, postgres);
        await db.Db.MigrateAsync();
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        if (_schema is not null)
        {
            await using var connection = new NpgsqlConnection(_postgres);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(Options.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
