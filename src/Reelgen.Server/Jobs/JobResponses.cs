using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Reelgen.Server.Http;

namespace Reelgen.Server.Jobs;

/// <summary>
/// The answers to polls (<c>GET /video-generation-jobs/{id}</c>), kept ready as UTF-8 bytes in this process. A job's
/// record has two parts: what the client sent with its id, video id, creation time and warnings, which never changes
/// once the job is committed, and its state (status, progress, error, render figures, update time).
/// <para>
/// A kept answer is served without touching the database for <see cref="DatabaseOptions.PollCacheTime"/> after its
/// state was read; then the next poll reads the state again (one indexed row) and keeps the new answer. Every write
/// this process makes to a job (claim, heartbeat, finish, fail, delete, release, rescue, removal) drops its answer
/// once committed (<see cref="Forget"/>), so this process's own changes show at the next poll; a change made by
/// another process sharing the database shows within <see cref="DatabaseOptions.PollCacheTime"/>.
/// </para>
/// </summary>
public sealed class JobResponses(IOptions<ReelgenOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>Bytes of answers kept, least recently used dropped first: about 10,000 typical jobs.</summary>
    private const long CacheBytes = 32L * 1024 * 1024;

    private static readonly HashSet<string> StateNames = ["id", "videoId", "status", "progress", "maximumProgress", "createdAt", "updatedAt", "creationDate", "isAPIGenerated", "warnings", "error", "renderStats"];

    private readonly MemoryCache _answers = new(new MemoryCacheOptions { SizeLimit = CacheBytes });
    private readonly TimeSpan _fresh = options.Value.Database.PollCacheTime;
    private readonly Lock _lock = new();

    // Counts this process's committed writes. A poll that read the database while one was committed does not keep what
    // it read: the read may predate the write, and keeping it would hide the write until the answer went stale.
    private long _writes;

    /// <summary>The job's record as JSON bytes with its entity tag; null when the workspace has no such job.</summary>
    public ValueTask<JobAnswer?> FindAsync(JobStore jobs, string workspaceId, string jobId, CancellationToken ct)
    {
        if (_answers.TryGetValue(jobId, out JobAnswer? kept) && kept is not null)
        {
            // Job ids are unique across workspaces and never reused: a kept job of another workspace is a 404 for this one.
            if (kept.WorkspaceId != workspaceId)
                return ValueTask.FromResult<JobAnswer?>(null);
            if (time.GetElapsedTime(kept.ReadAt) < _fresh)
                return ValueTask.FromResult<JobAnswer?>(kept);
        }
        return new ValueTask<JobAnswer?>(ReadAsync(jobs, workspaceId, jobId, kept, ct));
    }

    /// <summary>Drops the job's kept answer; called after each committed write to the job.</summary>
    public void Forget(string jobId)
    {
        lock (_lock)
        {
            _writes++;
            _answers.Remove(jobId);
        }
    }

    private async Task<JobAnswer?> ReadAsync(JobStore jobs, string workspaceId, string jobId, JobAnswer? stale, CancellationToken ct)
    {
        long writes;
        lock (_lock)
            writes = _writes;
        var readAt = time.GetTimestamp();
        byte[] fixedPart;
        JobState state;
        if (stale is not null)
        {
            // Only the state changes: the fixed part is kept.
            if (await jobs.FindStateAsync(workspaceId, jobId, ct) is not { } found)
                return null;
            (fixedPart, state) = (stale.FixedPart, found);
        }
        else
        {
            if (await jobs.FindAsync(workspaceId, jobId, ct) is not { } job)
                return null;
            fixedPart = FixedPart(job);
            state = new JobState { Status = job.Status, Progress = job.Progress, Error = job.Error, RenderStats = job.RenderStats, UpdatedAt = job.UpdatedAt };
        }
        var body = Compose(fixedPart, state);
        var answer = new JobAnswer(workspaceId, fixedPart, body, EntityTag(body), readAt);
        lock (_lock)
        {
            if (_writes == writes)
                _answers.Set(jobId, answer, new MemoryCacheEntryOptions { Size = fixedPart.Length + body.Length });
        }
        return answer;
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

    /// <summary>A strong entity tag of the answer's bytes: the same record, whichever process serves it, has the same tag.</summary>
    private static string EntityTag(byte[] body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12)) + "\"";

    public void Dispose() => _answers.Dispose();
}

/// <summary>A job's record as the poll answers it: its bytes, their entity tag, and when its state was read.</summary>
public sealed record JobAnswer(string WorkspaceId, byte[] FixedPart, byte[] Body, string ETag, long ReadAt);

/// <summary>
/// A job's record as ready JSON bytes with its <c>ETag</c>, or a 304 with no body when the request's
/// <c>If-None-Match</c> names that tag; described in OpenAPI as the JSON object it is.
/// </summary>
public sealed class JobJson(JobAnswer answer) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.Headers.ETag = answer.ETag;
        if (httpContext.Request.Headers.IfNoneMatch is { Count: > 0 } ifNoneMatch && Matches(ifNoneMatch, answer.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = answer.Body.Length;
        return response.Body.WriteAsync(answer.Body, httpContext.RequestAborted).AsTask();
    }

    /// <summary>If-None-Match's weak comparison (RFC 9110 13.1.2): <c>*</c>, or any listed tag with the same opaque value.</summary>
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues header, string etag)
    {
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
            return false;
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.AsSpan().SequenceEqual(etag))
                return true;
        }
        return false;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(JsonObject), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
    }
}
