using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>
/// The one set-up of the <see cref="CreativeValidator"/>: with this machine's voices, presenters and fonts, so the
/// server's endpoints, the command line and the renderer refuse exactly the same creatives.
/// </summary>
public static class CreativeChecks
{
    /// <param name="voices">The voices that can speak.</param>
    /// <param name="presenters">The built-in and custom presenters.</param>
    /// <param name="limits">The server's limits; the defaults elsewhere.</param>
    /// <param name="requireVariableValues">False for a template, whose <c>{tokens}</c> get values per job.</param>
    public static CreativeValidator Validator(VoiceCatalog voices, PresenterCatalog presenters, JobLimits? limits = null, bool requireVariableValues = true) => new()
    {
        Limits = limits ?? new JobLimits(),
        ActorExists = presenters.Exists,
        VoiceExists = voices.Exists,
        FontExists = FontCatalog.Exists,
        RequireVariableValues = requireVariableValues,
    };
}
