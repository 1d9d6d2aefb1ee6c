using System.ComponentModel;
using Reelgen.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen submit CREATIVE.json [--wait]</c>: submits a job to a server.</summary>
public sealed class SubmitCommand(IAnsiConsole console) : ServerCommand<SubmitCommand.Settings>(console)
{
    /// <summary>Options of <c>submit</c>.</summary>
    public sealed class Settings : ServerSettings
    {
        /// <summary>The creative file: a bare videoCreative or a whole job request.</summary>
        [CommandArgument(0, "<CREATIVE>")]
        [Description("A JSON file: a videoCreative, or a job request { videoCreative, dynamicVariables, callback, callbackPayload }.")]
        public string Creative { get; set; } = "";

        /// <summary>Wait for the job and print the video's public URL as the last line.</summary>
        [CommandOption("--wait")]
        [Description("Wait for the job with a progress bar; print the video's public URL as the last line.")]
        public bool Wait { get; set; }

        /// <summary>How long <c>--wait</c> waits, in seconds.</summary>
        [CommandOption("--timeout <SECONDS>")]
        [Description("How long --wait waits. Default: 1800.")]
        public int TimeoutSeconds { get; set; } = 1800;

        /// <summary>Dynamic variables, each <c>NAME=VALUE</c>; they win over the file's.</summary>
        [CommandOption("--var <NAME=VALUE>")]
        [Description("A dynamic variable (repeatable); wins over the file's dynamicVariables.")]
        public string[] Variables { get; set; } = [];
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(ReelgenClient client, Settings settings, CancellationToken cancellationToken)
    {
        var file = CreativeFile.Load(settings.Creative, settings.Variables);
        CreatedJob created;
        try
        {
            created = await client.CreateJobAsync(file.Request, cancellationToken);
        }
        catch (ReelgenApiException ex) when (ex.Errors.Count > 0)
        {
            Console.Errors($"{settings.Creative} is not a valid job ({ex.Errors.Count} problem{(ex.Errors.Count == 1 ? "" : "s")}):", ex.Errors, file.Shorten);
            return ExitCodes.BadInput;
        }
        Console.MarkupLine($"[grey]Submitted job[/] {created.Id} [grey](video {created.VideoId})[/]");
        if (!settings.Wait)
        {
            Console.Result(created.Id);
            return ExitCodes.Ok;
        }
        return await WaitAndPrintAsync(client, created.Id, TimeSpan.FromSeconds(settings.TimeoutSeconds), cancellationToken);
    }
}
