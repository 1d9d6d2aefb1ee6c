using System.ComponentModel;
using Reelgen.Server.Workspaces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary><c>reelgen workspace secret [--workspace NAME] [--rotate|--end-rotation]</c>.</summary>
public sealed class WorkspaceSecretCommand : AsyncCommand<WorkspaceSecretCommand.Settings>
{
    /// <summary>Options of <c>workspace secret</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The workspace.</summary>
        [CommandOption("-w|--workspace <NAME>")]
        [Description("The workspace. Default: default.")]
        public string Workspace { get; set; } = "default";

        /// <summary>Start a rotation: a new secret signs, the old one is still sent alongside.</summary>
        [CommandOption("--rotate")]
        [Description("Make a new secret; callbacks carry both signatures until --end-rotation.")]
        public bool Rotate { get; set; }

        /// <summary>End a rotation: only the current secret signs.</summary>
        [CommandOption("--end-rotation")]
        [Description("Stop sending the previous secret's signature.")]
        public bool EndRotation { get; set; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var app = await ServiceScope.OpenAsync(cancellationToken);
        var store = app.Services.GetRequiredService<WorkspaceStore>();
        if (await store.FindByNameAsync(settings.Workspace, cancellationToken) is null)
        {
            AnsiConsole.MarkupLine($"[red]No workspace named[/] {Markup.Escape(settings.Workspace)}.");
            return ExitCodes.BadInput;
        }
        if (settings.Rotate)
            await store.RotateWebhookSecretAsync(settings.Workspace, cancellationToken);
        if (settings.EndRotation)
            await store.EndRotationAsync(settings.Workspace, cancellationToken);
        var workspace = (await store.FindByNameAsync(settings.Workspace, cancellationToken))!;
        if (workspace.PreviousWebhookSecret is not null)
            AnsiConsole.MarkupLine($"[grey]Rotation in progress; the previous secret still signs:[/] {workspace.PreviousWebhookSecret}");
        Console.WriteLine(workspace.WebhookSecret);
        return ExitCodes.Ok;
    }
}
