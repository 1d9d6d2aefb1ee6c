using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Server.Http;
using Reelgen.Server.Jobs;
using Reelgen.Server.Storage;
using Reelgen.Server.Videos;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Events;

/// <summary>How live progress is streamed, bound from <c>Reelgen:Events</c> (env: <c>Reelgen__Events__X</c>).</summary>
public sealed class EventsOptions
{
    public const string Section = "Reelgen:Events";

    /// <summary>How often a stream looks at its job. The job is read from the database, so a render in any process shows.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A comment line is sent after this long without an event, so proxies do not close a quiet stream.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>One event of the stream: the job's state, and on the last one (<c>event: done</c>) its video.</summary>
public sealed record JobEvent(
    string Id,
    string VideoId,
    string Status,
    long Progress,
    long MaximumProgress,
    string UpdatedAt,
    string? Error,
    GeneratedVideo? Video);

/// <summary>
/// <c>GET /video-generation-jobs/{jobId}/events</c>: the job's progress as Server-Sent Events, so a client sees each
/// change without polling. An <c>event: progress</c> for the current state at once and for every change of status or
/// progress, then one <c>event: done</c> with the final state (and, when finished, the video with its URLs), and
/// the stream ends. Comment lines (<c>: heartbeat</c>) keep a quiet stream open through proxies.
/// </summary>
public static class JobEventsApi
{
    public static IServiceCollection AddJobEvents(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static RouteGroupBuilder MapJobEvents(this RouteGroupBuilder api)
    {
        api.MapGet("/video-generation-jobs/{jobId}/events", StreamAsync)
            .WithTags("Jobs")
            .WithSummary("Live progress as Server-Sent Events")
            .WithDescription("'event: progress' for the current state and each change, then 'event: done' with the final state and the video; then the stream ends. Each data line is a JobEvent.")
            .Produces<JobEvent>(StatusCodes.Status200OK, "text/event-stream");
        return api;
    }

    public static async Task<Results<EmptyHttpResult, NotFound<ProblemDetails>>> StreamAsync(
        string jobId, HttpContext http, JobStore jobs, VideoStore videos, VideoStorage storage, TimeProvider time, IOptions<EventsOptions> events, IOptions<ReelgenOptions> options)
    {
        var ct = http.RequestAborted;
        var workspace = http.Workspace().Id;
        var job = await jobs.FindAsync(workspace, jobId, ct);
        if (job is null)
            return Problems.NotFound("video-generation job", jobId);

        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // nginx buffers responses unless told not to; a buffered event stream arrives all at once at the end.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(ct);

        var settings = events.Value;
        (string Status, long Progress)? sent = null;
        var lastWrite = time.GetTimestamp();
        var sequence = 0;
        try
        {
            while (job is not null)
            {
                if (sent != (job.Status, job.Progress))
                {
                    var final = JobStatus.IsFinal(job.Status);
                    var video = final && job.Status == JobStatus.Finished && await videos.FindAsync(workspace, job.VideoId, ct) is { } row
                        ? await VideosApi.DescribeAsync(row, options.Value, storage, ct)
                        : null;
                    var data = new JobEvent(job.Id, job.VideoId, job.Status, job.Progress, job.MaximumProgress, ApiJson.Timestamp(job.UpdatedAt), job.Error, video);
                    await WriteAsync(response, $"id: {++sequence}\nevent: {(final ? "done" : "progress")}\ndata: {JsonSerializer.Serialize(data, JsonSerializerOptions.Web)}\n\n", ct);
                    lastWrite = time.GetTimestamp();
                    if (final)
                        break;
                    sent = (job.Status, job.Progress);
                }
                else if (time.GetElapsedTime(lastWrite) >= settings.HeartbeatInterval)
                {
                    await WriteAsync(response, ": heartbeat\n\n", ct);
                    lastWrite = time.GetTimestamp();
                }
                await Task.Delay(settings.PollInterval, time, ct);
                job = await jobs.FindAsync(workspace, jobId, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; nothing to finish.
        }
        return TypedResults.Empty;
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
