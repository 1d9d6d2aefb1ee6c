using Reelgen.Cli.Commands;
using Spectre.Console.Cli;

namespace Reelgen.Cli;

/// <summary>Exit codes of every verb.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The job failed (or was deleted).</summary>
    public const int JobFailed = 1;

    /// <summary>Bad input: a missing file, an invalid creative, a wrong option.</summary>
    public const int BadInput = 2;

    /// <summary>The server could not be reached or answered an error.</summary>
    public const int ServerError = 3;

    /// <summary>Waiting timed out.</summary>
    public const int Timeout = 4;
}

/// <summary>The verbs of <c>reelgen</c>.</summary>
public static class CliApp
{
    /// <summary>Builds the command app with every verb.</summary>
    public static CommandApp Create()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("reelgen");
            config.AddCommand<ServeCommand>("serve").WithDescription("Run the service (the default when no verb is given).");
            config.AddBranch("tokens", tokens =>
            {
                tokens.SetDescription("API tokens.");
                tokens.AddCommand<TokensCreateCommand>("create").WithDescription("Create a token for a workspace (created when missing); prints the token as the last line.");
            });
            config.AddBranch("workspace", workspace =>
            {
                workspace.SetDescription("Workspaces.");
                workspace.AddCommand<WorkspaceSecretCommand>("secret").WithDescription("Show (or --rotate) a workspace's callback signing secret.");
            });
        });
        return app;
    }
}
