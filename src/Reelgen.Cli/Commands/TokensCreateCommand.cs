using System.ComponentModel;
using Reelgen.Server.Workspaces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen tokens create --workspace NAME</c>.</summary>
public sealed class TokensCreateCommand : AsyncCommand<TokensCreateCommand.Settings>
{
    /// <summary>Options of <c>tokens create</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The workspace the token belongs to; created when missing.</summary>
        [CommandOption("-w|--workspace <NAME>")]
        [Description("Workspace the token belongs to (created when missing). Default: default.")]
        public string Workspace { get; set; } = "default";
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var app = await ServiceScope.OpenAsync(cancellationToken);
        var token = WorkspaceStore.NewToken();
        await app.Services.GetRequiredService<WorkspaceStore>().AddTokenAsync(settings.Workspace, token, cancellationToken);
        AnsiConsole.MarkupLine($"[grey]New token for workspace[/] [bold]{Markup.Escape(settings.Workspace)}[/][grey]; it is shown once and stored only as a hash:[/]");
        Console.WriteLine(token);
        return ExitCodes.Ok;
    }
}
