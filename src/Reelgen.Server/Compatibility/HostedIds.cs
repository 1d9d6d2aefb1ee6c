using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;

namespace Reelgen.Server.Compatibility;

/// <summary>
/// Actor and voice ids that exist only in the hosted service's catalogue (<c>nina1</c>, <c>aquXcfLbkxpW4BBI5qKm</c>).
/// The operator's alias table maps them first; an id still unknown gets a stand-in (or is left for the validator to
/// refuse under <c>UnknownIds=reject</c>). The choice depends only on the ids, the alias table and the catalogues, so
/// the API (which records the warnings at submit) and the worker (which renders) make the same one.
/// </summary>
public sealed class HostedIds
{
    private static readonly string[] FemaleWords = ["female", "woman", "women", "girl", "lady", "feminine"];
    private static readonly string[] MaleWords = ["male", "man", "men", "boy", "guy", "masculine"];

    private readonly VoiceCatalog _voices;
    private readonly PresenterCatalog _presenters;
    private readonly CompatibilityOptions _compatibility;
    private readonly Dictionary<string, string> _voiceAliases;
    private readonly Dictionary<string, string> _actorAliases;

    public HostedIds(VoiceCatalog voices, PresenterCatalog presenters, IOptions<ReelgenOptions> options)
    {
        _voices = voices;
        _presenters = presenters;
        _compatibility = options.Value.Compatibility;
        // Configuration keys are case-insensitive, so the lookups are too.
        _voiceAliases = new(options.Value.Aliases.Voices, StringComparer.OrdinalIgnoreCase);
        _actorAliases = new(options.Value.Aliases.Actors, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Rewrites every actor track of <paramref name="request"/> to ids Reelgen has, in place, and returns one warning
    /// per rewritten field naming its path, the id asked for and the one used. Empty when nothing was rewritten.
    /// </summary>
    public List<string> StandIn(VideoGenerationJobRequest request)
    {
        var warnings = new List<string>();
        var scenes = request.VideoCreative?.Scenes ?? [];
        for (var s = 0; s < scenes.Count; s++)
        {
            var tracks = scenes[s]?.Tracks ?? [];
            for (var t = 0; t < tracks.Count; t++)
            {
                if (tracks[t] is { Type: TrackTypes.Actor } track)
                    StandIn(track, $"videoCreative.scenes[{s}].tracks[{t}]", warnings);
            }
        }
        return warnings;
    }

    private void StandIn(Track track, string path, List<string> warnings)
    {
        if (!string.IsNullOrWhiteSpace(track.Actor) && _actorAliases.TryGetValue(track.Actor, out var actorAlias))
        {
            warnings.Add($"{path}.actor: '{track.Actor}' is mapped to '{actorAlias}' by the alias table.");
            track.Actor = actorAlias;
        }
        if (!string.IsNullOrWhiteSpace(track.SpeakerId) && _voiceAliases.TryGetValue(track.SpeakerId, out var voiceAlias))
        {
            warnings.Add($"{path}.speakerId: '{track.SpeakerId}' is mapped to '{voiceAlias}' by the alias table.");
            track.SpeakerId = voiceAlias;
        }
        if (_compatibility.Reject)
            return;

        // A blank speakerId is read as none: the presenter's own voice.
        if (track.SpeakerId is not null && string.IsNullOrWhiteSpace(track.SpeakerId))
            track.SpeakerId = null;
        var voiceKnown = track.SpeakerId is null || _voices.Exists(track.SpeakerId);

        if (!string.IsNullOrWhiteSpace(track.Actor) && !_presenters.Exists(track.Actor))
        {
            // The id itself may say who was meant; else the voice asked for: a known one by its gender, an unknown one by its id.
            (string? hint, string? source) = GenderIn(track.Actor) is { } fromName ? (fromName, "its name")
                : track.SpeakerId is null ? (null, null)
                : voiceKnown ? (GenderOfVoice(track.SpeakerId), "the voice asked for")
                : (GenderIn(track.SpeakerId), "the voice asked for");
            var standIn = _presenters.All.FirstOrDefault(a => a.Gender == hint) ?? _presenters.All[0];
            var reason = hint is null || standIn.Gender != hint ? "the first presenter" : $"a {hint.ToLowerInvariant()} presenter, from {source}";
            warnings.Add($"{path}.actor: '{track.Actor}' is not a Reelgen presenter; '{standIn.Name}' stands in ({reason}).");
            track.Actor = standIn.Name;
        }

        if (!voiceKnown)
        {
            var presenter = _presenters.Find(track.Actor ?? "");
            var hint = GenderIn(track.SpeakerId!);
            var standIn = VoiceFor(hint, presenter);
            if (standIn is null)
                return; // No voice is installed at all: the validator says so.
            var reason = standIn == presenter?.DefaultVoice ? $"the voice of '{presenter.Name}'"
                : hint is not null && GenderOfVoice(standIn) == hint ? $"a {hint.ToLowerInvariant()} voice, from its id"
                : "the first voice";
            warnings.Add($"{path}.speakerId: '{track.SpeakerId}' is not a Reelgen voice; '{standIn}' stands in ({reason}).");
            track.SpeakerId = standIn;
        }
    }

    /// <summary>The presenter's own voice unless the id asked for the other gender; then that gender's first presenter's voice.</summary>
    private string? VoiceFor(string? gender, Presenter? presenter)
    {
        if (presenter is not null && (gender is null || presenter.Gender == gender) && _voices.Exists(presenter.DefaultVoice))
            return presenter.DefaultVoice;
        if (gender is not null)
        {
            var voice = _presenters.All.Where(a => a.Gender == gender).Select(a => a.DefaultVoice).FirstOrDefault(_voices.Exists)
                ?? _voices.All.FirstOrDefault(v => v.Gender == gender)?.SpeakerId;
            if (voice is not null)
                return voice;
        }
        return _presenters.All.Select(a => a.DefaultVoice).FirstOrDefault(_voices.Exists) ?? (_voices.All.Count > 0 ? _voices.All[0].SpeakerId : null);
    }

    private string? GenderOfVoice(string speakerId) =>
        _voices.All.FirstOrDefault(v => string.Equals(v.SpeakerId, speakerId, StringComparison.OrdinalIgnoreCase))?.Gender;

    /// <summary><c>Female</c> or <c>Male</c> when a word of the id says so (<c>English_witty_female_1</c>), else null.</summary>
    internal static string? GenderIn(string id)
    {
        var words = Words(id);
        if (words.Any(FemaleWords.Contains))
            return "Female";
        if (words.Any(MaleWords.Contains))
            return "Male";
        return null;
    }

    // Splits at anything but letters and at lower-to-upper changes: "en-GB-RyanNeural" → en, gb, ryan, neural.
    private static List<string> Words(string id)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= id.Length; i++)
        {
            var boundary = i == id.Length || !char.IsLetter(id[i]) || (i > 0 && char.IsUpper(id[i]) && char.IsLower(id[i - 1]));
            if (boundary && start >= 0)
            {
                words.Add(id[start..i].ToLowerInvariant());
                start = -1;
            }
            if (i < id.Length && char.IsLetter(id[i]) && start < 0)
                start = i;
        }
        return words;
    }
}
