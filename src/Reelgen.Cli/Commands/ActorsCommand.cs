using Reelgen.Client;
using Spectre.Console;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen actors</c>: lists the presenters an actor track can name.</summary>
public sealed class ActorsCommand(IAnsiConsole console) : ServerCommand<ServerSettings>(console)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(ReelgenClient client, ServerSettings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("actor", "name", "gender", "default voice");
        foreach (var actor in await client.GetActorsAsync(cancellationToken))
            table.AddRow(Markup.Escape(actor.Name), Markup.Escape(actor.DisplayName ?? ""), Markup.Escape(actor.Gender ?? ""), Markup.Escape(actor.DefaultVoice ?? ""));
        Console.Write(table);
        return ExitCodes.Ok;
    }
}
