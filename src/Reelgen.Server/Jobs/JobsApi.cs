using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Data;
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
    public static async Task<Results<Ok<CreatedJob>, ValidationProblem>> CreateJobAsync(
        HttpContext http, JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds)
    {
        // Old clients send JSON without a Content-Type, so the body is read whatever the header says.
        var (node, request, errors) = await ReadJsonAsync<VideoGenerationJobRequest>(http.Request);
        List<string> warnings = [];
        if (errors is null)
        {
            // The stored job stays as the client sent it; the worker makes the same substitutions again.
            warnings = hostedIds.StandIn(request!);
            errors = TemplatesApi.Validator(voices, presenters, options.Value.Limits, requireValues: true).Validate(request!);
            CallbackRules.Validate(request!.Callback, "callback", node!["callbackPayload"], options.Value.Network.AllowPrivateAddresses, errors);
        }
        if (errors.Count > 0)
            return Invalid(errors);
        var job = await jobs.CreateAsync(http.Workspace().Id, node!.ToJsonString(), request!.Callback, warnings, http.RequestAborted);
        signal.Notify();
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
            return Invalid(errors);
        var found = await jobs.ListAsync(http.Workspace().Id, page, status, http.RequestAborted);
        return TypedResults.Ok(new Page<JsonObject>([.. found.Items.Select(Describe)], found.NextCursor));
    }

    /// <summary>One job: its state and the job as submitted.</summary>
    public static async Task<Results<JobJson, NotFound<ProblemDetails>>> GetJobAsync(string jobId, HttpContext http, JobResponses responses)
    {
        var body = await responses.FindAsync(http.Workspace().Id, jobId, http.RequestAborted);
        if (body is null)
            return NotFound("video-generation job", jobId);
        return new JobJson(body);
    }

    /// <summary>Cancels: the job becomes <c>deleted</c>, a render of it stops within a second, and no callback follows.</summary>
    public static async Task<Results<Ok, NotFound<ProblemDetails>>> DeleteJobAsync(string jobId, HttpContext http, JobStore jobs, RunningRenders running)
    {
        if (!await jobs.DeleteAsync(http.Workspace().Id, jobId, http.RequestAborted))
            return NotFound("video-generation job", jobId);
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
        result["createdAt"] = Timestamp(job.CreatedAt);
        result["updatedAt"] = Timestamp(job.UpdatedAt);
        // The names the hosted service's job records use for the same facts.
        result["creationDate"] = Timestamp(job.CreatedAt);
        result["isAPIGenerated"] = true;
        result["warnings"] = Warnings(job.Warnings);
        if (job.Error is not null)
            result["error"] = job.Error;
        if (job.RenderStats is not null)
            result["renderStats"] = JsonNode.Parse(job.RenderStats);
        return result;
    }

    /// <summary>The stored warnings as a JSON array, empty when there were none.</summary>
    public static JsonArray Warnings(string? stored) => stored is null ? [] : JsonNode.Parse(stored) as JsonArray ?? [];

    public static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static NotFound<ProblemDetails> NotFound(string what, string id) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = 404,
            Title = "Not found",
            Detail = $"No {what} '{id}' in this workspace.",
            Extensions = { ["message"] = $"No {what} '{id}' in this workspace." },
        });

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors)
    {
        var first = errors.First();
        return TypedResults.ValidationProblem(
            errors,
            title: "The request is invalid.",
            detail: $"{first.Key}: {first.Value[0]}",
            extensions: new Dictionary<string, object?> { ["message"] = $"{first.Key}: {first.Value[0]}" });
    }

    /// <summary>Reads a JSON object body; a syntax or type error is reported under the JSON path where it was found.</summary>
    public static async Task<(JsonObject? Node, T? Value, Dictionary<string, string[]>? Errors)> ReadJsonAsync<T>(HttpRequest request)
        where T : class
    {
        static Dictionary<string, string[]> Error(string path, string message) => new() { [path] = [message] };
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false }, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return (null, null, Error("body", $"is not valid JSON: {ex.Message}"));
        }
        if (node is not JsonObject obj)
            return (null, null, Error("body", "must be a JSON object."));
        try
        {
            var value = obj.Deserialize<T>(CreativeJson.Options);
            return value is null ? (null, null, Error("body", "must be a JSON object.")) : (obj, value, null);
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 2 } p ? p[2..] : "body";
            return (null, null, Error(path, $"has the wrong type: {TypeHint(ex.Message)}"));
        }
    }

    private static string TypeHint(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
