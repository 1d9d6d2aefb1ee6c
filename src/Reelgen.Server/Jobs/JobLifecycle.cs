using Reelgen.Server.Callbacks;
using Reelgen.Server.Data;

namespace Reelgen.Server.Jobs;

public enum RedeliverResult
{
    NoJob,
    JobDeleted,
    NoDelivery,
    Queued,
}

/// <summary>
/// The steps where a job and its callback change together, each one transaction in which the job store and the
/// callback outbox write their own tables side by side: a delivery exists if and only if the job ended (a crash
/// between the two cannot lose it), a deleted job's pending callback is cancelled with it, and a deleted job's
/// callback is never sent again.
/// </summary>
public sealed class JobLifecycle(Db db, JobStore jobs, CallbackOutbox outbox, CallbackStore callbacks)
{
    /// <summary>Finishes the job, stores its video and enqueues its callback, only if <paramref name="owner"/> still holds the lease.</summary>
    public Task<bool> FinishAsync(JobRow job, string owner, FinishedVideo video, CancellationToken ct) =>
        ThenChangedAsync(job.Id, db.WriteAsync(async (c, t) =>
        {
            if (!await jobs.FinishAsync(c, t, job, owner, video, ct))
                return false;
            await outbox.EnqueueAsync(c, t, job, JobStatus.Finished, video.FileKey, video.ShareId, null, ct);
            return true;
        }, ct));

    /// <summary>Fails the job and enqueues its callback, only if <paramref name="owner"/> still holds the lease.</summary>
    public Task<bool> FailAsync(JobRow job, string owner, string error, CancellationToken ct) =>
        ThenChangedAsync(job.Id, db.WriteAsync(async (c, t) =>
        {
            if (!await jobs.FailAsync(c, t, job, owner, error, ct))
                return false;
            await outbox.EnqueueAsync(c, t, job, JobStatus.Failed, null, null, error, ct);
            return true;
        }, ct));

    /// <summary>Marks the job deleted (from any status) and cancels its pending callback. False when it does not exist.</summary>
    public Task<bool> DeleteAsync(string workspaceId, string jobId, CancellationToken ct) =>
        ThenChangedAsync(jobId, db.WriteAsync(async (c, t) =>
        {
            if (!await jobs.DeleteAsync(c, t, workspaceId, jobId, ct))
                return false;
            await callbacks.CancelPendingAsync(c, t, jobId, ct);
            return true;
        }, ct));

    /// <summary>
    /// Tells the job store the job changed once the transaction is over, committed or not (a commit whose answer was
    /// lost may have been applied), so the next poll of this process reads it.
    /// </summary>
    private async Task<bool> ThenChangedAsync(string jobId, Task<bool> write)
    {
        try
        {
            return await write;
        }
        finally
        {
            jobs.Changed(jobId);
        }
    }

    /// <summary>
    /// Sends the job's callback again, with the same id and body and a fresh retry schedule. A delivery still pending
    /// is only brought forward. Never for a deleted job.
    /// </summary>
    public Task<RedeliverResult> RedeliverCallbackAsync(string workspaceId, string jobId, CancellationToken ct) =>
        db.WriteAsync(async (c, t) => await jobs.StatusAsync(c, t, workspaceId, jobId, ct) switch
        {
            null => RedeliverResult.NoJob,
            JobStatus.Deleted => RedeliverResult.JobDeleted,
            _ => await callbacks.RedeliverAsync(c, t, jobId, ct) ? RedeliverResult.Queued : RedeliverResult.NoDelivery,
        }, ct);
}
