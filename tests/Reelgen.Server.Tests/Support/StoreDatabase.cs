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

    private StoreDatabase(ReelgenOptions options, string? schema)
    {
        Options = options;
        _schema = schema;
        Db = new Db(Microsoft.Extensions.Options.Options.Create(options));
    }

    public static IEnumerable<object[]> Providers => [["sqlite"], ["postgres"]];

    public ReelgenOptions Options { get; }

    public Db Db { get; }

    /// <summary>A fresh database, with the tables made (or, with <paramref name="migrate"/> false, empty).</summary>
    public static async Task<StoreDatabase> CreateAsync(string provider, bool migrate = true)
    {
        var options = new ReelgenOptions { DataDirectory = Directory.CreateTempSubdirectory("reelgen-store-").FullName };
        string? schema = null;
        if (provider == "postgres")
        {
            (options.Database.ConnectionString, schema) = CreateSchema();
            options.Database.Provider = "postgres";
        }
        var db = new StoreDatabase(options, schema);
        if (migrate)
            await db.Db.MigrateAsync();
        return db;
    }

    /// <summary>Another <see cref="Reelgen.Server.Data.Db"/> (its own connections) on the same database, as a second process would have.</summary>
    public Db OpenAnother() => new(Microsoft.Extensions.Options.Options.Create(Options));

    private static string Postgres
    {
        get
        {
            var postgres = Environment.GetEnvironmentVariable("REELGEN_TEST_POSTGRES");
            Assert.False(string.IsNullOrEmpty(postgres), "REELGEN_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL.");
            return postgres!;
        }
    }

    /// <summary>A schema of its own in the test PostgreSQL, and a connection string whose search path is that schema.</summary>
    public static (string ConnectionString, string Schema) CreateSchema()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        using var connection = new NpgsqlConnection(Postgres);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        command.ExecuteNonQuery();
        return (new NpgsqlConnectionStringBuilder(Postgres) { SearchPath = schema }.ConnectionString, schema);
    }

    public static void DropSchema(string schema)
    {
        using var connection = new NpgsqlConnection(Postgres);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        if (_schema is not null)
            DropSchema(_schema);
        try
        {
            Directory.Delete(Options.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
