using System.Globalization;

namespace Reelgen.Rendering;

public sealed partial class VideoRenderer
{
    /// <summary>
    /// Writes the poster of <paramref name="video"/>, rendered by this renderer, to <paramref name="jpegPath"/> as
    /// <see cref="ExtractThumbnailAsync(string, string, double, CancellationToken)"/> does. When the poster's frame lies
    /// inside a first scene kept in the scene cache, the poster is kept beside that scene, and a later video starting
    /// with the same scene copies it instead of starting ffmpeg: the same frame of the same bytes, so the same JPEG.
    /// </summary>
    public async Task<string?> ExtractThumbnailAsync(RenderResult video, string jpegPath, CancellationToken cancellationToken)
    {
        var scene = _sceneCache is null ? null : video.PosterScene;
        if (scene is not null && _sceneCache!.TryGetThumbnail(scene, jpegPath))
            return null;
        var failure = await ExtractThumbnailAsync(video.OutputPath, jpegPath, video.DurationSeconds, cancellationToken);
        if (failure is null && scene is not null)
        {
            try
            {
                _sceneCache!.StoreThumbnail(scene, jpegPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogSceneCacheWriteFailed(_logger, ex);
            }
        }
        return failure;
    }

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
