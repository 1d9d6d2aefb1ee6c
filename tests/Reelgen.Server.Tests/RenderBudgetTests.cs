using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// A render that stalls or runs past its time budget is killed, child processes included, and its job fails with a
/// reason. The encoding ffmpeg is stood in for by a script that hangs (every other ffmpeg run is the real one), so
/// the bounds are met in seconds.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RenderBudgetTests : IDisposable
{
    private readonly string _tools = Directory.CreateTempSubdirectory("reelgen-hang-").FullName;
    private readonly string _marker = $"reelgen-hang-{Guid.NewGuid():N}";

    public RenderBudgetTests()
    {
        // The encoding run is the one that asks for -progress; it becomes a sleep named by the marker, so a survivor can be found.
        var script = Path.Combine(_tools, "ffmpeg");
        File.WriteAllText(script, $"""
            #!/bin/bash
            for a in "$@"; do
              if [ "$a" = "-progress" ]; then exec -a {_marker} sleep 600; fi
            done
            exec ffmpeg "$@"
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_tools, recursive: true);

    private async Task<JsonObject> RenderWithAsync(Dictionary<string, string> settings)
    {
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:Render:FfmpegPath"] = Path.Combine(_tools, "ffmpeg");
            foreach (var (key, value) in settings)
                s[key] = value;
        });
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
        var job = await client.WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(30));
        // The work folder goes after the commit that a poll may already show.
        await Wait.UntilAsync(() => !Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "work"), "*", SearchOption.AllDirectories).Any(), "the work folder is empty");
        return job;
    }

    [Fact]
    public async Task A_render_without_progress_is_killed_and_its_job_fails_with_the_reason()
    {
        var job = await RenderWithAsync(new() { ["Reelgen:Worker:StallTimeout"] = "00:00:02" });

        Assert.Equal("failed", (string?)job["status"]);
        Assert.StartsWith("The render made no progress for 2 s (stuck at 30%, generating) and was stopped", (string?)job["error"]);
        Assert.Empty(Survivors());
    }

    [Fact]
    public async Task A_render_past_its_time_budget_is_killed_and_its_job_fails_with_the_reason()
    {
        var job = await RenderWithAsync(new()
        {
            ["Reelgen:Worker:StallTimeout"] = "01:00:00",
            ["Reelgen:Worker:RenderBudget"] = "00:00:02",
            ["Reelgen:Worker:RenderBudgetFactor"] = "0.5",
        });

        Assert.Equal("failed", (string?)job["status"]);
        Assert.StartsWith("The render took longer than its time budget of 2 s (0.5 times the video's length, at least 2 s) and was stopped", (string?)job["error"]);
        Assert.Empty(Survivors());
    }

    /// <summary>Processes still running the hanging stand-in for ffmpeg.</summary>
    private List<int> Survivors()
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(_marker, StringComparison.Ordinal)
                    && int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
