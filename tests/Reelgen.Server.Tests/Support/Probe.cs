using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Reelgen.Server.Tests.Support;

/// <summary>ffprobe of a media file.</summary>
public sealed record MediaInfo(double DurationSeconds, string? VideoCodec, string? AudioCodec, int Width, int Height, string? PixelFormat, int AudioSampleRate);

public static class Probe
{
    public static async Task<MediaInfo> ReadAsync(string path)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"ffprobe could not read {path}: {await p.StandardError.ReadToEndAsync()}");
        var json = JsonNode.Parse(output)!;
        var streams = json["streams"]!.AsArray();
        var video = streams.FirstOrDefault(s => (string?)s!["codec_type"] == "video");
        var audio = streams.FirstOrDefault(s => (string?)s!["codec_type"] == "audio");
        return new MediaInfo(
            double.Parse((string)json["format"]!["duration"]!, CultureInfo.InvariantCulture),
            (string?)video?["codec_name"],
            (string?)audio?["codec_name"],
            (int?)video?["width"] ?? 0,
            (int?)video?["height"] ?? 0,
            (string?)video?["pix_fmt"],
            int.Parse((string?)audio?["sample_rate"] ?? "0", CultureInfo.InvariantCulture));
    }

    /// <summary>Codec and size of a still image (which has no duration, so <see cref="ReadAsync"/> does not fit).</summary>
    public static async Task<(string? Codec, int Width, int Height)> ReadImageAsync(string path)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-print_format", "json", "-show_streams", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"ffprobe could not read {path}: {await p.StandardError.ReadToEndAsync()}");
        var stream = JsonNode.Parse(output)!["streams"]!.AsArray().Single()!;
        return ((string?)stream["codec_name"], (int?)stream["width"] ?? 0, (int?)stream["height"] ?? 0);
    }

    /// <summary>The mean level of the whole audio track in dB (ffmpeg volumedetect); silence is -91 dB or -inf.</summary>
    public static async Task<double> MeanVolumeAsync(string path)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "info", "-nostats", "-i", path, "-vn", "-af", "volumedetect", "-f", "null", "-" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errors = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var at = errors.IndexOf("mean_volume:", StringComparison.Ordinal);
        Assert.True(at >= 0, $"volumedetect found no audio in {path}: {errors}");
        var value = errors[(at + "mean_volume:".Length)..].Split(" dB", 2)[0].Trim();
        return value == "-inf" ? double.NegativeInfinity : double.Parse(value, CultureInfo.InvariantCulture);
    }
}
