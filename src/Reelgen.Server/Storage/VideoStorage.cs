using Microsoft.Extensions.Options;

namespace Reelgen.Server.Storage;

/// <summary>
/// Finished videos on disk (a local folder, or a shared mount for a cluster), named by their unguessable file key:
/// <c>KEY.mp4</c>, <c>KEY.jpg</c> (thumbnail), <c>KEY.vtt</c> and <c>KEY.srt</c> (captions).
/// </summary>
public sealed class VideoStorage
{
    public VideoStorage(IOptions<ReelgenOptions> options)
    {
        Directory = Path.GetFullPath(options.Value.VideoDirectory);
        WorkDirectory = Path.GetFullPath(options.Value.Worker.WorkDirectory ?? Path.Combine(options.Value.DataDirectory, "work"));
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(WorkDirectory);
    }

    public string Directory { get; }

    /// <summary>Scratch space for renders in progress; never served.</summary>
    public string WorkDirectory { get; }

    public string PathFor(string fileKey, string extension) => Path.Combine(Directory, fileKey + extension);

    /// <summary>Moves a finished file into place. Same file system, so readers never see half a file.</summary>
    public void Store(string sourcePath, string fileKey, string extension) =>
        File.Move(sourcePath, PathFor(fileKey, extension), overwrite: true);

    public void Delete(string fileKey)
    {
        foreach (var extension in FileExtensions)
            File.Delete(PathFor(fileKey, extension));
    }

    public static readonly string[] FileExtensions = [".mp4", ".jpg", ".vtt", ".srt"];
}
