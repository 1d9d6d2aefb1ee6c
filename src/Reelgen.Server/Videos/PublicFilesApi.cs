using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Reelgen.Server.Storage;

namespace Reelgen.Server.Videos;

/// <summary>
/// The public files of a video, reachable without a token by anyone who has the unguessable key:
/// <c>/files/KEY.mp4</c> (ranges, ETag, 304), <c>KEY.jpg</c> (thumbnail), <c>KEY.vtt</c> (captions).
/// </summary>
public static class PublicFilesApi
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".mp4"] = "video/mp4",
        [".jpg"] = "image/jpeg",
        [".vtt"] = "text/vtt; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapPublicFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/files/{name}", GetFileAsync).WithTags("Public files");
        return app;
    }

    public static async Task<Results<PhysicalFileHttpResult, NotFound>> GetFileAsync(string name, bool? download, HttpContext http, VideoStore videos, VideoStorage storage)
    {
        var extension = Path.GetExtension(name);
        var key = Path.GetFileNameWithoutExtension(name);
        if (!ContentTypes.TryGetValue(extension, out var contentType) || key.Length == 0)
            return TypedResults.NotFound();
        var video = await videos.FindByFileKeyAsync(key, http.RequestAborted);
        var path = storage.PathFor(key, extension);
        if (video is null || !File.Exists(path))
            return TypedResults.NotFound();
        var info = new FileInfo(path);
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.PhysicalFile(
            path,
            contentType,
            fileDownloadName: download == true ? DownloadName(video.Name, extension) : null,
            lastModified: info.LastWriteTimeUtc,
            entityTag: etag,
            enableRangeProcessing: true);
    }

    private static string DownloadName(string name, string extension)
    {
        var safe = new string(name.Select(c => char.IsControl(c) || Path.GetInvalidFileNameChars().Contains(c) ? '_' : c).ToArray()).Trim();
        return (safe.Length == 0 ? "video" : safe) + extension;
    }
}
