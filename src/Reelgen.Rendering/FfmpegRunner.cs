using System.Diagnostics;
using System.Globalization;

namespace Reelgen.Rendering;

/// <summary>
/// Runs ffmpeg with <c>-progress pipe:1</c> and turns <c>out_time_us</c> into <see cref="RenderStage.Generating"/>
/// reports, at least once a second. Cancelling kills the process tree at once.
/// </summary>
internal static class FfmpegRunner
{
    public static async Task RunAsync(string ffmpegPath, IReadOnlyList<string> arguments, double totalSeconds, IProgress<RenderProgress>? progress, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(ffmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new RenderException("ffmpeg could not be started");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new RenderException($"ffmpeg could not be started ({ffmpegPath}): {ex.Message}", ex);
        }
        using (process)
        {
            using var kill = cancellationToken.Register(() => ProcessKiller.Kill(process));
            var fraction = 0.0;
            var stderrTail = new Queue<string>();
            var stderr = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    lock (stderrTail)
                    {
                        stderrTail.Enqueue(line);
                        if (stderrTail.Count > 30)
                            stderrTail.Dequeue();
                    }
                }
            }, CancellationToken.None);
            var stdout = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
                        && long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var us)
                        && totalSeconds > 0)
                    {
                        Volatile.Write(ref fraction, Math.Clamp(us / 1e6 / totalSeconds, 0, 1));
                    }
                }
            }, CancellationToken.None);

            // ffmpeg writes progress every half second once it encodes; the heartbeat covers the start and slow frames.
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeat = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(0.5));
                try
                {
                    while (await timer.WaitForNextTickAsync(heartbeatStop.Token))
                        progress?.Report(new RenderProgress(RenderStage.Generating, Volatile.Read(ref fraction)));
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);

            progress?.Report(new RenderProgress(RenderStage.Generating, 0));
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            await heartbeatStop.CancelAsync();
            await heartbeat;
            cancellationToken.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
            {
                string tail;
                lock (stderrTail)
                    tail = string.Join("\n", stderrTail);
                throw new RenderException($"ffmpeg failed (exit code {process.ExitCode}): {tail}");
            }
            progress?.Report(new RenderProgress(RenderStage.Generating, 1));
        }
    }

    /// <summary>Runs ffmpeg to completion and returns what it wrote on stderr (where filters such as loudnorm report).</summary>
    public static async Task<string> CaptureAsync(string ffmpegPath, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(ffmpegPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new RenderException("ffmpeg could not be started");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new RenderException($"ffmpeg could not be started ({ffmpegPath}): {ex.Message}", ex);
        }
        using (process)
        {
            using var kill = cancellationToken.Register(() => ProcessKiller.Kill(process));
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            await process.WaitForExitAsync(CancellationToken.None);
            await stdout;
            var text = await stderr;
            cancellationToken.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
                throw new RenderException($"ffmpeg failed (exit code {process.ExitCode}): {string.Join("\n", text.Split('\n').TakeLast(30))}");
            return text;
        }
    }
}
