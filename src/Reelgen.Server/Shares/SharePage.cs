using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Reelgen.Server.Storage;
using Reelgen.Server.Videos;

namespace Reelgen.Server.Shares;

/// <summary>
/// The share page, <c>GET /share/{shareId}</c> (a video's <c>shareUrl</c>, and the callback's <c>videoUrl</c>): anyone
/// with the link can watch and download. Server-rendered HTML without scripts; a deleted video's page is gone at once
/// because nothing here is cached without revalidation.
/// </summary>
public static class SharePage
{
    public static IEndpointRouteBuilder MapSharePage(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/share/{shareId}", [HttpMethods.Get, HttpMethods.Head], GetSharePageAsync)
            .WithTags("Share page")
            .ExcludeFromDescription();
        // A literal segment outranks {shareId}, and share ids are hex, so the icon can never shadow a page.
        app.MapMethods("/share/favicon.svg", [HttpMethods.Get, HttpMethods.Head], GetIcon).ExcludeFromDescription();
        return app;
    }

    public static ContentHttpResult GetIcon(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=86400";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Content(SharePageHtml.Icon, "image/svg+xml");
    }

    public static async Task<ContentHttpResult> GetSharePageAsync(string shareId, HttpContext http, VideoStore videos, VideoStorage storage, IOptions<ReelgenOptions> options)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = SharePageHtml.ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers["X-Robots-Tag"] = "noindex";
        headers.CacheControl = "no-cache";

        var video = await videos.FindByShareIdAsync(shareId, http.RequestAborted);
        var ct = http.RequestAborted;
        if (video is null || !await storage.ExistsAsync(video.FileKey, ".mp4", ct))
            return TypedResults.Content(SharePageHtml.NotFound(), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

        var page = new ShareView(
            video,
            HasThumbnail: await storage.ExistsAsync(video.FileKey, ".jpg", ct),
            HasCaptions: video.HasCaptions != 0 && await storage.ExistsAsync(video.FileKey, ".vtt", ct),
            Absolute: options.Value.PublicUrl);
        return TypedResults.Content(SharePageHtml.Render(page), "text/html; charset=utf-8");
    }
}

/// <summary>What the share page shows of one video.</summary>
/// <param name="Video">The stored video.</param>
/// <param name="HasThumbnail">A poster exists.</param>
/// <param name="HasCaptions">A captions file exists.</param>
/// <param name="Absolute">Turns a path into the URL clients reach (for link previews, which need absolute URLs).</param>
public sealed record ShareView(VideoRow Video, bool HasThumbnail, bool HasCaptions, Func<string, string> Absolute);
