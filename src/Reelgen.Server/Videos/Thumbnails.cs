using System.Diagnostics;
using System.Globalization;

namespace Reelgen.Server.Videos;

/// <summary>The poster of a video: a JPEG of the frame about 1 s in, or the first frame of a shorter video.</summary>
public static class Thumbnails
{
    /// <summary>Writes the poster to <paramref name="jpegPath"/>; returns null, or why there is none (the caller logs it).</summary>
    public static async Task<string?> ExtractAsync(string videoPath, string jpegPath, double durationSeconds, CancellationToken ct)
    {
        var at = durationSeconds > 1.5 ? 1.0 : 0;
        // The video is Reelgen's own MP4; like every ffmpeg input it is opened with its demuxer named, local files only.
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-hide_banner", "-nostdin", "-y", "-f", "mp4", "-protocol_whitelist", "file", "-ss", at.ToString(CultureInfo.InvariantCulture), "-i", videoPath, "-frames:v", "1", "-q:v", "3", "-update", "1", jpegPath })
            psi.ArgumentList.Add(arg);
        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"ffmpeg could not be started: {ex.Message}";
        }
        if (process is null)
            return "ffmpeg could not be started";
        using (process)
        using (ct.Register(() => { try { process.Kill(true); } catch (InvalidOperationException) { } }))
        {
            var stderr = await process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
                return $"ffmpeg exited with {process.ExitCode}: {stderr[^Math.Min(stderr.Length, 300)..].Trim()}";
            if (!File.Exists(jpegPath) || new FileInfo(jpegPath).Length == 0)
                return "ffmpeg wrote no frame";
        }
        return null;
    }
}
