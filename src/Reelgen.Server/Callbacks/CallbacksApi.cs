using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reelgen.Server.Http;
using Reelgen.Server.Jobs;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Callbacks;

public sealed record CallbackAttemptView(long Attempt, string At, int? StatusCode, string? Error, long DurationMs);

public sealed record CallbackDeliveryView(string Id, string Url, string Status, string? NextAttemptAt, string CreatedAt, string UpdatedAt, IReadOnlyList<CallbackAttemptView> Attempts);

public sealed record JobCallbacksView(string JobId, IReadOnlyList<CallbackDeliveryView> Deliveries);

public sealed record RedeliveryView(string JobId, string Status);

/// <summary>A job's callback: what was sent, each attempt, and sending it again.</summary>
public static class CallbacksApi
{
    public static RouteGroupBuilder MapCallbacks(this RouteGroupBuilder api)
    {
        var callbacks = api.MapGroup("/video-generation-jobs/{jobId}/callbacks").WithTags("Callbacks");
        callbacks.MapGet("", ListAsync);
        callbacks.MapPost("/redeliver", RedeliverAsync);
        return api;
    }

    public static async Task<Results<Ok<JobCallbacksView>, NotFound<ProblemDetails>>> ListAsync(string jobId, HttpContext http, JobStore jobs, CallbackStore callbacks)
    {
        var ct = http.RequestAborted;
        if (await jobs.FindAsync(http.Workspace().Id, jobId, ct) is null)
            return Problems.NotFound("video-generation job", jobId);
        var views = new List<CallbackDeliveryView>();
        foreach (var d in await callbacks.ListForJobAsync(jobId, ct))
        {
            var attempts = (await callbacks.AttemptsAsync(d.Id, ct))
                .Select(a => new CallbackAttemptView(a.Attempt, ApiJson.Timestamp(a.AttemptedAt), (int?)a.StatusCode, a.Error, a.DurationMs))
                .ToList();
            views.Add(new CallbackDeliveryView(
                d.Id, d.Url, d.Status, d.Status == CallbackStatus.Pending ? ApiJson.Timestamp(d.NextAttemptAt) : null,
                ApiJson.Timestamp(d.CreatedAt), ApiJson.Timestamp(d.UpdatedAt), attempts));
        }
        return TypedResults.Ok(new JobCallbacksView(jobId, views));
    }

    /// <summary>Sends the job's callback again with the same <c>webhook-id</c> (receivers that already have it can drop it).</summary>
    public static async Task<Results<Accepted<RedeliveryView>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RedeliverAsync(
        string jobId, HttpContext http, JobLifecycle lifecycle, WorkSignal signal)
    {
        switch (await lifecycle.RedeliverCallbackAsync(http.Workspace().Id, jobId, http.RequestAborted))
        {
            case RedeliverResult.NoJob:
                return Problems.NotFound("video-generation job", jobId);
            case RedeliverResult.JobDeleted:
                return Problems.Conflict("The job was deleted; its callback is not sent any more.");
            case RedeliverResult.NoDelivery:
                return Problems.Conflict("The job has no callback to send: it has no callback URL, or it has not finished or failed yet.");
            default:
                signal.NotifyCallbacks();
                var location = http.Request.Path.Value![..^"/redeliver".Length];
                return TypedResults.Accepted(location, new RedeliveryView(jobId, CallbackStatus.Pending));
        }
    }
}
