using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Server.Data;
using Reelgen.Server.Http;
using Reelgen.Server.Jobs;
using Reelgen.Server.Storage;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Videos;

/// <summary>The generated-video object. Until the job finishes, only <c>id</c>, <c>jobId</c>, <c>name</c> and <c>createdAt</c> are set.</summary>
public sealed record GeneratedVideo(
    string Id,
    string JobId,
    string Name,
    string? PublicUrl,
    string? ShareId,
    string? ShareUrl,
    string? ThumbnailUrl,
    string? CaptionsUrl,
    long? VideoSizeBytes,
    double? VideoDurationSeconds,
    int? Width,
    int? Height,
    string CreatedAt,
    IReadOnlyList<string> Warnings,
    string? VttSubtitleString = null);

/// <summary>Generated videos: read and delete (<c>/generated-videos</c>, and <c>/videos</c> for older clients).</summary>
public static class VideosApi
{
    public static RouteGroupBuilder MapVideos(this RouteGroupBuilder api)
    {
        foreach (var prefix in new[] { "/generated-videos", "/videos" })
        {
            var videos = api.MapGroup(prefix).WithTags("Videos");
            videos.MapGet("", ListVideosAsync);
            videos.MapGet("/{videoId}", GetVideoAsync);
            videos.MapDelete("/{videoId}", DeleteVideoAsync);
        }
        return api;
    }

    /// <summary>The workspace's generated videos, newest first: <c>limit</c> and <c>cursor</c>.</summary>
    public static async Task<Results<Ok<Page<GeneratedVideo>>, ValidationProblem>> ListVideosAsync(
        HttpContext http, VideoStore videos, VideoStorage storage, IOptions<ReelgenOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        var page = PageRequest.Read(http.Request.Query, errors);
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var found = await videos.ListAsync(http.Workspace().Id, page, http.RequestAborted);
        var items = new List<GeneratedVideo>(found.Items.Count);
        foreach (var video in found.Items)
            items.Add(await DescribeAsync(video, options.Value, storage, http.RequestAborted));
        return TypedResults.Ok(new Page<GeneratedVideo>(items, found.NextCursor));
    }

    public static async Task<Results<Ok<GeneratedVideo>, NotFound<ProblemDetails>>> GetVideoAsync(
        string videoId, HttpContext http, VideoStore videos, VideoStorage storage, JobStore jobs, IOptions<ReelgenOptions> options)
    {
        var workspace = http.Workspace().Id;
        var video = await videos.FindAsync(workspace, videoId, http.RequestAborted);
        if (video is not null)
            return TypedResults.Ok(await DescribeAsync(video, options.Value, storage, http.RequestAborted));
        // The id is handed out at submit; until the render is stored, answer with what is known.
        var job = await jobs.FindByVideoAsync(workspace, videoId, http.RequestAborted);
        if (job is null || job.Status is JobStatus.Finished or JobStatus.Deleted)
            return Problems.NotFound("generated video", videoId);
        var name = System.Text.Json.JsonSerializer.Deserialize<VideoGenerationJobRequest>(job.Request, CreativeJson.Options)?.VideoCreative?.Settings?.Name ?? "Untitled video";
        return TypedResults.Ok(new GeneratedVideo(videoId, job.Id, name, null, null, null, null, null, null, null, null, null, ApiJson.Timestamp(job.CreatedAt),
            ApiJson.Warnings(job.Warnings).Select(w => (string)w!).ToList()));
    }

    /// <summary>Deletes the video and its files; its page, file, thumbnail and captions answer 404 at once.</summary>
    public static async Task<Results<Ok, NotFound<ProblemDetails>>> DeleteVideoAsync(string videoId, HttpContext http, VideoStore videos, VideoStorage storage)
    {
        var workspace = http.Workspace().Id;
        var video = await videos.FindAsync(workspace, videoId, http.RequestAborted);
        if (video is null || !await videos.DeleteAsync(workspace, videoId, http.RequestAborted))
            return Problems.NotFound("generated video", videoId);
        await storage.DeleteAsync(video.FileKey, http.RequestAborted);
        return TypedResults.Ok();
    }

    /// <summary>The record of a stored video; <c>vttSubtitleString</c> (the hosted service's name) is the captions file's text.</summary>
    public static async Task<GeneratedVideo> DescribeAsync(VideoRow v, ReelgenOptions o, VideoStorage storage, CancellationToken ct) => new(
        v.Id, v.JobId, v.Name,
        o.PublicUrl($"/files/{v.FileKey}.mp4"),
        v.ShareId,
        o.PublicUrl($"/share/{v.ShareId}"),
        o.PublicUrl($"/files/{v.FileKey}.jpg"),
        v.HasCaptions != 0 ? o.PublicUrl($"/files/{v.FileKey}.vtt") : null,
        v.SizeBytes, v.DurationSeconds, (int)v.Width, (int)v.Height,
        ApiJson.Timestamp(v.CreatedAt),
        ApiJson.Warnings(v.Warnings).Select(w => (string)w!).ToList(),
        // Null too when the video was deleted between the row read and the file read.
        v.HasCaptions != 0 ? await storage.ReadTextAsync(v.FileKey, ".vtt", ct) : null);
}
