namespace Reelgen.Server.Data;

/// <summary>
/// The loop of one worker slot, the same for rendering jobs and delivering callbacks: claim a row and handle it, or
/// wait for work when there is none. A failure (the database unreachable, say) never ends the loop: it is logged and
/// the slot waits <c>retryDelay</c> on the clock before it claims again. Stopping ends the loop quietly.
/// </summary>
internal static class ClaimLoop
{
    public static async Task RunAsync<T>(
        Func<CancellationToken, Task<T?>> claim,
        Func<T, CancellationToken, Task> handle,
        Func<CancellationToken, Task> idle,
        Action<Exception> logFailure,
        TimeSpan retryDelay,
        TimeProvider time,
        CancellationToken stoppingToken)
        where T : class
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await claim(stoppingToken) is { } claimed)
                    await handle(claimed, stoppingToken);
                else
                    await idle(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logFailure(ex);
                await Task.Delay(retryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
