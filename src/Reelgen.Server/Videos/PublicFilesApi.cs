using Microsoft.Net.Http.Headers;
using Reelgen.Server.Storage;

namespace Reelgen.Server.Videos;

/// <summary>
/// The public files of a video, reachable without a token by anyone who has the unguessable key:
/// <c>/files/KEY.mp4</c>, <c>KEY.jpg</c> (thumbnail), <c>KEY.vtt</c> and <c>KEY.srt</c> (captions). GET and HEAD, byte ranges,
/// ETag and Last-Modified with 304s; <c>?download=1</c> asks the browser to save the file under the video's name.
/// </summary>
public static class PublicFilesApi
{
    public static IEndpointRouteBuilder MapPublicFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/files/{name}", [HttpMethods.Get, HttpMethods.Head], GetFileAsync).WithTags("Public files");
        return app;
    }

    public static async Task<IResult> GetFileAsync(string name, string? download, HttpContext http, VideoStore videos, VideoStorage storage)
    {
        var extension = Path.GetExtension(name);
        var key = Path.GetFileNameWithoutExtension(name);
        if (!ContentTypes.IsStored(extension) || key.Length == 0)
            return TypedResults.NotFound();
        // The row decides, not the file: a deleted video answers 404 even while its files are being removed.
        var video = await videos.FindByFileKeyAsync(key, http.RequestAborted);
        if (video is null)
            return TypedResults.NotFound();
        var headers = http.Response.Headers;
        // Caches may keep the bytes but must ask again before each use, so a deletion takes effect at once.
        headers.CacheControl = "public, no-cache";
        headers.XContentTypeOptions = "nosniff";
        var fileName = DownloadName(video.Name, extension);
        var saveAs = download is "1" or "true";
        if (!saveAs)
        {
            var inline = new ContentDispositionHeaderValue("inline");
            inline.SetHttpFileName(fileName);
            headers.ContentDisposition = inline.ToString();
        }
        return await storage.ServeAsync(key, extension, ContentTypes.For(extension), saveAs ? fileName : null, http.RequestAborted)
            ?? TypedResults.NotFound();
    }

    /// <summary>The video's name as a file name that is valid on every system the download may land on.</summary>
    public static string DownloadName(string name, string extension)
    {
        var safe = new string(name.Select(c => char.IsControl(c) || "<>:\"/\\|?*".Contains(c) ? '_' : c).ToArray()).Trim().TrimEnd('.');
        return (safe.Length == 0 ? "video" : safe) + extension;
    }
}
