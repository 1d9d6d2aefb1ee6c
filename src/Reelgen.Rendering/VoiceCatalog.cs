namespace Reelgen.Rendering;

public sealed record VoiceInfo(string SpeakerId, string Name, string Language, string Gender);

/// <summary>Placeholder until the speech engine lands: the Colossyan-style ids of the built-in actors.</summary>
public sealed class VoiceCatalog
{
    public IReadOnlyList<VoiceInfo> All { get; } =
    [
        new("en-US-JennyNeural", "Jenny", "en-US", "Female"),
        new("en-GB-RyanNeural", "Ryan", "en-GB", "Male"),
        new("en-US-GuyNeural", "Guy", "en-US", "Male"),
        new("en-GB-SoniaNeural", "Sonia", "en-GB", "Female"),
        new("de-DE-KatjaNeural", "Katja", "de-DE", "Female"),
        new("fr-FR-HenriNeural", "Henri", "fr-FR", "Male"),
    ];

    public bool Exists(string speakerId) => All.Any(v => v.SpeakerId == speakerId);
}
