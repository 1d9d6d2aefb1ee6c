using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Reelgen.Rendering;

/// <summary>What ffprobe found in a local file.</summary>
internal sealed record MediaInfo(double DurationMs, bool HasVideo, bool HasAudio, int Width, int Height, double Fps = 0);

/// <summary>
/// Runs ffprobe on local files only: the demuxer named by the file's extension (<see cref="MediaSniffer.InputOptions"/>)
/// and the protocol whitelist <c>file</c>. What it found in a fetched asset is kept by the asset's SHA-256, so the
/// same clip or music in the next job (every job of a template) costs no ffprobe process.
/// </summary>
internal sealed class MediaProbe(string ffprobePath, TimeSpan timeout, TimeProvider? time = null)
{
    /// <summary>Probes kept at most; past it the kept ones are forgotten and probed again when seen.</summary>
    private const int MaxKept = 10_000;

    private readonly ConcurrentDictionary<string, MediaInfo> _kept = new(StringComparer.Ordinal);

    /// <summary>
    /// Probes <paramref name="path"/>, or answers what an earlier probe found in the same bytes read with the same
    /// demuxer (<paramref name="sha256"/> and the file's extension): the same bytes give the same answer.
    /// </summary>
    public async Task<MediaInfo> ProbeAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        var key = sha256 + Path.GetExtension(path);
        if (sha256.Length > 0 && _kept.TryGetValue(key, out var kept))
            return kept;
        var info = await ProbeAsync(path, cancellationToken);
        if (sha256.Length > 0)
        {
            if (_kept.Count >= MaxKept)
                _kept.Clear();
            _kept[key] = info;
        }
        return info;
    }

    public async Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(
            ffprobePath,
            ["-v", "error", .. MediaSniffer.InputOptions(path), "-print_format", "json", "-show_format", "-show_streams", path],
            timeout,
            cancellationToken,
            time: time);
        if (result.ExitCode != 0)
            throw new InvalidDataException(FirstLine(result.ErrorTail) ?? "ffprobe could not read it");
        return Parse(System.Text.Encoding.UTF8.GetString(result.Output));
    }

    internal static MediaInfo Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        double duration = 0;
        if (root.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d))
            duration = ParseSeconds(d);
        bool hasVideo = false, hasAudio = false;
        int width = 0, height = 0;
        double fps = 0;
        double streamDuration = 0;
        if (root.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                var attachedPicture = s.TryGetProperty("disposition", out var disp) && disp.TryGetProperty("attached_pic", out var ap) && ap.GetInt32() == 1;
                if (type == "video" && !attachedPicture && !hasVideo)
                {
                    hasVideo = true;
                    width = s.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
                    height = s.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
                    fps = FrameRate(s);
                }
                else if (type == "audio")
                {
                    hasAudio = true;
                }
                if (s.TryGetProperty("duration", out var sd))
                    streamDuration = Math.Max(streamDuration, ParseSeconds(sd));
            }
        }
        if (duration <= 0)
            duration = streamDuration;
        return new MediaInfo(duration * 1000, hasVideo, hasAudio, width, height, fps);
    }

    /// <summary>The stream's frame rate ("30000/1001"): the average when ffprobe knows it, else the base rate; 0 when neither.</summary>
    private static double FrameRate(JsonElement stream)
    {
        foreach (var name in new[] { "avg_frame_rate", "r_frame_rate" })
        {
            if (stream.TryGetProperty(name, out var rate) && rate.GetString()?.Split('/') is [var n, var d]
                && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
                && double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var den) && num > 0 && den > 0)
            {
                return num / den;
            }
        }
        return 0;
    }

    private static double ParseSeconds(JsonElement e) =>
        e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : 0;

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
