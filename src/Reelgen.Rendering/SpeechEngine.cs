namespace Reelgen.Rendering;

/// <summary>
/// A word as an engine reported it: where it lies in the script (UTF-16 offset and length, so the caption builder
/// can show the script's own text) and when it is heard, in milliseconds from the start of the speech.
/// </summary>
internal readonly record struct EngineWord(int Offset, int Length, double StartMs, double EndMs);

/// <summary>What an engine made of one script: mono 16-bit samples at its own rate, words, and phonemes (may be empty).</summary>
internal sealed record EngineSpeech(short[] Samples, int SampleRate, IReadOnlyList<EngineWord> Words, IReadOnlyList<SpokenPhoneme> Phonemes)
{
    public double DurationMs => Samples.Length * 1000.0 / SampleRate;
}

/// <summary>A voice an engine offers, before it gets a speaker id in the catalogue.</summary>
/// <param name="Voice">The engine's own name for it (espeak-ng's voice file with any variant, RHVoice's profile).</param>
/// <param name="Name">Shown to people.</param>
/// <param name="Language">Language code as the engine gives it (<c>en-gb</c>, <c>de</c>).</param>
/// <param name="Gender"><c>Male</c> or <c>Female</c>.</param>
internal sealed record EngineVoice(string Voice, string Name, string Language, string Gender);

/// <summary>
/// A text-to-speech engine loaded into the process. Speaking blocks the calling thread (the engines are native
/// libraries driven by callbacks); <see cref="SpeechSynthesizer"/> runs it off the request path.
/// </summary>
internal interface ISpeechEngine
{
    /// <summary>The name given in <c>GET /assets/voices</c> (<c>espeak-ng</c>, <c>rhvoice</c>).</summary>
    string Name { get; }

    /// <summary>Speaks <paramref name="text"/> with <paramref name="voice"/>; the same input gives the same samples and timings.</summary>
    EngineSpeech Speak(string text, string voice, CancellationToken cancellationToken);
}

/// <summary>Maps character positions reported by engines (code points or UTF-8 bytes) to UTF-16 offsets of the script.</summary>
internal static class TextPositions
{
    /// <summary>For each code point index, its UTF-16 offset; one extra entry for the end.</summary>
    public static int[] CodePointOffsets(string text)
    {
        var offsets = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
            offsets.Add(i);
        offsets.Add(text.Length);
        return [.. offsets];
    }

    /// <summary>For each UTF-8 byte index, the UTF-16 offset of the character it belongs to; one extra entry for the end.</summary>
    public static int[] Utf8Offsets(string text)
    {
        var offsets = new List<int>(text.Length * 2);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(i, char.IsSurrogatePair(text, i) ? 2 : 1));
            for (var b = 0; b < bytes; b++)
                offsets.Add(i);
        }
        offsets.Add(text.Length);
        return [.. offsets];
    }
}
