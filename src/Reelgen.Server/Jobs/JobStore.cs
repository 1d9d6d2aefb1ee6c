using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Reelgen.Server.Data;

namespace Reelgen.Server.Jobs;

public sealed class JobRow
{
    public string Id { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string VideoId { get; set; } = "";
    public string Status { get; set; } = "";
    public long Progress { get; set; }
    public long MaximumProgress { get; set; }
    public string Request { get; set; } = "";
    public string? CallbackUrl { get; set; }
    public string? Error { get; set; }

    /// <summary>JSON array of the warnings given at submit (ids replaced by stand-ins), or null when there were none.</summary>
    public string? Warnings { get; set; }

    /// <summary>JSON object of the finished render's figures (<c>renderStats</c>), or null before it finishes.</summary>
    public string? RenderStats { get; set; }

    public long Attempts { get; set; }
    public string? LeaseOwner { get; set; }

    /// <summary>The W3C traceparent of the request that queued the job: the worker's spans continue its trace.</summary>
    public string? TraceParent { get; set; }

    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>What changes on a job after it is queued; the rest of its record never does.</summary>
public sealed class JobState
{
    public string Status { get; set; } = "";
    public long Progress { get; set; }
    public string? Error { get; set; }
    public string? RenderStats { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>A job to queue: the request as it will be stored, its callback URL and its warnings.</summary>
public sealed record NewJob(string Request, string? CallbackUrl, IReadOnlyList<string> Warnings);

/// <summary>
/// The answer to a submission with an idempotency key: the job it queued, the job an earlier request with the same key
/// and body queued (<c>Replayed</c>), or no job when the key was used with another body.
/// </summary>
public sealed record KeyedJob(JobRow? Job, bool Replayed);

/// <summary>The finished video a lease holder stores, written in the same transaction that finishes the job.</summary>
/// <c>RenderStats</c>: the render's figures as a JSON object, shown on the job as <c>renderStats</c>.
public sealed record FinishedVideo(string Name, string FileKey, string ShareId, long SizeBytes, double DurationSeconds, int Width, int Height, bool HasCaptions, string? RenderStats = null);

/// <summary>
/// The job queue. A worker claims the oldest queued job in one statement and holds a lease on it, renewed by
/// heartbeats. Every write a worker makes is guarded by <c>lease_owner</c>, so a worker whose lease lapsed (and whose
/// job another worker now holds) can never commit a result: rendering is at-least-once, the result exactly-once.
/// Each write it commits drops the job's poll answer kept by <see cref="JobResponses"/>.
/// </summary>
public sealed class JobStore(Db db, TimeProvider time, JobResponses? responses = null)
{
    private const string Columns = "id, workspace_id, video_id, status, progress, maximum_progress, request, callback_url, error, warnings, render_stats, attempts, lease_owner, trace_parent, created_at, updated_at";

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Tells this process's kept poll answers that the job changed. The writes here call it themselves; a write made in
    /// a caller's transaction (<see cref="JobLifecycle"/>) is told after its commit, never before: a poll between the
    /// two would keep the old state again.
    /// </summary>
    public void Changed(string jobId) => responses?.Forget(jobId);

    /// <summary>
    /// Queues a job and returns once it is committed. Concurrent submissions share one transaction (group commit):
    /// each still waits for its own row to be durable, but many rows pay for one fsync.
    /// </summary>
    public async Task<JobRow> CreateAsync(string workspaceId, string request, string? callbackUrl, IReadOnlyList<string>? warnings, CancellationToken ct)
    {
        var job = NewRow(workspaceId, new NewJob(request, callbackUrl, warnings ?? []), Now);
        var pending = new PendingInsert(job, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _inserts.Writer.WriteAsync(pending, ct);
        EnsureInsertLoop();
        await pending.Committed.Task.WaitAsync(ct);
        return job;
    }

    /// <summary>Queues many jobs in one transaction: all of them are committed, or none.</summary>
    public async Task<IReadOnlyList<JobRow>> CreateManyAsync(string workspaceId, IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        var now = Now;
        var rows = jobs.Select(j => NewRow(workspaceId, j, now)).ToList();
        await db.WriteAsync(async (c, t) => await c.ExecuteAsync(new CommandDefinition(InsertSql, rows, t, cancellationToken: ct)), ct);
        return rows;
    }

    /// <summary>
    /// Queues a job under an idempotency key, unless the workspace already used the key within <paramref name="keep"/>:
    /// then nothing is queued and the answer is that earlier job (<see cref="KeyedJob.Replayed"/>), or no job at all
    /// when the earlier request differed (<paramref name="requestHash"/> is another). The key's primary key decides
    /// races, in one process or many: of concurrent requests with one key exactly one inserts it, and the others wait
    /// for its commit and read its job.
    /// </summary>
    public Task<KeyedJob> CreateOnceAsync(string workspaceId, string key, string requestHash, TimeSpan keep, NewJob newJob, CancellationToken ct) =>
        db.WriteAsync(async (c, t) =>
        {
            var now = Now;
            await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM idempotency_keys WHERE created_at < @cutoff", new { cutoff = now - (long)keep.TotalMilliseconds }, t, cancellationToken: ct));
            var job = NewRow(workspaceId, newJob, now);
            var taken = await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO idempotency_keys (workspace_id, idempotency_key, request_hash, job_id, created_at)
                VALUES (@workspaceId, @key, @requestHash, @jobId, @now)
                ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
                """, new { workspaceId, key, requestHash, jobId = job.Id, now }, t, cancellationToken: ct));
            if (taken == 1)
            {
                await c.ExecuteAsync(new CommandDefinition(InsertSql, job, t, cancellationToken: ct));
                return new KeyedJob(job, Replayed: false);
            }
            var earlier = await c.QuerySingleAsync<(string RequestHash, string JobId)>(new CommandDefinition(
                "SELECT request_hash, job_id FROM idempotency_keys WHERE workspace_id = @workspaceId AND idempotency_key = @key",
                new { workspaceId, key }, t, cancellationToken: ct));
            if (earlier.RequestHash != requestHash)
                return new KeyedJob(null, Replayed: false);
            var row = await c.QuerySingleAsync<JobRow>(new CommandDefinition(
                $"SELECT {Columns} FROM jobs WHERE id = @id", new { id = earlier.JobId }, t, cancellationToken: ct));
            return new KeyedJob(row, Replayed: true);
        }, ct);

    private const string InsertSql =
        $"INSERT INTO jobs ({Columns}) VALUES (@Id, @WorkspaceId, @VideoId, @Status, @Progress, @MaximumProgress, @Request, @CallbackUrl, @Error, @Warnings, @RenderStats, @Attempts, @LeaseOwner, @TraceParent, @CreatedAt, @UpdatedAt)";

    private static JobRow NewRow(string workspaceId, NewJob job, long now) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        WorkspaceId = workspaceId,
        VideoId = Guid.CreateVersion7().ToString(),
        Status = JobStatus.InQueue,
        MaximumProgress = JobStatus.MaximumProgress,
        Request = job.Request,
        CallbackUrl = job.CallbackUrl,
        Warnings = job.Warnings.Count > 0 ? JsonSerializer.Serialize(job.Warnings) : null,
        TraceParent = Activity.Current?.Id,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private sealed record PendingInsert(JobRow Job, TaskCompletionSource Committed);

    private readonly Channel<PendingInsert> _inserts = Channel.CreateUnbounded<PendingInsert>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _insertLoopLock = new();
    private Task? _insertLoop;

    private void EnsureInsertLoop()
    {
        if (_insertLoop is not null)
            return;
        lock (_insertLoopLock)
            _insertLoop ??= Task.Run(InsertLoopAsync);
    }

    private async Task InsertLoopAsync()
    {
        var batch = new List<PendingInsert>();
        while (await _inserts.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 500 && _inserts.Reader.TryRead(out var next))
                batch.Add(next);
            try
            {
                await db.WriteAsync(async (c, t) =>
                {
                    foreach (var p in batch)
                    {
                        await c.ExecuteAsync(new CommandDefinition(InsertSql, p.Job, t));
                    }
                    return 0;
                });
                foreach (var p in batch)
                    p.Committed.TrySetResult();
            }
            catch (Exception ex)
            {
                // Nothing of the batch was committed: every waiting request answers an error, none a 200.
                foreach (var p in batch)
                    p.Committed.TrySetException(ex);
            }
        }
    }

    public Task<JobRow?> FindAsync(string workspaceId, string jobId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<JobRow>($"SELECT {Columns} FROM jobs WHERE id = @jobId AND workspace_id = @workspaceId", new { jobId, workspaceId }, ct);

    /// <summary>The job's changing columns only: a poll reads these and keeps the rest (see <see cref="JobResponses"/>).</summary>
    public Task<JobState?> FindStateAsync(string workspaceId, string jobId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<JobState>("SELECT status, progress, error, render_stats, updated_at FROM jobs WHERE id = @jobId AND workspace_id = @workspaceId", new { jobId, workspaceId }, ct);

    public Task<JobRow?> FindByVideoAsync(string workspaceId, string videoId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<JobRow>($"SELECT {Columns} FROM jobs WHERE video_id = @videoId AND workspace_id = @workspaceId", new { videoId, workspaceId }, ct);

    /// <summary>The workspace's jobs, newest first, optionally only those in <paramref name="status"/>.</summary>
    public async Task<Page<JobRow>> ListAsync(string workspaceId, PageRequest page, string? status, CancellationToken ct)
    {
        var rows = await db.QueryAsync<JobRow>(
            $"SELECT {Columns} FROM jobs WHERE workspace_id = @workspaceId{(status is null ? "" : " AND status = @status")}{page.Sql}",
            new { workspaceId, status, page.AfterCreatedAt, page.AfterId, page.Take }, ct);
        return page.ToPage(rows, j => (j.CreatedAt, j.Id));
    }

    /// <summary>
    /// Claims a queued job for <paramref name="owner"/>, fairly between workspaces, or returns null when the queue is
    /// empty. The workspace served next is the one with the fewest jobs rendering now, then the one whose last claim is
    /// oldest (never claimed first); within it, its oldest job. So one workspace's thousand queued jobs delay another
    /// workspace's single job by at most the render each worker is busy with.
    /// </summary>
    public async Task<JobRow?> ClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        // The workspaces are ranked once (a few index lookups each), then every queued job is ordered by its
        // workspace's rank. PostgreSQL: SKIP LOCKED lets many workers claim at once, each passing over rows another
        // is claiming to the next in that order (never to an empty answer while work is queued). SQLite: one writer
        // at a time, so the sub-select and the update are already atomic.
        var pick = $"""
            SELECT j.id FROM jobs j
            JOIN (
                SELECT q.workspace_id,
                    (SELECT COUNT(*) FROM jobs r WHERE r.workspace_id = q.workspace_id AND r.status IN {JobStatus.RunningSql}) AS running,
                    COALESCE((SELECT MAX(c.claimed_at) FROM jobs c WHERE c.workspace_id = q.workspace_id), 0) AS last_claimed
                FROM (SELECT DISTINCT workspace_id FROM jobs WHERE status = 'in_queue') q
            ) w ON w.workspace_id = j.workspace_id
            WHERE j.status = 'in_queue'
            ORDER BY w.running, w.last_claimed, j.created_at, j.id
            LIMIT 1{(db.IsPostgres ? " FOR UPDATE OF j SKIP LOCKED" : "")}
            """;
        var now = Now;
        var claimed = await db.WriteAsync((c, t) => c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'preprocessing', lease_owner = @owner, lease_expires_at = @expires,
                attempts = attempts + 1, claimed_at = @now, updated_at = @now
            WHERE id = ({pick})
            RETURNING {Columns}
            """,
            new { owner, expires = now + (long)lease.TotalMilliseconds, now }, t, cancellationToken: ct)), ct);
        if (claimed is not null)
            Changed(claimed.Id);
        return claimed;
    }

    /// <summary>
    /// Renews the lease and saves status and progress (progress never goes down). False when the lease is lost or
    /// the job was deleted: the caller must stop rendering.
    /// </summary>
    public async Task<bool> HeartbeatAsync(string jobId, string owner, string status, long progress, TimeSpan lease, CancellationToken ct)
    {
        var now = Now;
        try
        {
            var rows = await db.ExecuteAsync(
                $"""
                UPDATE jobs SET lease_expires_at = @expires, status = @status,
                    progress = CASE WHEN progress > @progress THEN progress ELSE @progress END, updated_at = @now
                WHERE id = @jobId AND lease_owner = @owner AND status IN {JobStatus.RunningSql}
                """,
                new { jobId, owner, status, progress, expires = now + (long)lease.TotalMilliseconds, now }, ct);
            return rows == 1;
        }
        finally
        {
            // Also after a failure: a commit whose answer was lost may have been applied.
            Changed(jobId);
        }
    }

    // A job ends in one transaction with its callback (JobLifecycle), so these write in the caller's transaction.

    /// <summary>Finishes the job and stores its video, only if <paramref name="owner"/> still holds the lease.</summary>
    public async Task<bool> FinishAsync(DbConnection c, DbTransaction t, JobRow job, string owner, FinishedVideo video, CancellationToken ct)
    {
        var now = Now;
        var rows = await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'finished', progress = maximum_progress, render_stats = @stats, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND lease_owner = @owner AND status IN {JobStatus.RunningSql}
            """, new { id = job.Id, owner, now, stats = video.RenderStats }, t, cancellationToken: ct));
        if (rows != 1)
            return false;
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO videos (id, job_id, workspace_id, name, file_key, share_id, size_bytes, duration_seconds, width, height, has_captions, created_at)
            VALUES (@VideoId, @JobId, @WorkspaceId, @Name, @FileKey, @ShareId, @SizeBytes, @DurationSeconds, @Width, @Height, @HasCaptions, @now)
            """,
            new
            {
                job.VideoId,
                JobId = job.Id,
                job.WorkspaceId,
                video.Name,
                video.FileKey,
                video.ShareId,
                video.SizeBytes,
                video.DurationSeconds,
                video.Width,
                video.Height,
                HasCaptions = video.HasCaptions ? 1 : 0,
                now,
            }, t, cancellationToken: ct));
        return true;
    }

    /// <summary>True when the job's video with <paramref name="fileKey"/> is recorded: a commit whose answer was lost was applied.</summary>
    public async Task<bool> HasVideoAsync(string jobId, string fileKey, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM videos WHERE job_id = @jobId AND file_key = @fileKey", new { jobId, fileKey }, ct) > 0;

    /// <summary>
    /// Hands a job its holder will not finish (the worker is stopping) back to the queue at once, its attempt not
    /// counted, so another worker takes it without waiting for the lease to lapse.
    /// </summary>
    public async Task<bool> ReleaseAsync(string jobId, string owner, CancellationToken ct)
    {
        try
        {
            return await db.ExecuteAsync(
                $"""
                UPDATE jobs SET status = 'in_queue', lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1, updated_at = @now
                WHERE id = @jobId AND lease_owner = @owner AND status IN {JobStatus.RunningSql}
                """, new { jobId, owner, now = Now }, ct) == 1;
        }
        finally
        {
            Changed(jobId);
        }
    }

    /// <summary>The ids of jobs some worker holds a live lease on.</summary>
    public Task<IReadOnlyList<string>> LeasedJobIdsAsync(CancellationToken ct) =>
        db.QueryAsync<string>(
            $"SELECT id FROM jobs WHERE lease_owner IS NOT NULL AND lease_expires_at >= @now AND status IN {JobStatus.RunningSql}", new { now = Now }, ct);

    /// <summary>Fails the job with a reason a person can act on, only if <paramref name="owner"/> still holds the lease.</summary>
    public async Task<bool> FailAsync(DbConnection c, DbTransaction t, JobRow job, string owner, string error, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'failed', error = @error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND lease_owner = @owner AND status IN {JobStatus.RunningSql}
            """, new { id = job.Id, owner, error, now = Now }, t, cancellationToken: ct)) == 1;

    /// <summary>Marks the job deleted (from any status). False when it does not exist.</summary>
    public async Task<bool> DeleteAsync(DbConnection c, DbTransaction t, string workspaceId, string jobId, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET status = 'deleted', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now WHERE id = @jobId AND workspace_id = @workspaceId",
            new { jobId, workspaceId, now = Now }, t, cancellationToken: ct)) == 1;

    /// <summary>The job's status, read inside the caller's transaction; null when the workspace has no such job.</summary>
    public Task<string?> StatusAsync(DbConnection c, DbTransaction t, string workspaceId, string jobId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT status FROM jobs WHERE id = @jobId AND workspace_id = @workspaceId", new { jobId, workspaceId }, t, cancellationToken: ct));

    /// <summary>
    /// Jobs that ended (finished, failed or deleted) before <paramref name="before"/> (Unix ms), oldest first, with
    /// the file keys of their videos. A queued or running job is never among them: nothing accepted is lost.
    /// </summary>
    public async Task<(IReadOnlyList<string> JobIds, IReadOnlyList<string> FileKeys)> ListEndedBeforeAsync(long before, int limit, CancellationToken ct)
    {
        var ids = await db.QueryAsync<string>(
            "SELECT id FROM jobs WHERE status IN ('finished', 'failed', 'deleted') AND updated_at < @before ORDER BY updated_at, id LIMIT @limit", new { before, limit }, ct);
        var keys = ids.Count == 0 ? [] : await db.QueryAsync<string>($"SELECT file_key FROM videos WHERE job_id {AnyOf("ids")}", new { ids = ids.ToArray() }, ct);
        return (ids, keys);
    }

    /// <summary>
    /// "Is one of the list <paramref name="name"/>": Dapper expands a list into <c>IN (...)</c> for SQLite, but passes
    /// it to Npgsql as one array parameter, which PostgreSQL compares with <c>ANY</c>.
    /// </summary>
    private string AnyOf(string name) => db.IsPostgres ? $"= ANY(@{name})" : $"IN @{name}";

    /// <summary>Removes ended jobs with their videos' rows and their callbacks and attempts, in one transaction.</summary>
    public async Task<int> RemoveEndedAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        try
        {
            var list = ids.ToArray();
            var inIds = AnyOf("ids");
            return await db.WriteAsync(async (c, t) =>
            {
                async Task Run(string sql) => await c.ExecuteAsync(new CommandDefinition(sql, new { ids = list }, t, cancellationToken: ct));
                await Run($"DELETE FROM callback_attempts WHERE delivery_id IN (SELECT id FROM callback_deliveries WHERE job_id {inIds})");
                await Run($"DELETE FROM callback_deliveries WHERE job_id {inIds}");
                await Run($"DELETE FROM videos WHERE job_id {inIds}");
                return await c.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM jobs WHERE id {inIds} AND status IN ('finished', 'failed', 'deleted')", new { ids = list }, t, cancellationToken: ct));
            }, ct);
        }
        finally
        {
            foreach (var id in ids)
                Changed(id);
        }
    }

    /// <summary>Returns jobs whose worker stopped renewing its lease to the queue. Progress is kept (it never goes down).</summary>
    public async Task<int> RescueExpiredAsync(CancellationToken ct)
    {
        var now = Now;
        var rescued = await db.WriteAsync(async (c, t) => (await c.QueryAsync<string>(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'in_queue', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE lease_owner IS NOT NULL AND lease_expires_at < @now AND status IN {JobStatus.RunningSql}
            RETURNING id
            """, new { now }, t, cancellationToken: ct))).AsList(), ct);
        foreach (var id in rescued)
            Changed(id);
        return rescued.Count;
    }
}
