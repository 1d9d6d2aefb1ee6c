using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Data;
using Reelgen.Server.Operations;
using Reelgen.Server.Storage;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Jobs;

/// <summary>
/// Claims queued jobs and renders them, <see cref="WorkerOptions.Concurrency"/> at a time. While a render runs, a
/// heartbeat renews the lease every second and saves progress; when the heartbeat finds the lease lost or the job
/// deleted, the render is cancelled. The lease may lapse while ffmpeg runs (a stalled process); the rescuer then
/// re-queues the job, so rendering is at-least-once, and only the lease holder can store the result.
/// </summary>
public sealed partial class RenderWorker(
    JobStore jobs,
    VideoRenderer renderer,
    VideoStorage storage,
    JobLifecycle lifecycle,
    WorkSignal signal,
    RunningRenders running,
    HostedIds hostedIds,
    JobMetrics metrics,
    IOptions<ReelgenOptions> options,
    TimeProvider time,
    ILogger<RenderWorker> logger) : BackgroundService
{
    private readonly string _processId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    private WorkerOptions Settings => options.Value.Worker;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SweepWorkDirectoryAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, Settings.Concurrency).Select(slot => RunSlotAsync($"{_processId}:{slot}", stoppingToken)));
    }

    /// <summary>
    /// Removes what renders of a killed process left in the work directory. Processes sharing one data directory
    /// share it too, so a job's folder (<c>JOBID-RANDOM</c>) is kept while its job is leased: it may be another
    /// process's render. Anything else is removed once older than a lease. The folders are listed before the leases
    /// are read, so a folder made by a claim after the read is not in the list.
    /// </summary>
    private async Task SweepWorkDirectoryAsync(CancellationToken ct)
    {
        try
        {
            var entries = new DirectoryInfo(storage.WorkDirectory).GetFileSystemInfos();
            if (entries.Length == 0)
                return;
            var leased = (await jobs.LeasedJobIdsAsync(ct)).ToHashSet(StringComparer.Ordinal);
            var oldest = time.GetUtcNow().UtcDateTime - Settings.LeaseDuration;
            var swept = 0;
            foreach (var entry in entries)
            {
                var isJobFolder = entry is DirectoryInfo && entry.Name.Length > 36 && Guid.TryParse(entry.Name.AsSpan(0, 36), out _);
                if (isJobFolder ? leased.Contains(entry.Name[..36]) : entry.LastWriteTimeUtc > oldest)
                    continue;
                try
                {
                    if (entry is DirectoryInfo directory)
                        directory.Delete(recursive: true);
                    else
                        entry.Delete();
                    swept++;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogSweepFailed(ex, entry.FullName);
                }
            }
            if (swept > 0)
                LogSwept(swept, storage.WorkDirectory);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database is not there yet: rendering must not wait for a tidy-up; the next start sweeps.
            LogSweepFailed(ex, storage.WorkDirectory);
        }
    }

    private Task RunSlotAsync(string owner, CancellationToken stoppingToken)
    {
        // A database outage must not kill the worker: the loop logs and tries again.
        var claimStarted = time.GetUtcNow();
        return ClaimLoop.RunAsync(
            ct =>
            {
                claimStarted = time.GetUtcNow();
                return jobs.ClaimAsync(owner, Settings.LeaseDuration, ct);
            },
            (job, ct) => RunJobAsync(job, owner, claimStarted, ct),
            ct => signal.WaitAsync(Settings.PollInterval, ct),
            LogWorkerError,
            Settings.PollInterval,
            time,
            stoppingToken);
    }

    private async Task RunJobAsync(JobRow job, string owner, DateTimeOffset claimStarted, CancellationToken stoppingToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = job.Id });
        // The job's span continues the trace of the request that queued it (stored with the row, so from any process);
        // the renderer's preprocess and render spans and the storing and finishing below are its children.
        using var activity = Telemetry.StartFromStored("job", ActivityKind.Consumer, job.TraceParent, claimStarted);
        activity?.SetTag("reelgen.job.id", job.Id);
        activity?.SetTag("reelgen.job.attempt", job.Attempts);
        Telemetry.Source.StartActivity("claim", ActivityKind.Internal, activity?.Context ?? default, startTime: claimStarted)?.Dispose();
        LogClaimed(job.Id, job.Attempts);
        if (job.Attempts > Settings.MaxAttempts)
        {
            await FailAsync(job, owner, $"The render was interrupted {job.Attempts - 1} times (a worker stopped or lost its lease each time); submit the job again or check the workers' logs.");
            return;
        }

        var request = JsonSerializer.Deserialize<VideoGenerationJobRequest>(job.Request, CreativeJson.Options)!;
        hostedIds.StandIn(request);
        // Not linked to shutdown: a stopping worker gives the render its grace period before cancelling it.
        using var cts = new CancellationTokenSource();
        var shuttingDown = false;
        using var onShutdown = stoppingToken.Register(() =>
        {
            shuttingDown = true;
            LogShutdownGrace(job.Id, Settings.ShutdownGrace.TotalSeconds);
            cts.CancelAfter(Settings.ShutdownGrace);
        });
        running.Add(job.Id, cts);
        var progress = new JobProgress(job.Progress);
        var workDirectory = Path.Combine(storage.WorkDirectory, $"{job.Id}-{Guid.NewGuid():N}");
        var output = Path.Combine(workDirectory, "video.mp4");
        // The heartbeat holds the lease until the result is committed (storing a video on shared storage may be
        // slow); the watchdog only watches the render, whose progress it measures.
        using var stopHeartbeat = new CancellationTokenSource();
        using var stopWatchdog = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job.Id, owner, progress, cts, stopHeartbeat.Token);
        var watchdog = new RenderWatchdog(progress, Settings, time);
        var watching = watchdog.WatchAsync(cts, stopWatchdog.Token);
        string? fileKey = null;
        var committed = false;
        try
        {
            var result = await renderer.RenderAsync(request.VideoCreative!, DynamicVariables.Merge(request), output, workDirectory, progress, cts.Token);
            await stopWatchdog.CancelAsync();
            fileKey = WorkspaceStore.NewSecretId();
            var shareId = WorkspaceStore.NewSecretId();
            var thumbnail = Path.Combine(workDirectory, "thumbnail.jpg");
            // A video without a poster is still a video: say why, and let the page do without one.
            if (await renderer.ExtractThumbnailAsync(result, thumbnail, cts.Token) is { } noThumbnail)
                LogNoThumbnail(job.Id, noThumbnail);
            var captions = result.Captions;
            var captionsFile = Path.Combine(workDirectory, "captions.vtt");
            var subRipFile = Path.Combine(workDirectory, "captions.srt");
            if (captions.Count > 0)
            {
                await File.WriteAllTextAsync(captionsFile, WebVtt.Write(captions), cts.Token);
                await File.WriteAllTextAsync(subRipFile, SubRip.Write(captions), cts.Token);
            }
            using (Telemetry.Source.StartActivity("store"))
            {
                await storage.StoreAsync(output, fileKey, ".mp4", cts.Token);
                if (File.Exists(thumbnail))
                    await storage.StoreAsync(thumbnail, fileKey, ".jpg", cts.Token);
                if (captions.Count > 0)
                {
                    await storage.StoreAsync(captionsFile, fileKey, ".vtt", cts.Token);
                    await storage.StoreAsync(subRipFile, fileKey, ".srt", cts.Token);
                }
            }
            var video = new FinishedVideo(
                request.VideoCreative?.Settings?.Name ?? "Untitled video", fileKey, shareId, result.SizeBytes, result.DurationSeconds, result.Width, result.Height, HasCaptions: captions.Count > 0,
                RenderStats: JsonSerializer.Serialize(result.Stats, JsonSerializerOptions.Web));
            // The callback is written inside this span, so its delivery continues the trace from here.
            using (Telemetry.Source.StartActivity("finish"))
            {
                committed = await CommitAsync(job, fileKey, () => lifecycle.FinishAsync(job, owner, video, CancellationToken.None), cts.Token);
            }
            if (committed)
            {
                signal.NotifyCallbacks();
                metrics.RenderFinished(result.Stats.Seconds, result.DurationSeconds);
                LogFinished(job.Id, result.DurationSeconds);
            }
            else
            {
                activity.Fail("the lease was lost before the result was stored");
                LogLeaseLost(job.Id);
            }
        }
        catch (Exception ex) when (shuttingDown && ex is OperationCanceledException or RenderException)
        {
            // The grace period ran out (or the stop signal reached ffmpeg too, as Ctrl+C does): hand the job back
            // now, the attempt not counted, rather than leave it to the rescuer once the lease lapses.
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            await ReleaseAsync(job, owner);
        }
        catch (OperationCanceledException) when (watchdog.Reason is { } reason)
        {
            // Over its budget or stalled: the render's processes are already killed; the job fails with the reason.
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            await FailAsync(job, owner, reason);
        }
        catch (OperationCanceledException)
        {
            LogCancelled(job.Id);
        }
        catch (RenderException ex)
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            await FailAsync(job, owner, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            LogRenderError(ex, job.Id);
            await FailAsync(job, owner, $"Reelgen could not render this video: {ex.Message}");
        }
        finally
        {
            running.Remove(job.Id);
            await stopHeartbeat.CancelAsync();
            await stopWatchdog.CancelAsync();
            await heartbeat;
            await watching;
            // Files stored for a result that was never committed belong to no video: nothing would ever serve or
            // delete them.
            if (fileKey is not null && !committed)
                await DeleteStoredAsync(job.Id, fileKey);
            DeleteWorkDirectory(job.Id, workDirectory);
        }
    }

    /// <summary>
    /// Commits the result, retrying with backoff while the database is unreachable: a result already stored is not
    /// thrown away for an outage. Returns false when the lease was lost (or the job deleted) meanwhile. A commit whose
    /// answer was lost may have been applied: the video's row tells.
    /// </summary>
    private async Task<bool> CommitAsync(JobRow job, string fileKey, Func<Task<bool>> commit, CancellationToken ct)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                if (failures > 0 && await jobs.HasVideoAsync(job.Id, fileKey, CancellationToken.None))
                    return true;
                return await commit();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Cancelled meanwhile (lease lost, grace over): Task.Delay throws, and the stored files are deleted.
                var delay = Backoff(failures + 1);
                LogCommitRetry(ex, job.Id, delay.TotalSeconds);
                await Task.Delay(delay, time, ct);
            }
        }
    }

    private async Task DeleteStoredAsync(string jobId, string fileKey)
    {
        try
        {
            await storage.DeleteAsync(fileKey, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoredNotDeleted(ex, jobId, fileKey);
        }
    }

    private void DeleteWorkDirectory(string jobId, string workDirectory)
    {
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The sweep at the next start removes what is left.
            LogWorkNotDeleted(ex, jobId, workDirectory);
        }
    }

    private async Task FailAsync(JobRow job, string owner, string error)
    {
        Activity.Current.Fail(error);
        using var finish = Telemetry.Source.StartActivity("finish");
        var failed = await lifecycle.FailAsync(job, owner, error, CancellationToken.None);
        if (failed)
        {
            signal.NotifyCallbacks();
            LogFailed(job.Id, error);
        }
    }

    private async Task ReleaseAsync(JobRow job, string owner)
    {
        try
        {
            if (await jobs.ReleaseAsync(job.Id, owner, CancellationToken.None))
            {
                signal.Notify();
                LogHandedBack(job.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease then lapses and the rescuer re-queues the job (that attempt counts).
            LogNotHandedBack(ex, job.Id);
        }
    }

    /// <summary>
    /// Renews the lease and saves progress until <paramref name="stop"/>; cancels <paramref name="render"/> when the
    /// lease is gone. A renewal that fails (database busy or restarting) is retried with backoff and logged each time;
    /// only a lost lease or <paramref name="stop"/> ends the heartbeat.
    /// </summary>
    private async Task HeartbeatAsync(string jobId, string owner, JobProgress progress, CancellationTokenSource render, CancellationToken stop)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                await Task.Delay(failures == 0 ? Settings.HeartbeatInterval : Backoff(failures), time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var (status, value) = progress.Snapshot();
            bool held;
            try
            {
                held = await jobs.HeartbeatAsync(jobId, owner, status, value, Settings.LeaseDuration, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures++;
                LogHeartbeatFailed(ex, jobId, failures, Backoff(failures).TotalSeconds);
                continue;
            }
            if (failures > 0)
                LogHeartbeatRecovered(jobId, failures);
            failures = 0;
            if (!held)
            {
                // Deleted, or the lease lapsed and the job went back to the queue: stop this render now.
                LogHeartbeatLeaseLost(jobId);
                await render.CancelAsync();
                return;
            }
        }
    }

    /// <summary>
    /// The wait before retry <paramref name="failures"/>: the heartbeat interval, doubling, at most a quarter of the
    /// lease, so several retries fall within one lease and a database back within it keeps the lease.
    /// </summary>
    private TimeSpan Backoff(int failures)
    {
        var cap = Math.Max(Settings.HeartbeatInterval.Ticks, Settings.LeaseDuration.Ticks / 4);
        var ticks = Settings.HeartbeatInterval.Ticks * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromTicks((long)Math.Min(ticks, cap));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed job {JobId} (attempt {Attempt})")]
    private partial void LogClaimed(string jobId, long attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished job {JobId}: {Seconds:0.##} s of video")]
    private partial void LogFinished(string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: no thumbnail ({Reason}); the video is stored without one")]
    private partial void LogNoThumbnail(string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed: {Error}")]
    private partial void LogFailed(string jobId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the lease was lost before the result was stored; the result was discarded")]
    private partial void LogLeaseLost(string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: render stopped (deleted, or the lease was lost)")]
    private partial void LogCancelled(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: unexpected render error")]
    private partial void LogRenderError(Exception ex, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: heartbeat failed ({Failures} in a row); retrying in {Seconds:0.##} s")]
    private partial void LogHeartbeatFailed(Exception ex, string jobId, int failures, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: heartbeat renewed again after {Failures} failure(s)")]
    private partial void LogHeartbeatRecovered(string jobId, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the lease is no longer held (deleted, or re-queued after it lapsed); stopping the render")]
    private partial void LogHeartbeatLeaseLost(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the result could not be committed; retrying in {Seconds:0.##} s")]
    private partial void LogCommitRetry(Exception ex, string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: the stored files of an uncommitted result ({FileKey}) could not be deleted")]
    private partial void LogStoredNotDeleted(Exception ex, string jobId, string fileKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its work folder {Path} could not be deleted; the next start sweeps it")]
    private partial void LogWorkNotDeleted(Exception ex, string jobId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: stopping; the render has {Seconds:0.##} s to finish before its job is handed back")]
    private partial void LogShutdownGrace(string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: handed back to the queue at shutdown (the attempt does not count)")]
    private partial void LogHandedBack(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: could not be handed back at shutdown; it is re-queued when its lease lapses")]
    private partial void LogNotHandedBack(Exception ex, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} folder(s) and file(s) left in {Path} by renders that did not end")]
    private partial void LogSwept(int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sweep {Path}")]
    private partial void LogSweepFailed(Exception ex, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Render worker error; retrying")]
    private partial void LogWorkerError(Exception ex);
}
