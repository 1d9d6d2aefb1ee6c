using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>Makes test media (with SkiaSharp and ffmpeg's lavfi) and measures rendered output with ffmpeg and ffprobe.</summary>
public static partial class TestMedia
{
    public static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "reelgen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A solid picture, optionally with a square of another colour in the middle.</summary>
    public static byte[] Png(int width, int height, SKColor color, SKColor? centre = null, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            if (centre is { } c)
            {
                using var paint = new SKPaint { Color = c };
                canvas.DrawRect(SKRect.Create(width / 4f, height / 4f, width / 2f, height / 2f), paint);
            }
        }
        using var data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>A clip of a solid colour (with a tone, 440 Hz unless told, unless silent) made by ffmpeg.</summary>
    public static byte[] Clip(string directory, double seconds, string color, int width = 160, int height = 120, bool withAudio = true, string? box = null, int fps = 25, int tone = 440)
    {
        var path = Path.Combine(directory, $"clip-{Guid.NewGuid():N}.mp4");
        var video = $"color=c={color}:s={width}x{height}:r={fps}:d={S(seconds)}";
        if (box is not null)
            video += $",drawbox=x={width / 4}:y={height / 4}:w={width / 2}:h={height / 2}:color={box}:t=fill";
        var args = new List<string> { "-f", "lavfi", "-i", video };
        if (withAudio)
            args.AddRange(["-f", "lavfi", "-i", $"sine=f={tone}:r=48000:d={S(seconds)}"]);
        args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
        if (withAudio)
            args.AddRange(["-c:a", "aac", "-shortest"]);
        args.Add(path);
        Ffmpeg(args);
        return File.ReadAllBytes(path);
    }

    /// <summary>A sine tone as WAV or MP3.</summary>
    public static byte[] Tone(string directory, double seconds, int frequency = 660, string extension = "wav")
    {
        var path = Path.Combine(directory, $"tone-{Guid.NewGuid():N}.{extension}");
        Ffmpeg(["-f", "lavfi", "-i", $"sine=f={frequency}:r=44100:d={S(seconds)}", path]);
        return File.ReadAllBytes(path);
    }

    /// <summary>The RGB colour of one pixel of the frame shown at <paramref name="seconds"/>.</summary>
    public static (int R, int G, int B) Pixel(string video, double seconds, int x, int y)
    {
        var (width, _) = Size(video);
        var frame = Frame(video, seconds);
        var i = ((y * width) + x) * 3;
        return (frame[i], frame[i + 1], frame[i + 2]);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long, double), byte[]> Frames = new();

    /// <summary>The frame shown at <paramref name="seconds"/> as rgb24 bytes (cached per file version and moment).</summary>
    public static byte[] Frame(string video, double seconds) =>
        Frames.GetOrAdd((video, File.GetLastWriteTimeUtc(video).Ticks, seconds), key => ExtractFrame(key.Item1, key.Item3));

    private static byte[] ExtractFrame(string video, double seconds)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-ss", S(seconds), "-i", video, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        Assert.True(ms.Length > 0, $"no frame at {seconds}s: {err.Result}");
        return ms.ToArray();
    }

    /// <summary>Saves the frame at <paramref name="seconds"/> as a PNG (for looking at it).</summary>
    public static void SaveFrame(string video, double seconds, string png) =>
        Ffmpeg(["-ss", S(seconds), "-i", video, "-frames:v", "1", png]);

    public static (int Width, int Height) Size(string video)
    {
        var s = Sizes.GetOrAdd((video, File.GetLastWriteTimeUtc(video).Ticks), key => Probe(key.Item1, "stream=width,height", "v:0")).Split(',');
        return (int.Parse(s[0], CultureInfo.InvariantCulture), int.Parse(s[1], CultureInfo.InvariantCulture));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long), string> Sizes = new();

    public static double Duration(string file) => double.Parse(Probe(file, "format=duration", null), CultureInfo.InvariantCulture);

    public static string Probe(string file, string entries, string? stream)
    {
        var args = new List<string> { "-v", "error" };
        if (stream is not null)
            args.AddRange(["-select_streams", stream]);
        args.AddRange(["-show_entries", entries, "-of", "csv=p=0", file]);
        return Run("ffprobe", args).Trim();
    }

    /// <summary>Mean volume in dB of the sound between two moments (-91 for digital silence).</summary>
    public static double MeanVolume(string video, double from, double to, string? filter = null)
    {
        var af = filter is null ? "volumedetect" : filter + ",volumedetect";
        var output = Run("ffmpeg", ["-v", "info", "-nostats", "-ss", S(from), "-t", S(to - from), "-i", video, "-vn", "-af", af, "-f", "null", "-"], stderr: true);
        var m = MeanVolumePattern().Match(output);
        Assert.True(m.Success, output);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Mean volume in dB of a whole file's sound, read without seeking.</summary>
    public static double MeanVolume(string file)
    {
        var output = Run("ffmpeg", ["-v", "info", "-nostats", "-i", file, "-vn", "-af", "volumedetect", "-f", "null", "-"], stderr: true);
        var m = MeanVolumePattern().Match(output);
        Assert.True(m.Success, output);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"mean_volume:\s*(-?[\d.]+|-inf) dB")]
    private static partial Regex MeanVolumePattern();

    /// <summary>Mean and peak level of a whole file in dB (ffmpeg's volumedetect).</summary>
    public static (double Mean, double Peak) Volume(string media)
    {
        var output = Run("ffmpeg", ["-v", "info", "-nostats", "-i", media, "-vn", "-af", "volumedetect", "-f", "null", "-"], stderr: true);
        var mean = MeanVolumePattern().Match(output);
        var peak = MaxVolumePattern().Match(output);
        Assert.True(mean.Success && peak.Success, output);
        return (double.Parse(mean.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(peak.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"max_volume:\s*(-?[\d.]+|-inf) dB")]
    private static partial Regex MaxVolumePattern();

    public static void AssertColour((int R, int G, int B) actual, (int R, int G, int B) expected, int tolerance = 24, string? because = null)
    {
        var ok = Math.Abs(actual.R - expected.R) <= tolerance && Math.Abs(actual.G - expected.G) <= tolerance && Math.Abs(actual.B - expected.B) <= tolerance;
        Assert.True(ok, $"expected ~{expected} but was {actual}{(because is null ? "" : " (" + because + ")")}");
    }

    public static void Ffmpeg(IEnumerable<string> args) => Run("ffmpeg", ["-v", "error", "-y", .. args]);

    public static string Run(string tool, IEnumerable<string> args, bool stderr = false)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed: {e.Result}");
        return stderr ? e.Result : o.Result;
    }

    private static string S(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
