using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Server.Http;
using Reelgen.Server.Jobs;

namespace Reelgen.Server.Callbacks;

/// <summary>
/// Writes a job's callback in the same transaction that ends the job, so a delivery exists if and only if the job
/// ended: a crash between the two cannot lose it. The dispatcher sends what is written here.
/// </summary>
public sealed class CallbackOutbox(IOptions<ReelgenOptions> options, TimeProvider time)
{
    public static readonly string[] ReservedKeys = ["url", "videoUrl", "shareUrl", "status", "jobId", "videoId"];

    public async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, JobRow job, string status, string? fileKey, string? shareId, string? error, CancellationToken ct)
    {
        if (job.CallbackUrl is null)
            return;
        var body = BuildBody(job, status, fileKey, shareId, error);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO callback_deliveries (id, job_id, workspace_id, url, body, status, attempts, next_attempt_at, trace_parent, created_at, updated_at)
            VALUES (@id, @jobId, @workspaceId, @url, @body, '{CallbackStatus.Pending}', 0, @now, @traceParent, @now, @now)
            """,
            new { id = "msg_" + Guid.CreateVersion7().ToString("N"), jobId = job.Id, workspaceId = job.WorkspaceId, url = job.CallbackUrl, body, traceParent = Activity.Current?.Id, now },
            transaction, cancellationToken: ct));
    }

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
            if (!ReservedKeys.Contains(key) && key != "error" && !(key == "warnings" && body.ContainsKey(key)))
                body[key] = value?.DeepClone();
        }
        return body.ToJsonString();
    }
}
