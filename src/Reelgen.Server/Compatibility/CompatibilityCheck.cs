using Microsoft.Extensions.Options;
using Reelgen.Rendering;

namespace Reelgen.Server.Compatibility;

/// <summary>
/// A mistyped mode, or an alias to a voice or presenter that does not exist, stops the start naming the setting, rather
/// than surprising jobs later. A hosted service rather than an options validator: the presenter catalogue is itself
/// built from the options.
/// </summary>
public sealed class CompatibilityCheck(VoiceCatalog voices, PresenterCatalog presenters, IOptions<ReelgenOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var failures = new List<string>();
        if (o.Compatibility.UnknownIds is not ("substitute" or "reject"))
            failures.Add($"Reelgen__Compatibility__UnknownIds = '{o.Compatibility.UnknownIds}': use substitute or reject.");
        foreach (var (id, voice) in o.Aliases.Voices)
        {
            if (string.IsNullOrWhiteSpace(voice) || !voices.Exists(voice))
                failures.Add($"Reelgen__Aliases__Voices__{id} = '{voice}': is not a voice of this server (see GET /assets/voices).");
        }
        foreach (var (id, actor) in o.Aliases.Actors)
        {
            if (string.IsNullOrWhiteSpace(actor) || !presenters.Exists(actor))
                failures.Add($"Reelgen__Aliases__Actors__{id} = '{actor}': is not a presenter of this server (see GET /assets/actors).");
        }
        if (failures.Count > 0)
            throw new OptionsValidationException(ReelgenOptions.Section, typeof(ReelgenOptions), failures);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
