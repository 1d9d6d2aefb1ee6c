using System.Data.Common;
using Dapper;
using Reelgen.Server.Data;

namespace Reelgen.Server.Callbacks;

public sealed class CallbackDelivery
{
    public string Id { get; set; } = "";
    public string JobId { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string Url { get; set; } = "";
    public string Body { get; set; } = "";
    public string Status { get; set; } = "";
    public long Attempts { get; set; }
    public long RoundStart { get; set; }
    public long NextAttemptAt { get; set; }
    public string? LeaseOwner { get; set; }

    /// <summary>The W3C traceparent of the step that ended the job: the delivery's spans continue the job's trace.</summary>
    public string? TraceParent { get; set; }

    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

public sealed class CallbackAttempt
{
    public string DeliveryId { get; set; } = "";
    public long Attempt { get; set; }
    public long AttemptedAt { get; set; }
    public long? StatusCode { get; set; }
    public string? Error { get; set; }
    public long DurationMs { get; set; }
}

/// <summary>What became of one attempt, and so of the delivery.</summary>
public sealed record AttemptResult(long AttemptedAt, int? StatusCode, string? Error, long DurationMs, string NextStatus, long NextAttemptAt);

/// <summary>
/// The callback outbox as the dispatcher sees it (statuses: <see cref="CallbackStatus"/>). A claim does not hold a
/// separate lease column: it moves <c>next_attempt_at</c> to the lease's end, so a sender that dies mid-send leaves a
/// delivery that simply falls due again, and the claim query stays one index range. Every write after a claim is
/// guarded by <c>lease_owner</c>.
/// </summary>
public sealed class CallbackStore(Db db, TimeProvider time)
{
    private const string Columns = "id, job_id, workspace_id, url, body, status, attempts, round_start, next_attempt_at, lease_owner, trace_parent, created_at, updated_at";

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Claims the most overdue pending delivery for <paramref name="owner"/>, or null when none is due.</summary>
    public Task<CallbackDelivery?> ClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        // As for jobs: SKIP LOCKED lets many dispatchers claim different rows at once on PostgreSQL; SQLite has one
        // writer, so the sub-select and the update are already atomic.
        var pick = $"SELECT id FROM callback_deliveries WHERE status = '{CallbackStatus.Pending}' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT 1"
            + (db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "");
        var now = Now;
        return db.WriteAsync((c, t) => c.QuerySingleOrDefaultAsync<CallbackDelivery>(new CommandDefinition(
            $"""
            UPDATE callback_deliveries SET lease_owner = @owner, next_attempt_at = @leaseEnd, updated_at = @now
            WHERE id = ({pick})
            RETURNING {Columns}
            """,
            new { owner, leaseEnd = now + (long)lease.TotalMilliseconds, now }, t, cancellationToken: ct)), ct);
    }

    /// <summary>When the next pending delivery falls due (Unix ms), or null when none is pending.</summary>
    public Task<long?> NextDueAsync(CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<long?>($"SELECT MIN(next_attempt_at) FROM callback_deliveries WHERE status = '{CallbackStatus.Pending}'", null, ct);

    /// <summary>
    /// Records an attempt and moves the delivery on, only if <paramref name="owner"/> still holds it. A delivery
    /// cancelled while it was being sent keeps its status but still gets the attempt on record.
    /// </summary>
    public Task<bool> RecordAttemptAsync(CallbackDelivery delivery, string owner, AttemptResult result, CancellationToken ct) =>
        db.WriteAsync(async (c, t) =>
        {
            var rows = await c.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE callback_deliveries SET attempts = attempts + 1, lease_owner = NULL, updated_at = @now,
                    status = CASE WHEN status = '{CallbackStatus.Pending}' THEN @status ELSE status END, next_attempt_at = @next
                WHERE id = @id AND lease_owner = @owner
                """,
                new { id = delivery.Id, owner, status = result.NextStatus, next = result.NextAttemptAt, now = Now }, t, cancellationToken: ct));
            if (rows != 1)
                return false;
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO callback_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
                VALUES (@id, @attempt, @attemptedAt, @statusCode, @error, @durationMs)
                """,
                new
                {
                    id = delivery.Id,
                    attempt = delivery.Attempts + 1,
                    attemptedAt = result.AttemptedAt,
                    statusCode = (long?)result.StatusCode,
                    error = result.Error,
                    durationMs = result.DurationMs,
                }, t, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>Gives a claimed delivery back unsent (shutting down mid-send), due at once for whoever is next.</summary>
    public Task ReleaseAsync(CallbackDelivery delivery, string owner, CancellationToken ct) =>
        db.ExecuteAsync(
            "UPDATE callback_deliveries SET lease_owner = NULL, next_attempt_at = @now, updated_at = @now WHERE id = @id AND lease_owner = @owner",
            new { id = delivery.Id, owner, now = Now }, ct);

    public Task<IReadOnlyList<CallbackDelivery>> ListForJobAsync(string jobId, CancellationToken ct) =>
        db.QueryAsync<CallbackDelivery>($"SELECT {Columns} FROM callback_deliveries WHERE job_id = @jobId ORDER BY created_at, id", new { jobId }, ct);

    public Task<IReadOnlyList<CallbackAttempt>> AttemptsAsync(string deliveryId, CancellationToken ct) =>
        db.QueryAsync<CallbackAttempt>(
            "SELECT delivery_id, attempt, attempted_at, status_code, error, duration_ms FROM callback_attempts WHERE delivery_id = @deliveryId ORDER BY attempt",
            new { deliveryId }, ct);

    /// <summary>Cancels the job's pending delivery (the job was deleted), inside the caller's transaction.</summary>
    public Task CancelPendingAsync(DbConnection c, DbTransaction t, string jobId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            $"UPDATE callback_deliveries SET status = '{CallbackStatus.Cancelled}', updated_at = @now WHERE job_id = @jobId AND status = '{CallbackStatus.Pending}'",
            new { jobId, now = Now }, t, cancellationToken: ct));

    /// <summary>
    /// Sends the job's callback again, with the same id and body and a fresh retry schedule, inside the caller's
    /// transaction (which has checked that the job is not deleted). A delivery still pending is only brought
    /// forward. False when the job has no delivery.
    /// </summary>
    public async Task<bool> RedeliverAsync(DbConnection c, DbTransaction t, string jobId, CancellationToken ct)
    {
        var now = Now;
        var rows = await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE callback_deliveries SET status = '{CallbackStatus.Pending}', round_start = attempts, next_attempt_at = @now, updated_at = @now
            WHERE job_id = @jobId AND status IN ('{CallbackStatus.Delivered}', '{CallbackStatus.Failed}')
            """, new { jobId, now }, t, cancellationToken: ct));
        rows += await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE callback_deliveries SET next_attempt_at = CASE WHEN lease_owner IS NULL THEN @now ELSE next_attempt_at END, updated_at = @now
            WHERE job_id = @jobId AND status = '{CallbackStatus.Pending}'
            """, new { jobId, now }, t, cancellationToken: ct));
        return rows > 0;
    }
}
