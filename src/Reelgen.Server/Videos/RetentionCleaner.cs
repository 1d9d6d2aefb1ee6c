using Microsoft.Extensions.Options;
using Reelgen.Server.Jobs;
using Reelgen.Server.Storage;

namespace Reelgen.Server.Videos;

/// <summary>
/// Deletes what is older than <see cref="RetentionOptions"/> allows, once an interval: videos made more than
/// <c>VideoDays</c> ago (their files, then their rows are marked deleted, as a DELETE of the API does), and jobs that
/// ended more than <c>JobDays</c> ago (their videos' files, then the job, its video and callback rows). Files go
/// before rows, so a crash between the two leaves a row whose files the next pass deletes again, never a file
/// nothing points to. Runs in every worker process; every step is idempotent, so many cleaners are harmless.
/// </summary>
public sealed partial class RetentionCleaner(
    JobStore jobs,
    VideoStore videos,
    VideoStorage storage,
    IOptions<ReelgenOptions> options,
    TimeProvider time,
    ILogger<RetentionCleaner> logger) : BackgroundService
{
    // Small batches keep each transaction (and SQLite's one writer) short while the API keeps answering.
    private const int Batch = 100;

    private RetentionOptions Settings => options.Value.Retention;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Settings.VideoDays is null && Settings.JobDays is null)
            return;
        using var timer = new PeriodicTimer(Settings.Interval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CleanAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogError(ex);
            }
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: everything past its age, in batches until none is left.</summary>
    public async Task CleanAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Settings.VideoDays is { } videoDays)
        {
            var before = (now - TimeSpan.FromDays(videoDays)).ToUnixTimeMilliseconds();
            var deleted = 0;
            while (await videos.ListMadeBeforeAsync(before, Batch, ct) is { Count: > 0 } old)
            {
                foreach (var video in old)
                {
                    await storage.DeleteAsync(video.FileKey, ct);
                    deleted += await videos.MarkDeletedAsync(video.Id, ct);
                }
            }
            if (deleted > 0)
                LogVideosDeleted(deleted, videoDays);
        }
        if (Settings.JobDays is { } jobDays)
        {
            var before = (now - TimeSpan.FromDays(jobDays)).ToUnixTimeMilliseconds();
            var removed = 0;
            while (await jobs.ListEndedBeforeAsync(before, Batch, ct) is { JobIds.Count: > 0 } old)
            {
                foreach (var fileKey in old.FileKeys)
                    await storage.DeleteAsync(fileKey, ct);
                removed += await jobs.RemoveEndedAsync(old.JobIds, ct);
            }
            if (removed > 0)
                LogJobsRemoved(removed, jobDays);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} video(s) made more than {Days} days ago")]
    private partial void LogVideosDeleted(int count, int days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: removed {Count} job(s) that ended more than {Days} days ago")]
    private partial void LogJobsRemoved(int count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention pass failed; retrying at the next interval")]
    private partial void LogError(Exception ex);
}
