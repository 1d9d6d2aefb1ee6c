using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Reelgen.Server.Data;

/// <summary>
/// Wakes idle loops at once instead of at their next poll: the render workers when a job is queued, the callback
/// dispatcher when a delivery is written. In this process directly; on PostgreSQL also in every other process,
/// through NOTIFY on <see cref="JobsChannel"/> and <see cref="CallbacksChannel"/> (heard by <see cref="WorkSignalListener"/>).
/// Callers signal after their transaction commits, so whoever wakes finds the row. A lost notification costs only
/// latency: the loops still poll.
/// </summary>
public sealed partial class WorkSignal(Db db, IOptions<ReelgenOptions> options, TimeProvider time, ILogger<WorkSignal> logger) : IDisposable
{
    public const string JobsChannel = "reelgen_jobs";
    public const string CallbacksChannel = "reelgen_callbacks";

    private readonly SemaphoreSlim _jobs = new(0, int.MaxValue);
    private readonly SemaphoreSlim _callbacks = new(0, int.MaxValue);
    private readonly bool _publish = db.IsPostgres && options.Value.Database.Notify;

    public void Notify()
    {
        WakeJobs();
        Publish(JobsChannel);
    }

    /// <summary>Returns when woken or after <paramref name="timeout"/> on the service's clock, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => WaitAsync(_jobs, timeout, ct);

    public void NotifyCallbacks()
    {
        WakeCallbacks();
        Publish(CallbacksChannel);
    }

    /// <inheritdoc cref="WaitAsync(TimeSpan, CancellationToken)"/>
    public Task WaitForCallbacksAsync(TimeSpan timeout, CancellationToken ct) => WaitAsync(_callbacks, timeout, ct);

    private async Task WaitAsync(SemaphoreSlim signal, TimeSpan timeout, CancellationToken ct)
    {
        // The timeout runs on the TimeProvider (SemaphoreSlim's own would run on the real clock).
        using var timer = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await signal.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Wakes this process's render workers only.</summary>
    internal void WakeJobs() => _jobs.Release();

    /// <summary>Wakes this process's callback dispatcher only.</summary>
    internal void WakeCallbacks() => _callbacks.Release();

    private void Publish(string channel)
    {
        if (_publish)
            _ = PublishAsync(channel);
    }

    private async Task PublishAsync(string channel)
    {
        try
        {
            await using var connection = await db.OpenAsync();
            await connection.ExecuteAsync($"NOTIFY {channel}");
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, channel);
        }
    }

    public void Dispose()
    {
        _jobs.Dispose();
        _callbacks.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not notify other processes on {Channel}; they will find the work at their next poll")]
    private partial void LogPublishFailed(Exception ex, string channel);
}

/// <summary>
/// On PostgreSQL, LISTENs on one connection of its own and wakes this process's idle workers and dispatcher when
/// another process queues a job or writes a callback. Reconnects after a failure, and wakes everything after each
/// (re)connection, since notifications sent meanwhile are lost.
/// </summary>
public sealed partial class WorkSignalListener(Db db, WorkSignal signal, TimeProvider time, ILogger<WorkSignalListener> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await db.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == WorkSignal.JobsChannel)
                        signal.WakeJobs();
                    else
                        signal.WakeCallbacks();
                };
                await connection.ExecuteAsync($"LISTEN {WorkSignal.JobsChannel}; LISTEN {WorkSignal.CallbacksChannel}");
                signal.WakeJobs();
                signal.WakeCallbacks();
                while (!stoppingToken.IsCancellationRequested)
                {
                    // A connection that died quietly never delivers again: check it whenever it has been silent a while.
                    // (This timeout is Npgsql's read timeout on the socket, the one wait not on the TimeProvider:
                    // cancelling a wait by token would break the connection.)
                    if (!await connection.WaitAsync(CheckInterval, stoppingToken))
                        await connection.ExecuteAsync("SELECT 1");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(ex, RetryDelay);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for work from other processes failed; polling meanwhile, retrying in {Delay}")]
    private partial void LogListenFailed(Exception ex, TimeSpan delay);
}
