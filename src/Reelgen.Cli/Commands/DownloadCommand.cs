using System.ComponentModel;
using Reelgen.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen download VIDEOID -o FILE</c>: saves a finished video's MP4.</summary>
public sealed class DownloadCommand(IAnsiConsole console) : ServerCommand<DownloadCommand.Settings>(console)
{
    /// <summary>Options of <c>download</c>.</summary>
    public sealed class Settings : ServerSettings
    {
        /// <summary>The video id.</summary>
        [CommandArgument(0, "<VIDEOID>")]
        [Description("The video id (submit and status print it).")]
        public string VideoId { get; set; } = "";

        /// <summary>Where the MP4 goes; default <c>VIDEOID.mp4</c>.</summary>
        [CommandOption("-o|--output <FILE>")]
        [Description("Where the MP4 goes. Default: VIDEOID.mp4 in the current directory.")]
        public string? Output { get; set; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(ReelgenClient client, Settings settings, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(settings.Output ?? $"{settings.VideoId}.mp4");
        GeneratedVideo video;
        try
        {
            video = await client.DownloadVideoAsync(settings.VideoId, path, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            Console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return ExitCodes.BadInput;
        }
        Console.MarkupLine($"[grey]Saved {Markup.Escape(video.Name ?? video.Id)} ({new FileInfo(path).Length / 1024.0:0.#} KB) to[/]");
        Console.Result(path);
        return ExitCodes.Ok;
    }
}
