using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Reelgen.Server.Storage;

/// <summary>Videos in a folder on this machine (or a shared mount for several machines).</summary>
public sealed class LocalVideoStorage : VideoStorage
{
    public LocalVideoStorage(IOptions<ReelgenOptions> options) : base(options)
    {
        Directory = Path.GetFullPath(options.Value.VideoDirectory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathFor(string fileKey, string extension) => Path.Combine(Directory, fileKey + extension);

    /// <summary>A move within one file system is atomic, so readers never see half a file.</summary>
    public override Task StoreAsync(string sourcePath, string fileKey, string extension, CancellationToken ct)
    {
        File.Move(sourcePath, PathFor(fileKey, extension), overwrite: true);
        return Task.CompletedTask;
    }

    public override Task<bool> ExistsAsync(string fileKey, string extension, CancellationToken ct) =>
        Task.FromResult(File.Exists(PathFor(fileKey, extension)));

    public override Task<IResult?> ServeAsync(string fileKey, string extension, string contentType, string? downloadName, CancellationToken ct)
    {
        var info = new FileInfo(PathFor(fileKey, extension));
        if (!info.Exists)
            return Task.FromResult<IResult?>(null);
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
        return Task.FromResult<IResult?>(TypedResults.PhysicalFile(
            info.FullName, contentType, downloadName, info.LastWriteTimeUtc, etag, enableRangeProcessing: true));
    }

    public override async Task<string?> ReadTextAsync(string fileKey, string extension, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(PathFor(fileKey, extension), ct);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public override Task DeleteAsync(string fileKey, CancellationToken ct)
    {
        foreach (var extension in FileExtensions)
            File.Delete(PathFor(fileKey, extension));
        return Task.CompletedTask;
    }
}
