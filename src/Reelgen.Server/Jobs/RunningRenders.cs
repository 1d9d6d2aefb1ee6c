using System.Collections.Concurrent;

namespace Reelgen.Server.Jobs;

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
