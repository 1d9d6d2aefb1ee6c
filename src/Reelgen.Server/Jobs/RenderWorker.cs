using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Operations;
using Reelgen.Server.Shares;
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
    CallbackOutbox outbox,
    WorkSignal signal,
    RunningRenders running,
    HostedIds hostedIds,
    ReelgenMetrics metrics,
    IOptions<ReelgenOptions> options,
    TimeProvider time,
    ILogger<RenderWorker> logger) : BackgroundService
{
    private readonly string _processId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    private WorkerOptions Settings => options.Value.Worker;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Settings.Concurrency).Select(slot => RunSlotAsync($"{_processId}:{slot}", stoppingToken)));

    private async Task RunSlotAsync(string owner, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimStarted = time.GetUtcNow();
                var job = await jobs.ClaimAsync(owner, Settings.LeaseDuration, stoppingToken);
                if (job is null)
                {
                    await signal.WaitAsync(Settings.PollInterval, stoppingToken);
                    continue;
                }
                await RunJobAsync(job, owner, claimStarted, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database outage must not kill the worker: log, wait, try again.
                LogWorkerError(ex);
                await Task.Delay(Settings.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
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
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        running.Add(job.Id, cts);
        var progress = new JobProgress(job.Progress);
        var workDirectory = Path.Combine(storage.WorkDirectory, $"{job.Id}-{Guid.NewGuid():N}");
        var output = Path.Combine(workDirectory, "video.mp4");
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job.Id, owner, progress, cts, stopHeartbeat.Token);
        var watchdog = new RenderWatchdog(progress, Settings, time);
        var watching = watchdog.WatchAsync(cts, stopHeartbeat.Token);
        try
        {
            var result = await renderer.RenderAsync(request.VideoCreative!, DynamicVariables.Merge(request), output, workDirectory, progress, cts.Token);
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            var fileKey = WorkspaceStore.NewSecretId();
            var shareId = WorkspaceStore.NewSecretId();
            var thumbnail = Path.Combine(workDirectory, "thumbnail.jpg");
            // A video without a poster is still a video: say why, and let the page do without one.
            if (await renderer.ExtractThumbnailAsync(output, thumbnail, result.DurationSeconds, cts.Token) is { } noThumbnail)
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
            bool stored;
            // The callback is written inside this span, so its delivery continues the trace from here.
            using (Telemetry.Source.StartActivity("finish"))
            {
                stored = await jobs.FinishAsync(job, owner, video,
                    (c, t) => outbox.EnqueueAsync(c, t, job, JobStatus.Finished, fileKey, shareId, null, CancellationToken.None), CancellationToken.None);
            }
            if (stored)
            {
                signal.NotifyCallbacks();
                metrics.RenderFinished(result.Stats.Seconds, result.DurationSeconds);
                LogFinished(job.Id, result.DurationSeconds);
            }
            else
            {
                await storage.DeleteAsync(fileKey, CancellationToken.None);
                activity.Fail("the lease was lost before the result was stored");
                LogLeaseLost(job.Id);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease lapses and another worker (or this one after restart) takes the job again.
            LogInterrupted(job.Id);
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
            await heartbeat;
            await watching;
            try
            {
                Directory.Delete(workDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private async Task FailAsync(JobRow job, string owner, string error)
    {
        Activity.Current.Fail(error);
        using var finish = Telemetry.Source.StartActivity("finish");
        var failed = await jobs.FailAsync(job, owner, error,
            (c, t) => outbox.EnqueueAsync(c, t, job, JobStatus.Failed, null, null, error, CancellationToken.None), CancellationToken.None);
        if (failed)
        {
            signal.NotifyCallbacks();
            LogFailed(job.Id, error);
        }
    }

    /// <summary>Renews the lease and saves progress until <paramref name="stop"/>; cancels <paramref name="render"/> when the lease is gone.</summary>
    private async Task HeartbeatAsync(string jobId, string owner, JobProgress progress, CancellationTokenSource render, CancellationToken stop)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(render.Token, stop);
        while (true)
        {
            try
            {
                await Task.Delay(Settings.HeartbeatInterval, time, both.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var (status, value) = progress.Snapshot();
            var held = await jobs.HeartbeatAsync(jobId, owner, status, value, Settings.LeaseDuration, CancellationToken.None);
            if (!held)
            {
                // Deleted, or the lease lapsed and the job went back to the queue: stop this render now.
                await render.CancelAsync();
                return;
            }
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: interrupted by shutdown; it will be picked up again")]
    private partial void LogInterrupted(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: unexpected render error")]
    private partial void LogRenderError(Exception ex, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Render worker error; retrying")]
    private partial void LogWorkerError(Exception ex);
}
