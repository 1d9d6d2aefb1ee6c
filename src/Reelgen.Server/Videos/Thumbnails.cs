using System.Diagnostics;
using System.Globalization;

namespace Reelgen.Server.Videos;

/// <summary>The poster of a video: a JPEG of the frame about 1 s in, or the first frame of a shorter video.</summary>
public static class Thumbnails
{
    public static async Task ExtractAsync(string videoPath, string jpegPath, double durationSeconds, CancellationToken ct)
    {
        var at = durationSeconds > 1.5 ? 1.0 : 0;
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-hide_banner", "-nostdin", "-y", "-protocol_whitelist", "file,pipe", "-ss", at.ToString(CultureInfo.InvariantCulture), "-i", videoPath, "-frames:v", "1", "-q:v", "3", jpegPath })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
    }
}
