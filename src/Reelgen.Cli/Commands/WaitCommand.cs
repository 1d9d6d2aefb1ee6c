using System.ComponentModel;
using Reelgen.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen wait JOBID</c>: waits for a job and prints its video's public URL as the last line.</summary>
public sealed class WaitCommand(IAnsiConsole console) : ServerCommand<WaitCommand.Settings>(console)
{
    /// <summary>Options of <c>wait</c>.</summary>
    public sealed class Settings : ServerSettings
    {
        /// <summary>The job id.</summary>
        [CommandArgument(0, "<JOBID>")]
        [Description("The job id that submit printed.")]
        public string JobId { get; set; } = "";

        /// <summary>How long to wait, in seconds.</summary>
        [CommandOption("--timeout <SECONDS>")]
        [Description("How long to wait. Default: 1800.")]
        public int TimeoutSeconds { get; set; } = 1800;
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(ReelgenClient client, Settings settings, CancellationToken cancellationToken) =>
        WaitAndPrintAsync(client, settings.JobId, TimeSpan.FromSeconds(settings.TimeoutSeconds), cancellationToken);
}
