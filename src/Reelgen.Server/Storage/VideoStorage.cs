using Microsoft.Extensions.Options;

namespace Reelgen.Server.Storage;

/// <summary>
/// Where finished videos are kept, named by their unguessable file key: <c>KEY.mp4</c>, <c>KEY.jpg</c> (thumbnail),
/// <c>KEY.vtt</c> and <c>KEY.srt</c> (captions). A local folder (<see cref="LocalVideoStorage"/>, the default) or an
/// S3-compatible bucket (<see cref="S3VideoStorage"/>), chosen by <c>Reelgen__Storage__Provider</c>.
/// </summary>
public abstract class VideoStorage
{
    protected VideoStorage(IOptions<ReelgenOptions> options)
    {
        WorkDirectory = Path.GetFullPath(options.Value.Worker.WorkDirectory ?? Path.Combine(options.Value.DataDirectory, "work"));
        Directory.CreateDirectory(WorkDirectory);
    }

    public static readonly string[] FileExtensions = [".mp4", ".jpg", ".vtt", ".srt"];

    /// <summary>Scratch space for renders in progress; always on local disk, never served.</summary>
    public string WorkDirectory { get; }

    /// <summary>Puts a finished file (in the work directory) in place; readers never see half a file.</summary>
    public abstract Task StoreAsync(string sourcePath, string fileKey, string extension, CancellationToken ct);

    public abstract Task<bool> ExistsAsync(string fileKey, string extension, CancellationToken ct);

    /// <summary>
    /// The answer to a GET or HEAD of one file (ranges, ETag, 304s), or null when it is missing.
    /// <paramref name="downloadName"/> set means "save as" rather than show inline.
    /// </summary>
    public abstract Task<IResult?> ServeAsync(string fileKey, string extension, string contentType, string? downloadName, CancellationToken ct);

    /// <summary>A small text file (captions) as a string, or null when it is missing.</summary>
    public abstract Task<string?> ReadTextAsync(string fileKey, string extension, CancellationToken ct);

    /// <summary>Removes every file of the video; missing ones are not an error.</summary>
    public abstract Task DeleteAsync(string fileKey, CancellationToken ct);
}
