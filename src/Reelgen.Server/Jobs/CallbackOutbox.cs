using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Http;

namespace Reelgen.Server.Jobs;

/// <summary>
/// A job's callback: its body, built from the job, enqueued in the same transaction that ends the job (see
/// <see cref="JobLifecycle"/>), so a delivery exists if and only if the job ended. The dispatcher sends it.
/// </summary>
public sealed class CallbackOutbox(IOptions<ReelgenOptions> options, CallbackStore store)
{
    public Task EnqueueAsync(DbConnection connection, DbTransaction transaction, JobRow job, string status, string? fileKey, string? shareId, string? error, CancellationToken ct) =>
        job.CallbackUrl is null
            ? Task.CompletedTask
            : store.EnqueueAsync(connection, transaction, job.Id, job.WorkspaceId, job.CallbackUrl, BuildBody(job, status, fileKey, shareId, error), ct);

    /// <summary>
    /// The body: <c>url</c>, <c>videoUrl</c>, <c>shareUrl</c>, <c>status</c>, <c>jobId</c>, <c>videoId</c> (and
    /// <c>error</c> on failure, <c>warnings</c> when ids were replaced by stand-ins), then every key of dynamicVariables and callbackPayload, flat. The reserved keys are
    /// refused in callbackPayload at submit, so nothing the client sent is overwritten.
    /// </summary>
    public string BuildBody(JobRow job, string status, string? fileKey, string? shareId, string? error)
    {
        var o = options.Value;
        var request = JsonNode.Parse(job.Request)!.AsObject();
        var shareUrl = shareId is null ? null : o.PublicUrl($"/share/{shareId}");
        var body = new JsonObject
        {
            ["url"] = fileKey is null ? null : o.PublicUrl($"/files/{fileKey}.mp4"),
            ["videoUrl"] = shareUrl,
            ["shareUrl"] = shareUrl,
            ["status"] = status,
            ["jobId"] = job.Id,
            ["videoId"] = job.VideoId,
        };
        if (error is not null)
            body["error"] = error;
        if (job.Warnings is not null)
            body["warnings"] = ApiJson.Warnings(job.Warnings);
        var typed = request.Deserialize<VideoGenerationJobRequest>(CreativeJson.Options);
        foreach (var (key, value) in typed is null ? [] : DynamicVariables.Merge(typed))
        {
            if (!body.ContainsKey(key))
                body[key] = JsonNode.Parse(value.GetRawText());
        }
        foreach (var (key, value) in request["callbackPayload"] as JsonObject ?? [])
        {
            if (!CallbackRules.ReservedKeys.Contains(key) && key != "error" && !(key == "warnings" && body.ContainsKey(key)))
                body[key] = value?.DeepClone();
        }
        return body.ToJsonString();
    }
}
