using System.Collections.Concurrent;
using System.Diagnostics;

namespace Reelgen.Rendering;

/// <summary>
/// How a child process ended: its exit code, its standard output (empty when it was read line by line) and the last
/// lines of its standard error, kept for the error message.
/// </summary>
public sealed record ProcessResult(int ExitCode, byte[] Output, string ErrorTail);

/// <summary>
/// The one way Reelgen starts a child process (ffmpeg, ffprobe): arguments as a list (never a command line to
/// parse), a time limit, cancellation that kills the child at once, the tail of standard error for the message, and
/// a child that dies with this process, even when this process is killed with SIGKILL.
/// </summary>
public static class ProcessRunner
{
    private const int TailLines = 30;

    /// <summary>Runs <paramref name="executable"/> to its end and returns how it ended; a non-zero exit is the caller's to judge.</summary>
    /// <param name="executable">A name looked up on PATH, or a path.</param>
    /// <param name="arguments">Passed as they are, one argument each.</param>
    /// <param name="timeout">Longest run allowed (<see cref="Timeout.InfiniteTimeSpan"/> for none); past it the child is killed.</param>
    /// <param name="cancellationToken">Kills the child and throws <see cref="OperationCanceledException"/>.</param>
    /// <param name="outputLine">When given, standard output is handed over line by line as it arrives instead of being collected.</param>
    /// <param name="time">The clock the time limit runs on; the system's by default.</param>
    /// <exception cref="RenderException">The executable is missing or cannot start, or the time limit passed.</exception>
    public static async Task<ProcessResult> RunAsync(
        string executable, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, Action<string>? outputLine = null, TimeProvider? time = null)
    {
        var name = Path.GetFileName(executable);
        using var process = await ChildLauncher.StartAsync(executable, arguments);
        using var timer = new CancellationTokenSource(timeout, time ?? TimeProvider.System);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        using (limit.Token.Register(() => ProcessKiller.Kill(process)))
        {
            var tail = new Queue<string>();
            var errors = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    lock (tail)
                    {
                        tail.Enqueue(line);
                        if (tail.Count > TailLines)
                            tail.Dequeue();
                    }
                }
            }, CancellationToken.None);
            var output = new MemoryStream();
            var reading = outputLine is null
                ? process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None)
                : Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
                        outputLine(line);
                }, CancellationToken.None);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(reading, errors);
            cancellationToken.ThrowIfCancellationRequested();
            string errorTail;
            lock (tail)
                errorTail = string.Join("\n", tail).Trim();
            if (limit.IsCancellationRequested)
                throw new RenderException($"{name} did not finish within {timeout.TotalSeconds:0.###} s and was stopped{(errorTail.Length > 0 ? ": " + errorTail : "")}");
            return new ProcessResult(process.ExitCode, output.ToArray(), errorTail);
        }
    }
}

/// <summary>
/// Starts child processes so that they die with this process. On Linux each child is started through
/// <c>setpriv --pdeathsig KILL</c> (util-linux), which asks the kernel to send SIGKILL to the child when its parent
/// dies, and exec's the tool in place (same pid, nothing stays in between). The kernel's "parent" is the thread that
/// forked, not the process: a child started from a thread-pool thread would be killed when that thread retires,
/// mid-render. So every child is started from one dedicated thread that lives as long as the process. Without
/// setpriv (other systems) children are started directly and are killed on cancellation only.
/// </summary>
internal static class ChildLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];
    private static readonly string? Setpriv = OperatingSystem.IsLinux() ? Find("setpriv") : null;

    static ChildLauncher()
    {
        var thread = new Thread(Launch) { IsBackground = true, Name = "Reelgen child launcher" };
        thread.Start();
    }

    /// <summary>True when children are tied to this process's life by the kernel.</summary>
    public static bool DiesWithParent => Setpriv is not null;

    public static Task<Process> StartAsync(string executable, IReadOnlyList<string> arguments)
    {
        var name = Path.GetFileName(executable);
        var path = Find(executable) ?? throw new RenderException($"{name} could not be started ({executable}): not found; install it or set its path");
        var info = new ProcessStartInfo(Setpriv ?? path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Setpriv is not null)
        {
            foreach (var a in new[] { "--pdeathsig", "KILL", "--", path })
                info.ArgumentList.Add(a);
        }
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task;
    }

    private static void Launch()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new RenderException($"{info.FileName} could not be started"));
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                started.SetException(new RenderException($"{Path.GetFileName(info.FileName)} could not be started: {ex.Message}", ex));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    /// <summary>The full path of an executable named alone (looked up on PATH) or by a path; null when there is none.</summary>
    private static string? Find(string executable)
    {
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return File.Exists(executable) ? Path.GetFullPath(executable) : null;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}

internal static class ProcessKiller
{
    /// <summary>Ends a child process and its children; a process that already ended is fine.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}
