using System.ComponentModel;
using Reelgen.Server.Workspaces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen tokens revoke TOKEN</c>.</summary>
public sealed class TokensRevokeCommand : AsyncCommand<TokensRevokeCommand.Settings>
{
    /// <summary>Arguments of <c>tokens revoke</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The token itself, or its id as <c>tokens list</c> shows it.</summary>
        [CommandArgument(0, "<TOKEN>")]
        [Description("The token, or its id from `tokens list`.")]
        public string Token { get; set; } = "";
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var app = await ServiceScope.OpenAsync(cancellationToken);
        var workspace = await app.Services.GetRequiredService<WorkspaceStore>().RevokeTokenAsync(settings.Token.Trim(), cancellationToken);
        if (workspace is null)
        {
            AnsiConsole.MarkupLine("[red]No such token[/] (give the token itself, or its id from `reelgen tokens list`).");
            return ExitCodes.BadInput;
        }
        AnsiConsole.MarkupLine($"[grey]Revoked; every Reelgen process refuses it within a second. It belonged to workspace[/] [bold]{Markup.Escape(workspace.Name)}[/].");
        Console.WriteLine("revoked");
        return ExitCodes.Ok;
    }
}
