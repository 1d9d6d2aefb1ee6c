using System.Diagnostics;

namespace Reelgen.Rendering.Tests;

public sealed class ProcessRunnerTests
{
    // ffmpeg reading an endless silent source in real time: runs until stopped.
    private static readonly string[] Endless = ["-v", "error", "-nostdin", "-re", "-f", "lavfi", "-i", "anullsrc", "-f", "null", "-"];

    [Fact]
    public async Task Arguments_go_through_as_they_are_and_the_output_comes_back()
    {
        var result = await ProcessRunner.RunAsync(
            "ffmpeg",
            ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "color=c=0xFF8000:s=2x2,format=rgb24", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            TimeSpan.FromSeconds(30),
            CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(12, result.Output.Length);
        Assert.Equal("FF8000", Convert.ToHexString(result.Output, 0, 3));
    }

    [Fact]
    public async Task A_failure_keeps_the_end_of_standard_error_for_the_message()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"reelgen-missing-{Guid.NewGuid():N}.mp4");

        var result = await ProcessRunner.RunAsync("ffprobe", ["-v", "error", missing], TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No such file", result.ErrorTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_can_be_read_line_by_line_as_it_arrives()
    {
        var lines = new List<string>();

        await ProcessRunner.RunAsync(
            "ffmpeg",
            ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "anullsrc=d=0.2", "-progress", "pipe:1", "-f", "null", "-"],
            TimeSpan.FromSeconds(30),
            CancellationToken.None,
            lines.Add);

        Assert.Contains("progress=end", lines);
    }

    [Fact]
    public async Task A_run_past_its_time_limit_is_killed_and_says_so()
    {
        var started = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RenderException>(() => ProcessRunner.RunAsync("ffmpeg", Endless, TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Contains("ffmpeg did not finish within 0.3 s", ex.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"the run took {started.Elapsed}");
    }

    [Fact]
    public async Task Cancelling_kills_the_child_at_once()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ProcessRunner.RunAsync("ffmpeg", Endless, Timeout.InfiniteTimeSpan, cts.Token));
    }

    [Fact]
    public async Task A_missing_executable_is_a_clear_error()
    {
        var ex = await Assert.ThrowsAsync<RenderException>(() =>
            ProcessRunner.RunAsync("/nowhere/ffmpeg", ["-version"], TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Contains("ffmpeg could not be started (/nowhere/ffmpeg)", ex.Message, StringComparison.Ordinal);
    }
}
