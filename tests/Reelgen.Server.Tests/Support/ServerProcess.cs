using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Reelgen.Server.Tests.Support;

/// <summary>The real <c>reelgen</c> executable in a process of its own, for tests that kill it.</summary>
public sealed class ServerProcess : IDisposable
{
    private Process? _process;
    private readonly Dictionary<string, string> _environment;

    public ServerProcess(string dataDirectory, Dictionary<string, string>? settings = null)
    {
        Port = FreePort();
        _environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["Reelgen__DataDirectory"] = dataDirectory,
            ["Reelgen__BootstrapToken"] = ReelgenApp.Token,
            ["Reelgen__PublicBaseUrl"] = $"http://127.0.0.1:{Port}",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
            _environment[key] = value;
    }

    public int Port { get; }

    /// <summary>The executable's process id, once started.</summary>
    public int Pid => _process!.Id;

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/api/v1/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReelgenApp.Token);
        return client;
    }

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reelgen.dll"));
        foreach (var (key, value) in _environment)
            psi.Environment[key] = value;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{Port}/health")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.False(_process.HasExited, "reelgen exited during start");
            await Task.Delay(100);
        }
        throw new TimeoutException("reelgen did not become healthy");
    }

    /// <summary>Runs the executable until it exits by itself (a refused start); returns its exit code and all it wrote.</summary>
    public async Task<(int ExitCode, string Output)> RunToExitAsync(TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reelgen.dll"));
        foreach (var (key, value) in _environment)
            psi.Environment[key] = value;
        _process = Process.Start(psi)!;
        var stdout = _process.StandardOutput.ReadToEndAsync();
        var stderr = _process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return (_process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL, the whole tree (ffmpeg included): nothing gets to clean up.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
    }

    /// <summary>SIGKILL to the executable alone: its children are left to the kernel and to Reelgen's own arrangements.</summary>
    public void KillParentOnly()
    {
        _process?.Kill(entireProcessTree: false);
        _process?.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager stops a service: the process shuts down in its own way.</summary>
    public void Terminate() => Assert.Equal(0, SendSignal(_process!.Id, 15));

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public void Dispose()
    {
        if (_process is { HasExited: false })
            Kill();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
