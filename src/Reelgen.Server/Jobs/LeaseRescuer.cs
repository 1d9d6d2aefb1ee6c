using Microsoft.Extensions.Options;
using Reelgen.Server.Data;

namespace Reelgen.Server.Jobs;

/// <summary>
/// Returns to the queue every job whose worker stopped renewing its lease (killed, frozen, cut off), so no accepted
/// job is lost. Runs in every worker process; the update is idempotent, so many rescuers are harmless.
/// </summary>
public sealed partial class LeaseRescuer(JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, TimeProvider time, ILogger<LeaseRescuer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Worker.RescueInterval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var rescued = await jobs.RescueExpiredAsync(stoppingToken);
                if (rescued > 0)
                {
                    LogRescued(rescued);
                    for (var i = 0; i < rescued; i++)
                        signal.Notify();
                }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-queued {Count} job(s) whose lease had lapsed")]
    private partial void LogRescued(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease rescue failed; retrying at the next interval")]
    private partial void LogError(Exception ex);
}
