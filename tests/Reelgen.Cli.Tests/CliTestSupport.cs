using Reelgen.Cli.Commands;
using Reelgen.Server.Tests.Support;
using Spectre.Console.Cli.Testing;

namespace Reelgen.Cli.Tests;

/// <summary>The CLI's HTTP hook is process-wide, so the tests that use it never run at the same time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli";
}

internal static class Cli
{
    /// <summary>Runs <c>reelgen ARGS</c> in-process with a test console (not interactive: plain progress lines).</summary>
    public static Task<CommandAppResult> RunAsync(params string[] args)
    {
        var tester = new CommandAppTester();
        tester.Configure(CliApp.Configure);
        return tester.RunAsync(args);
    }

    /// <summary>Runs a verb against <paramref name="app"/>, with its URL and token given as options.</summary>
    public static async Task<CommandAppResult> RunAgainstAsync(ReelgenApp app, params string[] args)
    {
        CliHttp.HandlerFactory = () => app.Server.CreateHandler();
        try
        {
            return await RunAsync([.. args, "--url", "http://localhost", "--token", ReelgenApp.Token]);
        }
        finally
        {
            CliHttp.HandlerFactory = null;
        }
    }

    public static string LastLine(this CommandAppResult result) => result.Output.TrimEnd().Split('\n')[^1].Trim();

    public static string WriteJson(string directory, string name, string json)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
