using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// The scaled-out shape: one API process and two worker processes (the real executable) around one PostgreSQL and
/// one S3 bucket; one worker is killed with -9 mid-render.
/// </summary>
public sealed class MultiProcessTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("reelgen-cluster-").FullName;
    private string _schema = "";
    private string _connectionString = "";

    public Task InitializeAsync()
    {
        (_connectionString, _schema) = StoreDatabase.CreateSchema();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        StoreDatabase.DropSchema(_schema);
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_job_finishes_once_and_every_callback_arrives_when_a_worker_is_killed_mid_render()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        var settings = new Dictionary<string, string>(s3.Settings("__"))
        {
            ["Reelgen__Database__Provider"] = "postgres",
            ["Reelgen__Database__ConnectionString"] = _connectionString,
            ["Reelgen__Network__AllowPrivateAddresses"] = "true",
            // Short enough to keep the test quick, long enough that a loaded machine's heartbeats keep it.
            ["Reelgen__Worker__LeaseDuration"] = "00:00:04",
            ["Reelgen__Worker__MaxAttempts"] = "10",
            ["Reelgen__Worker__RescueInterval"] = "00:00:00.500",
            ["Reelgen__Worker__HeartbeatInterval"] = "00:00:00.250",
        };
        using var api = new ServerProcess(Path.Combine(_data, "api"), new(settings) { ["Reelgen__Roles"] = "api" });
        using var doomed = new ServerProcess(Path.Combine(_data, "doomed"), new(settings) { ["Reelgen__Roles"] = "worker" });
        using var survivor = new ServerProcess(Path.Combine(_data, "survivor"), new(settings) { ["Reelgen__Roles"] = "worker" });
        // One at a time: three .NET processes starting together on a busy machine can outlast the start timeout.
        await api.StartAsync();
        await doomed.StartAsync();
        await survivor.StartAsync();
        var client = api.Client();

        var jobs = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var body = JsonSerializer.SerializeToNode(Creatives.ColourSlide(durationMs: 2500, name: $"Clip {i}"))!.AsObject();
            body["callback"] = receiver.Url;
            jobs.Add((await client.SubmitAsync(body)).JobId);
        }
        // Both workers busy: the doomed one is certainly mid-render when it dies.
        await using (var db = new NpgsqlConnection(_connectionString))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await db.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT lease_owner) FROM jobs WHERE lease_owner IS NOT NULL AND status IN ('preprocessing', 'preprocessing_finished', 'generating')") < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the two workers never rendered at once");
                await Task.Delay(50);
            }
        }
        doomed.Kill();

        foreach (var job in jobs)
        {
            var finished = await client.WaitForFinishedAsync(job, TimeSpan.FromSeconds(120));
            Assert.True((string?)finished["status"] == "finished", $"job {job}: {finished}");
        }

        await using (var db = new NpgsqlConnection(_connectionString))
        {
            var videos = (await db.QueryAsync<(string JobId, string FileKey)>("SELECT job_id, file_key FROM videos")).ToList();
            Assert.Equal(jobs.Order(StringComparer.Ordinal), videos.Select(v => v.JobId).Order(StringComparer.Ordinal));
            // One stored result per job: the bucket holds exactly the files of the committed videos, nothing orphaned.
            var expected = videos.SelectMany(v => new[] { v.FileKey + ".jpg", v.FileKey + ".mp4" }).Order(StringComparer.Ordinal);
            Assert.Equal(expected, await s3.KeysAsync());
        }

        var deadlineForCallbacks = DateTime.UtcNow.AddSeconds(30);
        while (jobs.Any(j => !receiver.All.Any(c => c.Body.Contains(j, StringComparison.Ordinal))) && DateTime.UtcNow < deadlineForCallbacks)
            await Task.Delay(100);
        foreach (var job in jobs)
        {
            var callback = receiver.All.FirstOrDefault(c => c.Body.Contains(job, StringComparison.Ordinal));
            Assert.True(callback is not null, $"no callback for job {job}");
            Assert.Equal("finished", (string?)JsonNode.Parse(callback.Body)!["status"]);
        }

        var video = JsonNode.Parse(await client.GetStringAsync($"generated-videos/{(await client.GetJobAsync(jobs[0]))["videoId"]}"))!;
        var file = Path.Combine(_data, "download.mp4");
        await File.WriteAllBytesAsync(file, await client.GetByteArrayAsync((string)video["publicUrl"]!));
        var info = await Probe.ReadAsync(file);
        Assert.InRange(info.DurationSeconds, 2.4, 2.6);
    }
}
