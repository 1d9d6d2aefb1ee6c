using System.Globalization;

namespace Reelgen.Rendering;

public sealed partial class VideoRenderer
{
    /// <summary>
    /// Writes the poster of a rendered video to <paramref name="jpegPath"/>: a JPEG of the frame about 1 s in, or the
    /// first frame of a shorter video. Returns null, or why there is none (a video without a poster is still a video;
    /// the caller logs the reason).
    /// </summary>
    public async Task<string?> ExtractThumbnailAsync(string videoPath, string jpegPath, double durationSeconds, CancellationToken cancellationToken)
    {
        var at = durationSeconds > 1.5 ? 1.0 : 0;
        // The video is Reelgen's own MP4; like every ffmpeg input it is opened with its demuxer named, local files only.
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(
                _options.FfmpegPath,
                ["-hide_banner", "-nostdin", "-y", "-v", "error", "-f", "mp4", "-protocol_whitelist", "file", "-ss", at.ToString(CultureInfo.InvariantCulture), "-i", videoPath, "-frames:v", "1", "-q:v", "3", "-update", "1", jpegPath],
                _options.ToolTimeout,
                cancellationToken,
                time: _time);
        }
        catch (RenderException ex)
        {
            return ex.Message;
        }
        if (result.ExitCode != 0)
            return $"ffmpeg exited with {result.ExitCode}: {result.ErrorTail}";
        if (!File.Exists(jpegPath) || new FileInfo(jpegPath).Length == 0)
            return "ffmpeg wrote no frame";
        return null;
    }
}
