using System.Reflection;
using Reelgen.Cli.Commands;
using Spectre.Console;
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
    /// <summary>The version <c>reelgen --version</c> prints: the package version and, when built from git, the commit.</summary>
    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Builds the command app with every verb.</summary>
    public static CommandApp Create()
    {
        // Piped output is read by scripts and logs: do not wrap long lines (ids, URLs) at 80 columns.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 400;
        var app = new CommandApp();
        app.Configure(Configure);
        return app;
    }

    /// <summary>Registers every verb (tests configure their in-process app with this too).</summary>
    /// <param name="config">The app's configurator.</param>
    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("reelgen");
        config.SetApplicationVersion(Version);
        config.AddCommand<ServeCommand>("serve")
            .WithDescription("Run the service (the default when no verb is given). Settings come from appsettings.json, Reelgen__* environment variables or --Reelgen:Key=value; see the README's settings table.")
            .WithExample("serve", "--urls", "http://0.0.0.0:5080")
            .WithExample("serve", "--Reelgen:Roles=worker");
        config.AddCommand<RenderCommand>("render")
            .WithDescription("Render a creative to an MP4 on this machine: no server, no database. Prints the file's path as the last line.")
            .WithExample("render", "examples/creatives/hello.json", "-o", "hello.mp4");
        config.AddCommand<SubmitCommand>("submit")
            .WithDescription("Submit a creative to the server at REELGEN_URL; prints the job id (with --wait, the video's public URL) as the last line.")
            .WithExample("submit", "hello.json", "--wait");
        config.AddCommand<StatusCommand>("status").WithDescription("Show a job's status and progress; prints the status as the last line.");
        config.AddCommand<WaitCommand>("wait").WithDescription("Wait for a job; prints the video's public URL as the last line.");
        config.AddCommand<DownloadCommand>("download").WithDescription("Save a finished video's MP4; prints the file's path as the last line.");
        config.AddCommand<ActorsCommand>("actors").WithDescription("List the presenters an actor track can name.");
        config.AddCommand<VoicesCommand>("voices").WithDescription("List the voices an actor track can name as speakerId.");
        config.AddBranch("tokens", tokens =>
        {
            tokens.SetDescription("API tokens.");
            tokens.AddCommand<TokensCreateCommand>("create").WithDescription("Create a token for a workspace (created when missing); prints the token as the last line.");
            tokens.AddCommand<TokensListCommand>("list").WithDescription("List a workspace's tokens by id (tokens are stored only as hashes), with when each was created and revoked.");
            tokens.AddCommand<TokensRevokeCommand>("revoke").WithDescription("Revoke a token (given itself or its id); every process refuses it within a second.")
                .WithExample("tokens", "revoke", "3f9a0c1b2d4e");
        });
        config.AddBranch("workspace", workspace =>
        {
            workspace.SetDescription("Workspaces.");
            workspace.AddCommand<WorkspaceSecretCommand>("secret").WithDescription("Show (or --rotate) a workspace's callback signing secret.");
        });
    }
}
