using System.Collections.Concurrent;

namespace Reelgen.Server.Jobs;

/// <summary>
/// Wakes this process's idle loops at once instead of at their next poll: the render workers when a job is queued
/// here, the callback dispatcher when a job ends here.
/// </summary>
public sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _jobs = new(0, int.MaxValue);
    private readonly SemaphoreSlim _callbacks = new(0, int.MaxValue);

    public void Notify() => _jobs.Release();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct) => await _jobs.WaitAsync(timeout, ct);

    public void NotifyCallbacks() => _callbacks.Release();

    public async Task WaitForCallbacksAsync(TimeSpan timeout, CancellationToken ct) => await _callbacks.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _jobs.Dispose();
        _callbacks.Dispose();
    }
}

/// <summary>Renders running in this process, so a DELETE handled here stops one at once (other processes notice at their next heartbeat).</summary>
public sealed class RunningRenders
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();

    public void Add(string jobId, CancellationTokenSource cts) => _running[jobId] = cts;

    public void Remove(string jobId) => _running.TryRemove(jobId, out _);

    public void Cancel(string jobId)
    {
        if (_running.TryGetValue(jobId, out var cts))
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // finished meanwhile
            }
        }
    }
}
