namespace Reelgen.Rendering;

/// <summary>A word as spoken: its text and where it lies in the speech audio, in milliseconds from the start.</summary>
public sealed record SpokenWord(string Text, double StartMs, double EndMs);

/// <summary>
/// A phoneme as spoken, named with espeak-ng's phoneme mnemonics (<c>p</c>, <c>aI</c>, <c>@</c>, ...) whatever engine
/// spoke it, so one map turns phonemes into mouth shapes; times in milliseconds from the start of the speech.
/// </summary>
public sealed record SpokenPhoneme(string Phoneme, double StartMs, double EndMs);

/// <summary>
/// One script spoken: a 16-bit PCM WAV file, its length, and when each word and phoneme is heard. Words may be empty
/// for an engine that reports none; phonemes are empty only when no engine could provide them.
/// </summary>
public sealed record SpeechTimings(string WavPath, double DurationMs, IReadOnlyList<SpokenWord> Words, IReadOnlyList<SpokenPhoneme> Phonemes);
