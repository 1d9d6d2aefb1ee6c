using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;

namespace Reelgen.Server.Compatibility;

/// <summary>
/// A mistyped mode, or an alias to a voice or presenter that does not exist, stops the start naming the setting, rather
/// than surprising jobs later.
/// </summary>
public sealed class CompatibilityValidation(VoiceCatalog voices) : IValidateOptions<ReelgenOptions>
{
    public ValidateOptionsResult Validate(string? name, ReelgenOptions options)
    {
        var failures = new List<string>();
        if (options.Compatibility.UnknownIds is not ("substitute" or "reject"))
            failures.Add($"Reelgen__Compatibility__UnknownIds must be substitute or reject; got '{options.Compatibility.UnknownIds}'.");
        foreach (var (id, voice) in options.Aliases.Voices)
        {
            if (string.IsNullOrWhiteSpace(voice) || !voices.Exists(voice))
                failures.Add($"Reelgen__Aliases__Voices__{id} names '{voice}', which is not a voice of this server (see GET /assets/voices).");
        }
        foreach (var (id, actor) in options.Aliases.Actors)
        {
            if (string.IsNullOrWhiteSpace(actor) || Actors.Find(actor) is null)
                failures.Add($"Reelgen__Aliases__Actors__{id} names '{actor}', which is not a presenter of this server (see GET /assets/actors).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
