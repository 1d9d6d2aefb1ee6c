using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Reelgen.Server.Data;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// A bad day: the database cut off or locked, a slow or failing storage, a job deleted while its video is stored.
/// The real database (PostgreSQL behind a <see cref="TcpProxy"/> that can be cut, or a SQLite file another connection
/// locks) and the real local storage, with a cue after each stored file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FaultTests : IAsyncDisposable
{
    private readonly string _tools = Directory.CreateTempSubdirectory("reelgen-faults-").FullName;
    private TcpProxy? _proxy;
    private string? _schema;

    public FaultTests()
    {
        // The encoding run (the one asking for -progress) waits a few seconds first, so the render is still
        // running while a test cuts the database; every ffmpeg run is the real one.
        var script = Path.Combine(_tools, "ffmpeg");
        File.WriteAllText(script, """
            #!/bin/bash
            for a in "$@"; do
              if [ "$a" = "-progress" ]; then sleep 4; fi
            done
            exec ffmpeg "$@"
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
            await _proxy.DisposeAsync();
        if (_schema is not null)
            StoreDatabase.DropSchema(_schema);
        Directory.Delete(_tools, recursive: true);
    }

    /// <summary>Settings for a PostgreSQL schema of its own, reached through a proxy the test can cut.</summary>
    private void BehindProxy(Dictionary<string, string?> s)
    {
        (var connectionString, _schema) = StoreDatabase.CreateSchema();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _proxy = new TcpProxy(builder.Host!, builder.Port);
        builder.Host = "127.0.0.1";
        builder.Port = _proxy.Port;
        builder.Timeout = 3;
        s["Reelgen:Database:Provider"] = "postgres";
        s["Reelgen:Database:ConnectionString"] = builder.ConnectionString;
    }

    private static async Task<long> AttemptsAsync(ReelgenApp app, string jobId) =>
        await app.Services.GetRequiredService<Db>().QuerySingleOrDefaultAsync<long>("SELECT attempts FROM jobs WHERE id = @jobId", new { jobId });

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitThroughOutageAsync(HttpClient client, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync($"video-generation-jobs/{jobId}");
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                var job = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
                if ((string?)job["status"] is "finished" or "failed" or "deleted")
                    return job;
            }
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish");
            await Task.Delay(100);
        }
    }

    private static bool IsEmpty(string directory) =>
        !Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any();

    [Fact]
    public async Task Heartbeats_failing_while_postgres_is_cut_off_are_retried_and_the_render_keeps_its_result()
    {
        using var app = new ReelgenApp(s =>
        {
            BehindProxy(s);
            s["Reelgen:Render:FfmpegPath"] = Path.Combine(_tools, "ffmpeg");
            s["Reelgen:Worker:LeaseDuration"] = "00:00:20";
        });
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        await client.WaitForAsync(jobId, ["generating"]);

        // Eight heartbeats fail while ffmpeg runs; the lease (20 s) outlives the outage.
        _proxy!.Cut();
        await Task.Delay(2000);
        _proxy.Restore();

        var job = await client.WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(60));
        Assert.True((string?)job["status"] == "finished", $"job: {job}");
        Assert.Equal(1, await AttemptsAsync(app, jobId));
    }

    [Fact]
    public async Task A_commit_that_meets_an_outage_is_retried_until_postgres_is_back()
    {
        CuedStorage? storage = null;
        using var app = new ReelgenApp(BehindProxy, services: s => CuedStorage.Use(s, c =>
        {
            storage = c;
            // The database goes away as the last file is stored, for longer than a few retries.
            c.AfterStore = extension =>
            {
                if (extension == ".jpg")
                {
                    _proxy!.Cut();
                    _ = Task.Delay(3000).ContinueWith(_ => _proxy.Restore(), TaskScheduler.Default);
                }
                return Task.CompletedTask;
            };
        }));
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));

        // Polls answer 503 during the outage.
        var job = await WaitThroughOutageAsync(client, jobId);
        Assert.True((string?)job["status"] == "finished", $"job: {job}");
        Assert.Equal(1, await AttemptsAsync(app, jobId));
        Assert.Equal(2, Directory.GetFiles(storage!.Directory).Length);
    }

    [Fact]
    public async Task While_postgres_is_cut_off_the_api_answers_503_with_retry_after_and_work_resumes_when_it_is_back()
    {
        using var app = new ReelgenApp(BehindProxy);
        var client = app.V1Client();
        var (done, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        await client.WaitForFinishedAsync(done);

        _proxy!.Cut();
        // The last poll's answer may be served from memory for Reelgen__Database__PollCacheTime; after that a poll reads the database.
        await Task.Delay(app.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value.Database.PollCacheTime);
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync($"video-generation-jobs/{done}"),
            () => client.PostAsJsonAsync("video-generation-jobs", Creatives.ColourSlide(durationMs: 1000)),
        })
        {
            using var response = await request();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.Contains("The database is unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        _proxy.Restore();

        // Nothing restarts: the next request is served, and the worker renders what comes after.
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        var job = await client.WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(30));
        Assert.True((string?)job["status"] == "finished", $"job: {job}");
    }

    [Fact]
    public async Task A_write_held_up_by_another_processs_sqlite_lock_is_a_503_with_retry_after()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Database:BusyTimeout"] = "00:00:01");
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        await client.WaitForFinishedAsync(jobId);

        // Another process (a backup, the sqlite3 shell) takes the write lock and keeps it.
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "reelgen.db")};Pooling=false"))
        {
            await other.OpenAsync();
            await other.ExecuteAsync("BEGIN IMMEDIATE");
            using var response = await client.PostAsJsonAsync("video-generation-jobs", Creatives.ColourSlide(durationMs: 1000));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            // Reads go on meanwhile (WAL).
            Assert.Equal("finished", (string?)(await client.GetJobAsync(jobId))["status"]);
            await other.ExecuteAsync("ROLLBACK");
        }

        var (next, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        Assert.Equal("finished", (string?)(await client.WaitForFinishedAsync(next))["status"]);
    }

    [Fact]
    public async Task The_lease_is_held_while_a_slow_storage_takes_the_video()
    {
        using var app = new ReelgenApp(
            s =>
            {
                s["Reelgen:Worker:LeaseDuration"] = "00:00:02";
                s["Reelgen:Worker:RescueInterval"] = "00:00:00.100";
            },
            services: s => CuedStorage.Use(s, c => c.AfterStore = extension => extension == ".mp4" ? Task.Delay(5000) : Task.CompletedTask));
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));

        var job = await client.WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(60));

        // Storing took longer than two leases; heartbeats kept the job, so it was rendered once.
        Assert.True((string?)job["status"] == "finished", $"job: {job}");
        Assert.Equal(1, await AttemptsAsync(app, jobId));
        // The work folder goes after the commit that a poll may already show.
        await Wait.UntilAsync(() => IsEmpty(Path.Combine(app.DataDirectory, "work")), "the work folder is gone");
    }

    [Fact]
    public async Task A_job_deleted_while_its_video_is_stored_leaves_no_stored_file_and_no_work_folder()
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CuedStorage? storage = null;
        using var app = new ReelgenApp(services: s => CuedStorage.Use(s, c =>
        {
            storage = c;
            c.AfterStore = async extension =>
            {
                if (extension != ".mp4")
                    return;
                stored.TrySetResult();
                await proceed.Task;
            };
        }));
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        await stored.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Single(Directory.GetFiles(storage!.Directory));

        (await client.DeleteAsync($"video-generation-jobs/{jobId}")).EnsureSuccessStatusCode();
        proceed.SetResult();

        await Wait.UntilAsync(() => IsEmpty(storage.Directory) && IsEmpty(Path.Combine(app.DataDirectory, "work")), "the stored video and the work folder are gone");
        Assert.Equal("deleted", (string?)(await client.GetJobAsync(jobId))["status"]);
    }

    [Fact]
    public async Task A_storage_failure_after_the_video_is_stored_deletes_it_and_fails_the_job()
    {
        CuedStorage? storage = null;
        using var app = new ReelgenApp(services: s => CuedStorage.Use(s, c =>
        {
            storage = c;
            c.AfterStore = extension => extension == ".jpg" ? throw new IOException("No space left on device") : Task.CompletedTask;
        }));
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));

        var job = await client.WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(60));

        Assert.Equal("failed", (string?)job["status"]);
        Assert.Contains("No space left on device", (string?)job["error"], StringComparison.Ordinal);
        await Wait.UntilAsync(() => IsEmpty(storage!.Directory) && IsEmpty(Path.Combine(app.DataDirectory, "work")), "the stored files and the work folder are gone");
    }

    [Fact]
    public async Task At_start_the_work_directory_is_swept_except_folders_of_leased_jobs_and_recent_entries()
    {
        // The first app (no worker) makes the data directory and queues a job; the second starts a worker on it.
        using var first = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        string data, leasedFolder, staleFolder, staleFile, freshFolder;
        {
            data = first.DataDirectory;
            var client = first.V1Client();
            var (leasedJob, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
            // Another process on the same data directory renders this job now.
            var claimed = await first.Services.GetRequiredService<Reelgen.Server.Jobs.JobStore>().ClaimAsync("other-host:42:0", TimeSpan.FromHours(1), CancellationToken.None);
            Assert.Equal(leasedJob, claimed?.Id);
            var work = Path.Combine(data, "work");
            leasedFolder = MakeOld(Path.Combine(work, $"{leasedJob}-{Guid.NewGuid():N}"));
            staleFolder = MakeOld(Path.Combine(work, $"{Guid.CreateVersion7()}-{Guid.NewGuid():N}"));
            staleFile = Path.Combine(work, "health-0123");
            await File.WriteAllTextAsync(staleFile, "WEBVTT\n");
            File.SetLastWriteTimeUtc(staleFile, DateTime.UtcNow.AddHours(-2));
            freshFolder = Path.Combine(work, "something-new");
            Directory.CreateDirectory(freshFolder);
        }

        using var second = new ReelgenApp(s => s["Reelgen:DataDirectory"] = data);
        _ = second.V1Client();

        await Wait.UntilAsync(() => !Directory.Exists(staleFolder) && !File.Exists(staleFile), "the stale entries are swept");
        Assert.True(Directory.Exists(leasedFolder), "the leased job's folder was swept");
        Assert.True(File.Exists(Path.Combine(leasedFolder, "video.mp4")), "the leased job's files were swept");
        Assert.True(Directory.Exists(freshFolder), "a recent folder was swept");
    }

    /// <summary>A job folder with a file in it, last written two hours ago.</summary>
    private static string MakeOld(string folder)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "video.mp4");
        File.WriteAllBytes(file, [0, 0, 0, 0]);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-2));
        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow.AddHours(-2));
        return folder;
    }
}
