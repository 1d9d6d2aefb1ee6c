namespace Reelgen.Server.Jobs;

/// <summary>
/// Bounds one render: it is stopped when its progress has not moved for <see cref="WorkerOptions.StallTimeout"/>, or
/// when it has run longer than max(<see cref="WorkerOptions.RenderBudget"/>, <see cref="WorkerOptions.RenderBudgetFactor"/>
/// times the video's length). The heartbeat renews the lease whether or not ffmpeg moves, so without this a hung
/// ffmpeg would hold a worker for ever. Stopping cancels the render, which kills its child processes; the worker
/// then fails the job with <see cref="Reason"/>.
/// </summary>
public sealed class RenderWatchdog(JobProgress progress, WorkerOptions settings, TimeProvider time)
{
    /// <summary>Why the render was stopped; null while it has not been.</summary>
    public string? Reason { get; private set; }

    /// <summary>Watches until <paramref name="stop"/>; cancels <paramref name="render"/> when a bound is passed.</summary>
    public async Task WatchAsync(CancellationTokenSource render, CancellationToken stop)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(render.Token, stop);
        var started = time.GetTimestamp();
        var last = progress.Moves;
        var lastMoved = started;
        // Often enough that a bound is noticed within a tenth of itself, never busier than 20 times a second.
        var interval = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, Math.Min(settings.StallTimeout.Ticks, settings.RenderBudget.Ticks) / 10));
        while (true)
        {
            try
            {
                await Task.Delay(interval, time, both.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var moves = progress.Moves;
            if (moves != last)
            {
                last = moves;
                lastMoved = time.GetTimestamp();
            }
            var now = progress.Snapshot();
            var videoSeconds = progress.VideoSeconds;
            var budget = TimeSpan.FromSeconds(Math.Max(settings.RenderBudget.TotalSeconds, settings.RenderBudgetFactor * videoSeconds));
            if (time.GetElapsedTime(lastMoved) > settings.StallTimeout)
                Reason = $"The render made no progress for {Describe(settings.StallTimeout)} (stuck at {now.Progress}%, {now.Status}) and was stopped; a retry may succeed, or simplify the video.";
            else if (time.GetElapsedTime(started) > budget)
                Reason = $"The render took longer than its time budget of {Describe(budget)} ({settings.RenderBudgetFactor:0.##} times the video's length, at least {Describe(settings.RenderBudget)}) and was stopped; make the video shorter or simpler.";
            if (Reason is not null)
            {
                await render.CancelAsync();
                return;
            }
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0.#} s";
}
