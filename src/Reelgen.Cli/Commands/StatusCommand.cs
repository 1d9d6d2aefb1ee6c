using System.ComponentModel;
using System.Text.Json;
using Reelgen.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen status JOBID</c>: shows a job's status and progress.</summary>
public sealed class StatusCommand(IAnsiConsole console) : ServerCommand<StatusCommand.Settings>(console)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Options of <c>status</c>.</summary>
    public sealed class Settings : ServerSettings
    {
        /// <summary>The job id.</summary>
        [CommandArgument(0, "<JOBID>")]
        [Description("The job id that submit printed.")]
        public string JobId { get; set; } = "";

        /// <summary>Print the whole job as JSON.</summary>
        [CommandOption("--json")]
        [Description("Print the whole job as the server returns it.")]
        public bool Json { get; set; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(ReelgenClient client, Settings settings, CancellationToken cancellationToken)
    {
        var job = await client.GetJobAsync(settings.JobId, cancellationToken);
        if (settings.Json)
        {
            Console.Result(job.Raw.ToJsonString(Indented));
        }
        else
        {
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[grey]job[/]", Markup.Escape(job.Id));
            grid.AddRow("[grey]video[/]", Markup.Escape(job.VideoId ?? "-"));
            grid.AddRow("[grey]progress[/]", $"{job.Progress:0.#} / {job.MaximumProgress:0.#} ({job.Fraction:P0})");
            grid.AddRow("[grey]updated[/]", job.UpdatedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
            if (job.Error is { } error)
                grid.AddRow("[grey]error[/]", $"[red]{Markup.Escape(error)}[/]");
            Console.Write(grid);
            Console.Result(job.Status);
        }
        return job.Status is JobStatus.Failed or JobStatus.Deleted ? ExitCodes.JobFailed : ExitCodes.Ok;
    }
}
