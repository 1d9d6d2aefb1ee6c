using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Data;
using Reelgen.Server.Http;
using Reelgen.Server.Operations;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Jobs;

public sealed record CreatedJob(string Id, string VideoId);

/// <summary>Video-generation jobs: submit, poll, cancel.</summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/video-generation-jobs").WithTags("Jobs");
        jobs.MapPost("", CreateJobAsync).Accepts<VideoGenerationJobRequest>("application/json").RequireFreeDisk();
        jobs.MapGet("", ListJobsAsync);
        jobs.MapGet("/{jobId}", GetJobAsync);
        jobs.MapDelete("/{jobId}", DeleteJobAsync);
        jobs.MapTemplates();
        return api;
    }

    /// <summary>Accepts a job. The job is committed before the answer, so a 200 survives any crash after it.</summary>
    public static async Task<Results<Ok<CreatedJob>, ValidationProblem, UnprocessableEntity<ProblemDetails>>> CreateJobAsync(
        HttpContext http, JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey = null)
    {
        if (IdempotencyKey.Check(idempotencyKey) is { } keyErrors)
            return Problems.Invalid(keyErrors);
        // Old clients send JSON without a Content-Type, so the body is read whatever the header says.
        return await SubmitAsync(http.Request.Body, http, jobs, signal, options.Value, voices, presenters, hostedIds, idempotencyKey);
    }

    /// <summary>
    /// Reads, checks and queues one job for the caller's workspace from a JSON body: the one way a job comes in, for the
    /// API and the dashboard's form alike.
    /// </summary>
    public static async Task<Results<Ok<CreatedJob>, ValidationProblem, UnprocessableEntity<ProblemDetails>>> SubmitAsync(
        Stream json, HttpContext http, JobStore jobs, WorkSignal signal, ReelgenOptions options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds,
        string? idempotencyKey)
    {
        var (node, request, errors) = await JsonBody.ReadAsync<VideoGenerationJobRequest>(json, http.RequestAborted);
        List<string> warnings = [];
        if (errors is null)
        {
            // The stored job stays as the client sent it; the worker makes the same substitutions again.
            warnings = hostedIds.StandIn(request!);
            errors = TemplatesApi.Validator(voices, presenters, options.Limits, requireValues: true).Validate(request!);
            CallbackRules.Validate(request!.Callback, "callback", node!["callbackPayload"], options.Network.AllowPrivateAddresses, errors);
        }
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var body = node!.ToJsonString();
        var keep = options.IdempotencyKeyLifetime;
        var queued = await IdempotencyKey.QueueAsync(http, jobs, signal, keep, idempotencyKey, "video-generation-jobs", body, new NewJob(body, request!.Callback, warnings));
        if (queued.Job is not { } job)
            return IdempotencyKey.Reused(keep);
        return TypedResults.Ok(new CreatedJob(job.Id, job.VideoId));
    }

    /// <summary>The workspace's jobs, newest first: <c>limit</c>, <c>cursor</c> and an optional <c>status</c>.</summary>
    public static async Task<Results<Ok<Page<JsonObject>>, ValidationProblem>> ListJobsAsync(HttpContext http, JobStore jobs)
    {
        var errors = new Dictionary<string, string[]>();
        var page = PageRequest.Read(http.Request.Query, errors);
        var status = http.Request.Query["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !JobStatus.All.Contains(status))
            errors["status"] = [$"'{status}' is not a status: one of {string.Join(", ", JobStatus.All)}."];
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var found = await jobs.ListAsync(http.Workspace().Id, page, status, http.RequestAborted);
        return TypedResults.Ok(new Page<JsonObject>([.. found.Items.Select(Describe)], found.NextCursor));
    }

    /// <summary>One job: its state and the job as submitted.</summary>
    public static async Task<Results<JobJson, NotFound<ProblemDetails>>> GetJobAsync(string jobId, HttpContext http, JobResponses responses, JobStore jobs)
    {
        var answer = await responses.FindAsync(jobs, http.Workspace().Id, jobId, http.RequestAborted);
        if (answer is null)
            return Problems.NotFound("video-generation job", jobId);
        return new JobJson(answer);
    }

    /// <summary>Cancels: the job becomes <c>deleted</c>, a render of it stops within a second, and no callback follows.</summary>
    public static async Task<Results<Ok, NotFound<ProblemDetails>>> DeleteJobAsync(string jobId, HttpContext http, JobLifecycle lifecycle, RunningRenders running)
    {
        if (!await lifecycle.DeleteAsync(http.Workspace().Id, jobId, http.RequestAborted))
            return Problems.NotFound("video-generation job", jobId);
        running.Cancel(jobId);
        return TypedResults.Ok();
    }

    /// <summary>The job as stored (what the client sent), with its state on top (as <see cref="JobResponses"/> writes it for one job).</summary>
    public static JsonObject Describe(JobRow job)
    {
        var result = JsonNode.Parse(job.Request) as JsonObject ?? [];
        result["id"] = job.Id;
        result["videoId"] = job.VideoId;
        result["status"] = job.Status;
        result["progress"] = job.Progress;
        result["maximumProgress"] = job.MaximumProgress;
        result["createdAt"] = ApiJson.Timestamp(job.CreatedAt);
        result["updatedAt"] = ApiJson.Timestamp(job.UpdatedAt);
        // The names the hosted service's job records use for the same facts.
        result["creationDate"] = ApiJson.Timestamp(job.CreatedAt);
        result["isAPIGenerated"] = true;
        result["warnings"] = ApiJson.Warnings(job.Warnings);
        if (job.Error is not null)
            result["error"] = job.Error;
        if (job.RenderStats is not null)
            result["renderStats"] = JsonNode.Parse(job.RenderStats);
        return result;
    }
}
