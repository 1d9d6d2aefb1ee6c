using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// SIGTERM to a real <c>reelgen</c> process while it renders: the render finishes within
/// <c>Reelgen__Worker__ShutdownGrace</c>, or its job is handed back at once (attempt not counted) and another worker
/// takes it. The encoding ffmpeg is stood in for by a script that waits first, so the render is still running when
/// the signal comes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ShutdownTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("reelgen-shutdown-").FullName;
    private readonly string _marker = $"reelgen-encode-{Guid.NewGuid():N}";

    public void Dispose() => Directory.Delete(_data, recursive: true);

    /// <summary>An ffmpeg whose encoding run waits <paramref name="seconds"/> (as a process named by the marker) and then runs the real one.</summary>
    private string SlowFfmpeg(int seconds)
    {
        var script = Path.Combine(_data, $"ffmpeg-{seconds}");
        File.WriteAllText(script, $"""
            #!/bin/bash
            for a in "$@"; do
              if [ "$a" = "-progress" ]; then bash -c 'exec -a {_marker} sleep {seconds}'; fi
            done
            exec ffmpeg "$@"
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private Dictionary<string, string> Settings(string ffmpeg, string grace) => new()
    {
        ["Reelgen__Render__FfmpegPath"] = ffmpeg,
        ["Reelgen__Worker__ShutdownGrace"] = grace,
        // Far longer than the test: a job only moves to another worker by being handed back.
        ["Reelgen__Worker__LeaseDuration"] = "00:05:00",
        ["Reelgen__Worker__PollInterval"] = "00:00:00.200",
        ["Reelgen__Worker__HeartbeatInterval"] = "00:00:00.250",
    };

    private async Task<(string Status, long Attempts)> ReadJobAsync(string jobId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "reelgen.db")};Pooling=false");
        var row = await connection.QuerySingleAsync<(string, long)>("SELECT status, attempts FROM jobs WHERE id = @jobId", new { jobId });
        return row;
    }

    [Fact]
    public async Task After_sigterm_the_current_render_finishes_within_the_grace_period()
    {
        using var server = new ServerProcess(_data, Settings(SlowFfmpeg(3), "00:01:00"));
        await server.StartAsync();
        var (jobId, _) = await server.Client().SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        await server.Client().WaitForAsync(jobId, ["generating"]);

        var stopped = Stopwatch.StartNew();
        server.Terminate();
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.Equal(("finished", 1L), await ReadJobAsync(jobId));
        Assert.Single(Directory.GetFiles(Path.Combine(_data, "videos"), "*.mp4"));
        Assert.True(stopped.Elapsed > TimeSpan.FromSeconds(1), $"exited after {stopped.Elapsed}, before the render could have finished");
    }

    [Fact]
    public async Task A_render_still_running_when_the_grace_ends_is_handed_back_and_another_worker_takes_it_at_once()
    {
        using var stopping = new ServerProcess(_data, Settings(SlowFfmpeg(600), "00:00:01"));
        await stopping.StartAsync();
        var (jobId, _) = await stopping.Client().SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        await stopping.Client().WaitForAsync(jobId, ["generating"]);
        using var other = new ServerProcess(_data, Settings("ffmpeg", "00:00:01"));
        await other.StartAsync();

        var stopped = Stopwatch.StartNew();
        stopping.Terminate();
        var exitCode = await stopping.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exitCode);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(15), $"took {stopped.Elapsed} to stop with a 1 s grace");
        Assert.Empty(MarkedProcesses());

        // The other worker takes it long before its five-minute lease could have lapsed; the interrupted attempt is not counted.
        var job = await other.Client().WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(60));
        Assert.True((string?)job["status"] == "finished", $"job: {job}");
        Assert.Equal(("finished", 1L), await ReadJobAsync(jobId));
    }

    /// <summary>Processes still running the stand-in's wait.</summary>
    private List<int> MarkedProcesses()
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (cmdline.StartsWith(_marker, StringComparison.Ordinal))
                    found.Add(int.Parse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }
        return found;
    }
}
