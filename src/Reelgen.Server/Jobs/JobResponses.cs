using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Reelgen.Server.Http;

namespace Reelgen.Server.Jobs;

/// <summary>
/// The answers to polls (<c>GET /video-generation-jobs/{id}</c>), kept ready. A job's record has two parts: what the
/// client sent with its id, video id, creation time and warnings, which never changes once the job is committed,
/// and its state (status, progress, error, render figures, update time). The first is serialised once per process
/// and kept as UTF-8 bytes; the state is read from the database on every poll, so a poll never shows a state older
/// than the database holds when it starts, whichever process wrote it.
/// </summary>
public sealed class JobResponses(JobStore jobs) : IDisposable
{
    /// <summary>Bytes of fixed parts kept, least recently used dropped first: about 10,000 typical jobs.</summary>
    private const long CacheBytes = 32L * 1024 * 1024;

    private static readonly HashSet<string> StateNames = ["id", "videoId", "status", "progress", "maximumProgress", "createdAt", "updatedAt", "creationDate", "isAPIGenerated", "warnings", "error", "renderStats"];

    private readonly MemoryCache _fixedParts = new(new MemoryCacheOptions { SizeLimit = CacheBytes });

    /// <summary>The job's record as JSON bytes; null when the workspace has no such job.</summary>
    public async Task<byte[]?> FindAsync(string workspaceId, string jobId, CancellationToken ct)
    {
        // The cache is keyed by job id alone; the state query checks the workspace, so another workspace's id
        // finds nothing even when its fixed part is cached.
        if (_fixedParts.TryGetValue(jobId, out byte[]? fixedPart) && fixedPart is not null)
        {
            var state = await jobs.FindStateAsync(workspaceId, jobId, ct);
            return state is null ? null : Compose(fixedPart, state);
        }
        var job = await jobs.FindAsync(workspaceId, jobId, ct);
        if (job is null)
            return null;
        fixedPart = FixedPart(job);
        _fixedParts.Set(jobId, fixedPart, new MemoryCacheEntryOptions { Size = fixedPart.Length });
        return Compose(fixedPart, new JobState { Status = job.Status, Progress = job.Progress, Error = job.Error, RenderStats = job.RenderStats, UpdatedAt = job.UpdatedAt });
    }

    /// <summary>
    /// <c>{</c>, the request's own fields and the fixed facts, without the closing brace. A field of the request that
    /// shares a name with one of the job's (a client sending <c>"status"</c>) is left out: the job's own wins.
    /// </summary>
    private static byte[] FixedPart(JobRow job)
    {
        var request = JsonNode.Parse(job.Request) as JsonObject ?? [];
        foreach (var name in StateNames.Where(request.ContainsKey).ToList())
            request.Remove(name);
        request["id"] = job.Id;
        request["videoId"] = job.VideoId;
        request["maximumProgress"] = job.MaximumProgress;
        request["createdAt"] = ApiJson.Timestamp(job.CreatedAt);
        // The names the hosted service's job records use for the same facts.
        request["creationDate"] = ApiJson.Timestamp(job.CreatedAt);
        request["isAPIGenerated"] = true;
        request["warnings"] = ApiJson.Warnings(job.Warnings);
        var json = JsonSerializer.SerializeToUtf8Bytes(request);
        return json[..^1];
    }

    private static byte[] Compose(byte[] fixedPart, JobState state)
    {
        var buffer = new ArrayBufferWriter<byte>(fixedPart.Length + 160);
        buffer.Write(fixedPart);
        buffer.Write(",\"status\":"u8);
        buffer.Write(JsonSerializer.SerializeToUtf8Bytes(state.Status));
        buffer.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $",\"progress\":{state.Progress},\"updatedAt\":\"{ApiJson.Timestamp(state.UpdatedAt)}\"")));
        if (state.Error is not null)
        {
            buffer.Write(",\"error\":"u8);
            buffer.Write(JsonSerializer.SerializeToUtf8Bytes(state.Error));
        }
        if (state.RenderStats is not null)
        {
            // Written by the worker as a JSON object; copied as it is.
            buffer.Write(",\"renderStats\":"u8);
            buffer.Write(Encoding.UTF8.GetBytes(state.RenderStats));
        }
        buffer.Write("}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _fixedParts.Dispose();
}

/// <summary>A job's record as ready JSON bytes; described in OpenAPI as the JSON object it is.</summary>
public sealed class JobJson(byte[] body) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(JsonObject), ["application/json"]));
}
