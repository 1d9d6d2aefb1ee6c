using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Data;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>Schema versions: an older database is upgraded in place, once, however many processes start at once.</summary>
public sealed class MigrationTests
{
    private const string LegacyToken = "rg_made_before_schema_versions_0123456789";

    private static async Task ApplyFixtureAsync(Db db) =>
        await db.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schema-before-versions.sql")));

    /// <summary>Every table, column and index, as the database describes itself.</summary>
    private static Task<IReadOnlyList<string>> SchemaOfAsync(Db db) => db.IsPostgres
        ? db.QueryAsync<string>(
            """
            SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '') AS d
            FROM information_schema.columns WHERE table_schema = current_schema()
            UNION ALL SELECT indexname || ': ' || replace(indexdef, current_schema() || '.', '') FROM pg_indexes WHERE schemaname = current_schema()
            ORDER BY d
            """)
        : db.QueryAsync<string>("SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY name");

    private static Task<IReadOnlyList<(long Version, long AppliedAt)>> VersionsAsync(Db db) =>
        db.QueryAsync<(long, long)>("SELECT version, applied_at FROM schema_version ORDER BY version");

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_database_made_before_schema_versions_is_upgraded_in_place_and_served(string provider)
    {
        await using var store = await StoreDatabase.CreateAsync(provider, migrate: false);
        await ApplyFixtureAsync(store.Db);
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:DataDirectory"] = store.Options.DataDirectory;
            s["Reelgen:Database:Provider"] = store.Options.Database.Provider;
            if (store.Options.Database.ConnectionString is { } connectionString)
                s["Reelgen:Database:ConnectionString"] = connectionString;
        });
        var client = app.V1Client(LegacyToken);

        // What was there is served as before: the finished job and its video, by the token made then.
        var finished = await client.GetJobAsync("0190f000-0000-7000-8000-000000000010");
        Assert.Equal("finished", (string?)finished["status"]);
        var video = (await client.GetFromJsonAsync<JsonObject>("generated-videos/0190f000-0000-7000-8000-000000000011"))!;
        Assert.Equal(12345, (long)video["videoSizeBytes"]!);
        Assert.EndsWith("legacyfilekey0000000000.mp4", (string?)video["publicUrl"], StringComparison.Ordinal);

        // The job queued then is rendered now, and new jobs are taken.
        var queued = await client.WaitForFinishedAsync("0190f000-0000-7000-8000-000000000020");
        Assert.Equal("finished", (string?)queued["status"]);
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide());
        Assert.Equal("finished", (string?)(await client.WaitForFinishedAsync(jobId))["status"]);

        var db = app.Services.GetRequiredService<Db>();
        Assert.Equal(Schema.Migrations.Select(m => (long)m.Version), (await VersionsAsync(db)).Select(v => v.Version));

        // Starting again changes nothing.
        var schema = await SchemaOfAsync(db);
        var versions = await VersionsAsync(db);
        await db.MigrateAsync();
        Assert.Equal(schema, await SchemaOfAsync(db));
        Assert.Equal(versions, await VersionsAsync(db));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task An_upgraded_database_has_the_schema_of_a_new_one(string provider)
    {
        await using var upgraded = await StoreDatabase.CreateAsync(provider, migrate: false);
        await ApplyFixtureAsync(upgraded.Db);
        await upgraded.Db.MigrateAsync();
        await using var fresh = await StoreDatabase.CreateAsync(provider);

        Assert.Equal(await SchemaOfAsync(fresh.Db), await SchemaOfAsync(upgraded.Db));
        Assert.Equal(Db.SchemaVersion, (await VersionsAsync(upgraded.Db))[^1].Version);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Processes_migrating_one_database_at_once_apply_each_version_once(string provider)
    {
        await using var store = await StoreDatabase.CreateAsync(provider, migrate: false);
        await ApplyFixtureAsync(store.Db);
        var processes = Enumerable.Range(0, 6).Select(_ => store.OpenAnother()).ToList();
        try
        {
            // Each Db has its own connection pool, so each holds (or waits for) the lock as a separate process would.
            await Task.WhenAll(processes.Select(p => Task.Run(() => p.MigrateAsync())));
        }
        finally
        {
            foreach (var p in processes)
                await p.DisposeAsync();
        }

        Assert.Equal(Schema.Migrations.Select(m => (long)m.Version), (await VersionsAsync(store.Db)).Select(v => v.Version));
        Assert.Equal(2, await store.Db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM jobs"));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_database_newer_than_this_Reelgen_is_refused(string provider)
    {
        await using var store = await StoreDatabase.CreateAsync(provider);
        await store.Db.ExecuteAsync("INSERT INTO schema_version (version, description, applied_at) VALUES (9999, 'from the future', 0)");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.Db.MigrateAsync());

        Assert.Contains("schema version 9999", refused.Message, StringComparison.Ordinal);
    }
}
