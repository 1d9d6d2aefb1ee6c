using System.ComponentModel;
using System.Globalization;
using Reelgen.Server.Workspaces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen tokens list --workspace NAME</c>.</summary>
public sealed class TokensListCommand : AsyncCommand<TokensListCommand.Settings>
{
    /// <summary>Options of <c>tokens list</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The workspace whose tokens are listed.</summary>
        [CommandOption("-w|--workspace <NAME>")]
        [Description("The workspace. Default: default.")]
        public string Workspace { get; set; } = "default";
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var app = await ServiceScope.OpenAsync(cancellationToken);
        var tokens = await app.Services.GetRequiredService<WorkspaceStore>().ListTokensAsync(settings.Workspace, cancellationToken);
        if (tokens is null)
        {
            AnsiConsole.MarkupLine($"[red]No workspace named[/] {Markup.Escape(settings.Workspace)}.");
            return ExitCodes.BadInput;
        }
        // Tokens are stored only as hashes, so a token is shown by its id: `tokens revoke ID` takes it.
        AnsiConsole.MarkupLine($"[grey]Tokens of workspace[/] [bold]{Markup.Escape(settings.Workspace)}[/][grey] (id, created, revoked):[/]");
        foreach (var token in tokens)
            Console.WriteLine($"{token.Id}  {Date(token.CreatedAt)}  {(token.RevokedAt is { } revoked ? "revoked " + Date(revoked) : "active")}");
        return ExitCodes.Ok;
    }

    private static string Date(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
