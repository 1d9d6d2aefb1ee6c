using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Reelgen.Server.Jobs;

/// <summary>
/// The <c>Idempotency-Key</c> header of job submissions: a client that retries a submission with the same key and body
/// (after a timeout, say) gets the job its first request queued, never a second one. Keys belong to the workspace and
/// are kept for <see cref="ReelgenOptions.IdempotencyKeyLifetime"/>; the same key with another body is a 422.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 255;

    /// <summary>The header's problem, under the header's name, or null when it is absent or well formed.</summary>
    public static Dictionary<string, string[]>? Check(string? key) =>
        key is null || (key.Length is > 0 and <= MaxLength && key.All(ch => ch is >= '!' and <= '~'))
            ? null
            : new() { [Header] = [$"must be 1 to {MaxLength} visible ASCII characters (a UUID, say)."] };

    /// <summary>
    /// Queues <paramref name="job"/>, once per key when <paramref name="key"/> is set. <paramref name="route"/> and
    /// <paramref name="body"/> (the request as read) tell a retry from another request under the same key. A replayed
    /// answer carries <c>Idempotent-Replayed: true</c>.
    /// </summary>
    public static async Task<KeyedJob> QueueAsync(HttpContext http, JobStore jobs, WorkSignal signal, TimeSpan keep, string? key, string route, string body, NewJob job)
    {
        var workspaceId = Workspaces.TokenAuth.Workspace(http).Id;
        KeyedJob queued;
        if (key is null)
            queued = new KeyedJob(await jobs.CreateAsync(workspaceId, job.Request, job.CallbackUrl, job.Warnings, http.RequestAborted), Replayed: false);
        else
            queued = await jobs.CreateOnceAsync(workspaceId, key, Hash(route, body), keep, job, http.RequestAborted);
        if (queued.Replayed)
            http.Response.Headers["Idempotent-Replayed"] = "true";
        else if (queued.Job is not null)
            signal.Notify();
        return queued;
    }

    /// <summary>The 422 for a key this workspace already used with another request.</summary>
    public static UnprocessableEntity<ProblemDetails> Reused(TimeSpan keep)
    {
        var message = $"{Header}: this key was used with another request in the last {keep.TotalHours:0.##} h; send a new key for a new job.";
        return TypedResults.UnprocessableEntity(new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The idempotency key was used with another request.",
            Detail = message,
            Extensions =
            {
                ["message"] = message,
                ["errors"] = new Dictionary<string, string[]> { [Header] = ["was used with another request; send a new key for a new job."] },
            },
        });
    }

    private static string Hash(string route, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(route + "\n" + body)));
}
