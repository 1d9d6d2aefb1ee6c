namespace Reelgen.Creative;

/// <summary>A built-in presenter.</summary>
/// <param name="Name">The key used in an actor track's <c>actor</c>.</param>
/// <param name="DisplayName">Shown to people.</param>
/// <param name="Gender"><c>Male</c> or <c>Female</c>.</param>
/// <param name="DefaultVoice">The voice used when a track names none.</param>
/// <param name="Color">The presenter's colour, <c>#RRGGBB</c>: the backdrop behind them when the background is kept.</param>
public sealed record ActorInfo(string Name, string DisplayName, string Gender, string DefaultVoice, string Color);

/// <summary>The built-in presenters, including the names Colossyan's samples use (karen, ryan, omar).</summary>
public static class Actors
{
    public static IReadOnlyList<ActorInfo> BuiltIn { get; } =
    [
        new("karen", "Karen", "Female", "en-US-JennyNeural", "#C2185B"),
        new("ryan", "Ryan", "Male", "en-GB-RyanNeural", "#1565C0"),
        new("omar", "Omar", "Male", "en-US-GuyNeural", "#2E7D32"),
        new("sofia", "Sofia", "Female", "en-GB-SoniaNeural", "#6A1B9A"),
        new("lena", "Lena", "Female", "de-DE-KatjaNeural", "#EF6C00"),
        new("marc", "Marc", "Male", "fr-FR-HenriNeural", "#00838F"),
        new("amara", "Amara", "Female", "en-US-AriaNeural", "#B8860B"),
        new("kenji", "Kenji", "Male", "en-US-DavisNeural", "#394A6D"),
        new("grace", "Grace", "Female", "en-GB-LibbyNeural", "#7E57C2"),
        new("samuel", "Samuel", "Male", "en-GB-ThomasNeural", "#8D3B47"),
    ];

    /// <summary>The presenter with this name (case-insensitive), or null.</summary>
    public static ActorInfo? Find(string name) =>
        BuiltIn.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
