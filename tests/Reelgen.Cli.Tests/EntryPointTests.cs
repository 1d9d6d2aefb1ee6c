using System.Diagnostics;

namespace Reelgen.Cli.Tests;

/// <summary>The real <c>reelgen</c> executable: what starts the service and what answers and exits.</summary>
public sealed class EntryPointTests
{
    [Theory]
    [InlineData("")]
    [InlineData("serve")]
    [InlineData("--urls http://127.0.0.1:5999")]
    [InlineData("serve --urls=http://127.0.0.1:5999 --Reelgen:Roles=api")]
    [InlineData("--Logging:LogLevel:Default Warning --environment Development")]
    public void Serves_with_no_verb_or_only_host_settings(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotNull(ServeArguments.Host(args));
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("serve --help")]
    [InlineData("serve -h")]
    [InlineData("--verbose")]
    [InlineData("--urls http://127.0.0.1:5999 --bogus")]
    [InlineData("tokens create --workspace demo")]
    public void Help_the_version_verbs_and_unknown_options_do_not_serve(string commandLine)
    {
        Assert.Null(ServeArguments.Host(commandLine.Split(' ')));
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_without_serving()
    {
        var (exitCode, output) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
        Assert.DoesNotContain("listening", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Serve_help_describes_the_options_and_exits()
    {
        var (exitCode, output) = await RunAsync("serve", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("reelgen serve [OPTIONS]", output, StringComparison.Ordinal);
        Assert.Contains("--urls", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_leading_option_is_an_error_not_a_server()
    {
        var (exitCode, output) = await RunAsync("--bogus");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("bogus", output, StringComparison.Ordinal);
    }

    /// <summary>Runs reelgen; a process still running after 60 s would be a server, and fails the test.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reelgen.dll"));
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        psi.Environment["Reelgen__DataDirectory"] = Directory.CreateTempSubdirectory("reelgen-entry-").FullName;
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
            Assert.Fail($"reelgen {string.Join(' ', args)} was still running after 60 s (it served?)");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
