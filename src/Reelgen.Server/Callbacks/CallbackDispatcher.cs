using System.Diagnostics;
using Microsoft.Extensions.Options;
using Reelgen.Server.Data;
using Reelgen.Server.Operations;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Callbacks;

/// <summary>
/// Sends the callback outbox, <see cref="CallbackOptions.Concurrency"/> deliveries at a time. A job ending in this
/// process wakes it at once (<see cref="WorkSignal.NotifyCallbacks"/>); otherwise it sleeps until the next delivery
/// falls due or the poll interval, whichever comes first, which also picks up deliveries other processes wrote.
/// At-least-once: a sender killed mid-send leaves its claim to lapse and the delivery goes again with the same id.
/// </summary>
public sealed partial class CallbackDispatcher(
    CallbackStore store,
    CallbackSender sender,
    WorkspaceStore workspaces,
    WorkSignal signal,
    CallbackMetrics metrics,
    TimeProvider time,
    IOptions<CallbackOptions> options,
    ILogger<CallbackDispatcher> logger) : BackgroundService
{
    private readonly string _processId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly RetrySchedule _schedule = new(options.Value.RetrySchedule);

    private CallbackOptions Settings => options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Settings.Concurrency).Select(slot => RunSlotAsync($"{_processId}:{slot}", stoppingToken)));

    // A database outage must not kill the dispatcher: the loop logs and tries again.
    private Task RunSlotAsync(string owner, CancellationToken stoppingToken) => ClaimLoop.RunAsync(
        ct => store.ClaimAsync(owner, Settings.Lease, ct),
        (delivery, ct) => DeliverAsync(delivery, owner, ct),
        IdleAsync,
        LogDispatcherError,
        Settings.PollInterval,
        time,
        stoppingToken);

    private async Task IdleAsync(CancellationToken stoppingToken)
    {
        var wait = Settings.PollInterval;
        if (await store.NextDueAsync(stoppingToken) is { } due)
        {
            var untilDue = TimeSpan.FromMilliseconds(due - time.GetUtcNow().ToUnixTimeMilliseconds());
            wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
        }
        if (wait > TimeSpan.Zero)
            await signal.WaitForCallbacksAsync(wait, stoppingToken);
    }

    private async Task DeliverAsync(CallbackDelivery delivery, string owner, CancellationToken stoppingToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = delivery.JobId, ["DeliveryId"] = delivery.Id });
        // Continues the job's trace from the step that ended it; the POST below is its child and carries traceparent.
        using var activity = Telemetry.StartFromStored("callback", ActivityKind.Producer, delivery.TraceParent);
        activity?.SetTag("reelgen.job.id", delivery.JobId);
        activity?.SetTag("reelgen.callback.id", delivery.Id);
        activity?.SetTag("reelgen.callback.attempt", delivery.Attempts + 1);
        var workspace = await workspaces.FindByIdAsync(delivery.WorkspaceId, stoppingToken);
        var attemptedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        SendOutcome outcome;
        try
        {
            outcome = workspace is null
                ? new SendOutcome(null, $"workspace {delivery.WorkspaceId} no longer exists", 0, null)
                : await sender.SendAsync(delivery, workspace, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-send: whether the receiver got it is unknown, so it goes again (same id) after restart.
            await store.ReleaseAsync(delivery, owner, CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A delivery that cannot even be built (a signing secret that is not base64) is a failed attempt like
            // any other: it follows the schedule and ends failed, rather than being claimed and thrown again forever.
            LogSendError(ex, delivery.Id);
            outcome = new SendOutcome(null, $"could not be sent: {ex.Message}", 0, null);
        }

        var attemptInRound = (int)(delivery.Attempts - delivery.RoundStart) + 1;
        var (status, next) = Decide(outcome, attemptInRound);
        var result = new AttemptResult(attemptedAt, outcome.StatusCode, outcome.Error, outcome.DurationMs, status, next);
        metrics.Attempted(status, outcome.DurationMs);
        activity?.SetTag("reelgen.callback.outcome", status);
        if (!outcome.Delivered)
            activity.Fail(outcome.Error ?? $"answered {outcome.StatusCode}");
        if (!await store.RecordAttemptAsync(delivery, owner, result, CancellationToken.None))
        {
            LogClaimLost(delivery.Id);
            return;
        }
        var what = outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? outcome.Error ?? "";
        switch (status)
        {
            case CallbackStatus.Delivered:
                LogDelivered(delivery.Id, delivery.JobId, what, outcome.DurationMs);
                break;
            case CallbackStatus.Failed:
                LogGaveUp(delivery.Id, delivery.JobId, attemptInRound, what);
                break;
            default:
                LogWillRetry(delivery.Id, delivery.JobId, attemptInRound, what, DateTimeOffset.FromUnixTimeMilliseconds(next));
                signal.NotifyCallbacks(); // an idle slot recomputes its sleep to wake for this retry
                break;
        }
    }

    /// <summary>2xx delivers; 410 Gone stops at once; anything else is retried on the schedule, or sooner or later as Retry-After asks.</summary>
    private (string Status, long NextAttemptAt) Decide(SendOutcome outcome, int attemptInRound)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (outcome.Delivered)
            return (CallbackStatus.Delivered, now);
        if (outcome.StatusCode == StatusCodes.Status410Gone)
            return (CallbackStatus.Failed, now);
        if (_schedule.After(attemptInRound, Random.Shared.NextDouble()) is not { } wait)
            return (CallbackStatus.Failed, now);
        return (CallbackStatus.Pending, now + (long)(outcome.RetryAfter ?? wait).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback {DeliveryId} of job {JobId} delivered ({Outcome}, {DurationMs} ms)")]
    private partial void LogDelivered(string deliveryId, string jobId, string outcome, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {DeliveryId} of job {JobId}: attempt {Attempt} failed ({Outcome}); next attempt at {NextAttemptAt:o}")]
    private partial void LogWillRetry(string deliveryId, string jobId, int attempt, string outcome, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {DeliveryId} of job {JobId} failed for good after attempt {Attempt} ({Outcome})")]
    private partial void LogGaveUp(string deliveryId, string jobId, int attempt, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {DeliveryId}: the claim lapsed before the attempt was recorded; it will be sent again")]
    private partial void LogClaimLost(string deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback {DeliveryId} could not be sent; the attempt counts as failed")]
    private partial void LogSendError(Exception ex, string deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback dispatcher error; retrying")]
    private partial void LogDispatcherError(Exception ex);
}
