using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>The two phases a render reports, matching the job statuses.</summary>
public enum RenderStage
{
    /// <summary>Fetching assets, synthesising speech, drawing static layers.</summary>
    Preprocessing,

    /// <summary>ffmpeg encoding.</summary>
    Generating,
}

/// <summary>How far a render is: the stage and the fraction of that stage done (0 to 1).</summary>
public readonly record struct RenderProgress(RenderStage Stage, double Fraction);

/// <summary>
/// What a finished render wrote. <c>Captions</c>: what is said when, if the renderer knows (<c>SpokenCaptions.FromTimeline</c>
/// of the timeline it rendered); null lets the server estimate them from the scripts.
/// </summary>
public sealed record RenderResult(string OutputPath, double DurationSeconds, long SizeBytes, int Width, int Height, IReadOnlyList<CaptionCue>? Captions = null);

/// <summary>A render that cannot succeed, with a reason a person can act on ("scene 2, track 1: imageUrl answered 404").</summary>
public sealed class RenderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Settings of the renderer.</summary>
public sealed class RenderOptions
{
    /// <summary>ffmpeg executable.</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>ffprobe executable.</summary>
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>libx264 preset.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>libx264 constant rate factor.</summary>
    public int Crf { get; set; } = 23;

    /// <summary>Let asset URLs reach private, loopback and link-local addresses.</summary>
    public bool AllowPrivateAddresses { get; set; }
}

/// <summary>Turns a video creative into an MP4 (H.264 yuv420p + AAC 48 kHz, faststart).</summary>
public sealed class VideoRenderer(RenderOptions options)
{
    /// <summary>Renders <paramref name="creative"/> to <paramref name="outputPath"/>.</summary>
    /// <param name="creative">The creative as submitted.</param>
    /// <param name="variables">Values for its <c>{tokens}</c>.</param>
    /// <param name="outputPath">Where the MP4 goes.</param>
    /// <param name="workDirectory">Scratch space for this render; the caller deletes it.</param>
    /// <param name="progress">Stage and fraction reports.</param>
    /// <param name="cancellationToken">Stops ffmpeg and every download.</param>
    public async Task<RenderResult> RenderAsync(
        VideoCreative creative,
        IReadOnlyDictionary<string, JsonElement> variables,
        string outputPath,
        string workDirectory,
        IProgress<RenderProgress>? progress,
        CancellationToken cancellationToken)
    {
        var resolved = DynamicVariables.Apply(creative, variables);
        progress?.Report(new RenderProgress(RenderStage.Preprocessing, 0));
        var timeline = TimelinePlanner.Plan(resolved, (_, _) => 2000);
        progress?.Report(new RenderProgress(RenderStage.Preprocessing, 1));
        Directory.CreateDirectory(workDirectory);
        var seconds = (timeline.FrameCount / (double)timeline.Fps).ToString("0.###", CultureInfo.InvariantCulture);
        var color = "0x" + timeline.BackgroundColor[1..7];
        var args = new List<string>
        {
            "-hide_banner", "-nostdin", "-y", "-protocol_whitelist", "file,pipe",
            "-f", "lavfi", "-i", $"color=c={color}:s={timeline.Width}x{timeline.Height}:r={timeline.Fps}:d={seconds}",
            "-f", "lavfi", "-i", $"anullsrc=r=48000:cl=stereo:d={seconds}",
            "-c:v", "libx264", "-preset", options.Preset, "-crf", options.Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-ar", "48000", "-b:a", "128k", "-movflags", "+faststart", "-shortest", outputPath,
        };
        var psi = new ProcessStartInfo(options.FfmpegPath) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new RenderException("ffmpeg could not be started");
        using var registration = cancellationToken.Register(() => { try { process.Kill(true); } catch (InvalidOperationException) { } });
        var stderr = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new RenderException($"ffmpeg failed: {stderr[^Math.Min(stderr.Length, 500)..]}");
        progress?.Report(new RenderProgress(RenderStage.Generating, 1));
        return new RenderResult(outputPath, timeline.FrameCount / (double)timeline.Fps, new FileInfo(outputPath).Length, timeline.Width, timeline.Height);
    }
}
