using System.Globalization;

namespace Reelgen.Rendering;

/// <summary>
/// Runs the encoding ffmpeg with <c>-progress pipe:1</c> and turns <c>out_time_us</c> into
/// <see cref="RenderStage.Generating"/> reports, at least once a second. Cancelling kills the process at once.
/// </summary>
internal static class FfmpegRunner
{
    /// <summary>Runs ffmpeg to its end, reporting progress; returns the end of what it wrote on stderr.</summary>
    public static async Task<string> RunAsync(
        string ffmpegPath, IReadOnlyList<string> arguments, double totalSeconds, IProgress<RenderProgress>? progress, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var fraction = 0.0;
        void Read(string line)
        {
            if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var us)
                && totalSeconds > 0)
            {
                Volatile.Write(ref fraction, Math.Clamp(us / 1e6 / totalSeconds, 0, 1));
            }
        }

        // ffmpeg writes progress every half second once it encodes; the heartbeat covers the start and slow frames.
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(0.5), time ?? TimeProvider.System);
            try
            {
                while (await timer.WaitForNextTickAsync(heartbeatStop.Token))
                    progress?.Report(new RenderProgress(RenderStage.Generating, Volatile.Read(ref fraction), totalSeconds));
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        progress?.Report(new RenderProgress(RenderStage.Generating, 0, totalSeconds));
        ProcessResult result;
        try
        {
            // No time limit here: a render's length is bounded by the creative; cancellation stops it.
            result = await ProcessRunner.RunAsync(ffmpegPath, arguments, Timeout.InfiniteTimeSpan, cancellationToken, Read);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
        if (result.ExitCode != 0)
            throw new RenderException($"ffmpeg failed (exit code {result.ExitCode}): {result.ErrorTail}");
        progress?.Report(new RenderProgress(RenderStage.Generating, 1, totalSeconds));
        return result.ErrorTail;
    }

    /// <summary>
    /// Runs ffmpeg to completion and returns the end of what it wrote on stderr, where filters such as ebur128
    /// report when they close.
    /// </summary>
    public static async Task<string> CaptureAsync(string ffmpegPath, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // A pass over the whole sound: as for encoding, its length is bounded by the creative.
        var result = await ProcessRunner.RunAsync(ffmpegPath, arguments, Timeout.InfiniteTimeSpan, cancellationToken);
        if (result.ExitCode != 0)
            throw new RenderException($"ffmpeg failed (exit code {result.ExitCode}): {result.ErrorTail}");
        return result.ErrorTail;
    }
}
