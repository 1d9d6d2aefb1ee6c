using System.Diagnostics;
using System.Net;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Cli.Tests;

/// <summary><c>reelgen tokens</c> as an operator runs it: the real executable on the data directory of a running service.</summary>
public sealed class TokensCommandsTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_token_revoked_with_the_cli_is_refused_by_the_running_service_within_a_second()
    {
        var created = await RunAsync("tokens", "create", "--workspace", "acme");
        var token = created.Output.TrimEnd().Split('\n')[^1].Trim();
        using var acme = _app.V1Client(token);
        using var other = _app.V1Client();
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("assets/actors")).StatusCode);

        var listed = await RunAsync("tokens", "list", "--workspace", "acme");
        var id = WorkspaceStore.HashToken(token)[..WorkspaceStore.TokenIdLength];
        Assert.Contains($"{id}  ", listed.Output, StringComparison.Ordinal);
        Assert.Contains("active", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed.Output, StringComparison.Ordinal);

        var revoked = await RunAsync("tokens", "revoke", token);
        Assert.True(revoked.ExitCode == 0, revoked.Output);
        // The service authenticated this token a moment ago, so it sits in its cache: the promise is a second, cache included.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await acme.GetAsync("assets/actors")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("assets/actors")).StatusCode);
        Assert.Contains("revoked", (await RunAsync("tokens", "list", "--workspace", "acme")).Output, StringComparison.Ordinal);

        var unknown = await RunAsync("tokens", "revoke", WorkspaceStore.NewToken());
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Equal(ExitCodes.BadInput, (await RunAsync("tokens", "list", "--workspace", "nobody")).ExitCode);
    }

    [Fact]
    public async Task A_token_can_be_revoked_by_the_id_the_listing_shows()
    {
        var token = (await RunAsync("tokens", "create", "--workspace", "acme")).Output.TrimEnd().Split('\n')[^1].Trim();
        var id = WorkspaceStore.HashToken(token)[..WorkspaceStore.TokenIdLength];

        var revoked = await RunAsync("tokens", "revoke", id);

        Assert.True(revoked.ExitCode == 0, revoked.Output);
        Assert.Contains("acme", revoked.Output, StringComparison.Ordinal);
        using var acme = _app.V1Client(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await acme.GetAsync("assets/actors")).StatusCode);
    }

    /// <summary>Runs the reelgen executable on the service's data directory.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        _ = _app.Services; // the service is up (and its tables made) before the CLI touches the database
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reelgen.dll"));
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        psi.Environment["Reelgen__DataDirectory"] = _app.DataDirectory;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"reelgen {string.Join(' ', args)} did not exit within 60 s");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
