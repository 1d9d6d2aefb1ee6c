using System.ComponentModel;
using Reelgen.Server;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen serve</c>: runs the service with the configured roles.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    /// <summary>The host's own options; every other setting is configuration (see the README's settings table).</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Where to listen.</summary>
        [CommandOption("--urls <URLS>")]
        [Description("Where to listen, ';' between addresses. Default: $ASPNETCORE_URLS, else http://localhost:5080.")]
        public string? Urls { get; set; }

        /// <summary>The host environment.</summary>
        [CommandOption("--environment <NAME>")]
        [Description("The host environment (reads appsettings.NAME.json too). Default: Production.")]
        public string? Environment { get; set; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var args = new List<string>();
        if (settings.Urls is { } urls)
            args.Add($"--urls={urls}");
        if (settings.Environment is { } environment)
            args.Add($"--environment={environment}");
        return await ReelgenServer.RunAsync([.. args], cancellationToken);
    }
}
