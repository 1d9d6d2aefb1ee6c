using Reelgen.Client;
using Spectre.Console;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen voices</c>: lists the voices an actor track can name as <c>speakerId</c>.</summary>
public sealed class VoicesCommand(IAnsiConsole console) : ServerCommand<ServerSettings>(console)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(ReelgenClient client, ServerSettings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("speakerId", "name", "language", "gender", "engine");
        foreach (var voice in await client.GetVoicesAsync(cancellationToken))
            table.AddRow(Markup.Escape(voice.SpeakerId), Markup.Escape(voice.Name ?? ""), Markup.Escape(voice.Language ?? ""), Markup.Escape(voice.Gender ?? ""), Markup.Escape(voice.Engine ?? ""));
        Console.Write(table);
        return ExitCodes.Ok;
    }
}
