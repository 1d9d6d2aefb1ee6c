namespace Reelgen.Rendering;

/// <summary>
/// A word as spoken: its text and where it lies in the speech audio, in milliseconds from the start.
/// <see cref="Offset"/> and <see cref="Length"/> say where it stands in the script (UTF-16 units), so captions show
/// the script's own text with its punctuation.
/// </summary>
public sealed record SpokenWord(string Text, double StartMs, double EndMs)
{
    /// <summary>Where the word starts in the script that was spoken.</summary>
    public int Offset { get; init; }

    /// <summary>The word's length in the script.</summary>
    public int Length { get; init; }
}

/// <summary>
/// A phoneme as spoken, named with espeak-ng's phoneme mnemonics (<c>p</c>, <c>aI</c>, <c>@</c>, ...) whatever engine
/// spoke it, so one map turns phonemes into mouth shapes; times in milliseconds from the start of the speech. Pauses
/// are not phonemes: the time between phonemes is silence.
/// </summary>
public sealed record SpokenPhoneme(string Phoneme, double StartMs, double EndMs);

/// <summary>
/// One script spoken: a 16-bit PCM WAV file, its length, and when each word and phoneme is heard. Words may be empty
/// for an engine that reports none; phonemes are empty only when no engine could provide them.
/// <see cref="Engine"/> names the engine that spoke it (<c>rhvoice</c>, <c>espeak-ng</c>).
/// </summary>
public sealed record SpeechTimings(string WavPath, double DurationMs, IReadOnlyList<SpokenWord> Words, IReadOnlyList<SpokenPhoneme> Phonemes)
{
    /// <summary>The engine that spoke the script.</summary>
    public string Engine { get; init; } = "";
}
