using System.ComponentModel;
using Reelgen.Creative;
using Reelgen.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen render CREATIVE.json -o OUT.mp4</c>: renders on this machine, with no server and no database.</summary>
public sealed class RenderCommand(IAnsiConsole console) : AsyncCommand<RenderCommand.Settings>
{
    /// <summary>Options of <c>render</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The creative file: a bare videoCreative or a whole job request.</summary>
        [CommandArgument(0, "<CREATIVE>")]
        [Description("A JSON file: a videoCreative, or a job request { videoCreative, dynamicVariables }.")]
        public string Creative { get; set; } = "";

        /// <summary>Where the MP4 goes; default the creative's name with <c>.mp4</c>.</summary>
        [CommandOption("-o|--output <FILE>")]
        [Description("Where the MP4 goes. Default: CREATIVE with .mp4 instead of .json.")]
        public string? Output { get; set; }

        /// <summary>Dynamic variables, each <c>NAME=VALUE</c>; they win over the file's.</summary>
        [CommandOption("--var <NAME=VALUE>")]
        [Description("A dynamic variable (repeatable); wins over the file's dynamicVariables.")]
        public string[] Variables { get; set; } = [];

        /// <summary>The folder of custom presenters; default <c>presenters</c> in the data directory, as the server reads it.</summary>
        [CommandOption("--presenters <DIR>")]
        [Description("Custom presenters, one folder each. Default: presenters/ in Reelgen__DataDirectory (data).")]
        public string? Presenters { get; set; }

        /// <summary>Let asset URLs reach private and loopback addresses (off by default, as on the server).</summary>
        [CommandOption("--allow-private-addresses")]
        [Description("Let image, video and audio URLs point at private or loopback addresses.")]
        public bool AllowPrivateAddresses { get; set; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        CreativeFile file;
        VideoGenerationJobRequest request;
        try
        {
            file = CreativeFile.Load(settings.Creative, settings.Variables);
            request = file.Typed();
        }
        catch (CliInputException ex)
        {
            console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return ExitCodes.BadInput;
        }
        var voices = new VoiceCatalog();
        using var presenters = new PresenterCatalog(settings.Presenters
            ?? Path.Combine(Environment.GetEnvironmentVariable("Reelgen__DataDirectory") ?? "data", "presenters"));
        foreach (var problem in presenters.Problems)
            console.MarkupLine($"[yellow]Presenter '{Markup.Escape(problem.Name)}' is not available:[/] {Markup.Escape(problem.File)}: {Markup.Escape(problem.Reason)}");
        var errors = CreativeChecks.Validator(voices, presenters).Validate(request);
        if (errors.Count > 0)
        {
            console.Errors($"{settings.Creative} is not a valid creative ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):", errors, file.Shorten);
            return ExitCodes.BadInput;
        }

        var output = Path.GetFullPath(settings.Output ?? Path.ChangeExtension(settings.Creative, ".mp4"));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var work = Directory.CreateTempSubdirectory("reelgen-render-").FullName;
        var renderer = new VideoRenderer(new RenderOptions { AllowPrivateAddresses = settings.AllowPrivateAddresses }, voices, presenters: presenters);
        var variables = DynamicVariables.Merge(request);
        RenderResult result;
        try
        {
            result = console.IsInteractive()
                ? await console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var preparing = ctx.AddTask("Preparing", maxValue: 1);
                        var encoding = ctx.AddTask("Encoding", maxValue: 1);
                        var progress = new InlineProgress<RenderProgress>(p =>
                        {
                            if (p.Stage == RenderStage.Generating)
                                preparing.Value = 1;
                            (p.Stage == RenderStage.Preprocessing ? preparing : encoding).Value = p.Fraction;
                        });
                        return await renderer.RenderAsync(request.VideoCreative!, variables, output, work, progress, cancellationToken);
                    })
                : await renderer.RenderAsync(request.VideoCreative!, variables, output, work, PlainProgress(), cancellationToken);
        }
        catch (RenderException ex)
        {
            console.MarkupLine($"[red]The render failed:[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.JobFailed;
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Scratch files in the temp directory; the system cleans them up if a player still holds one.
            }
        }
        console.MarkupLine($"[green]Rendered[/] [grey]{result.Width}x{result.Height}, {result.DurationSeconds:0.##} s, {result.SizeBytes / 1024.0:0.#} KB to[/]");
        console.Result(result.OutputPath);
        return ExitCodes.Ok;
    }

    /// <summary>One line per stage and tenth, for logs and pipes.</summary>
    private InlineProgress<RenderProgress> PlainProgress()
    {
        (RenderStage Stage, int Tenth)? last = null;
        return new InlineProgress<RenderProgress>(p =>
        {
            var now = (p.Stage, (int)(p.Fraction * 10));
            if (now == last)
                return;
            last = now;
            console.WriteLine(FormattableString.Invariant($"{(p.Stage == RenderStage.Preprocessing ? "preparing" : "encoding")} {p.Fraction * 100:0}%"));
        });
    }
}
