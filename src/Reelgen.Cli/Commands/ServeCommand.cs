using Reelgen.Server;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen serve</c>: runs the service with the configured roles.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    /// <summary>No options: the service reads its settings from configuration.</summary>
    public sealed class Settings : CommandSettings;

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        return await ReelgenServer.RunAsync([], cancellationToken);
    }
}
