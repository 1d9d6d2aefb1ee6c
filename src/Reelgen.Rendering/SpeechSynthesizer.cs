using System.Buffers.Binary;

namespace Reelgen.Rendering;

/// <summary>
/// The speech seam: a script and a speaker id in, a WAV file with word and phoneme timings out. The engine comes from
/// the <see cref="VoiceCatalog"/>; engines run in-process (no process start per script), off the caller's thread.
/// Every result is deterministic: the same script and voice give the same samples and timings.
/// </summary>
public sealed class SpeechSynthesizer(VoiceCatalog voices)
{
    /// <summary>Speech is brought to this loudness (RMS over the whole clip, silences included) ...</summary>
    private const double TargetRmsDb = -20;

    /// <summary>... unless that would push a peak above this, so nothing ever clips.</summary>
    private const double PeakCeilingDb = -1;

    public VoiceCatalog Voices => voices;

    /// <summary>Speaks <paramref name="text"/> with <paramref name="speakerId"/> into a 16-bit mono WAV at <paramref name="wavPath"/>.</summary>
    /// <exception cref="RenderException">The voice is unknown or the engine failed.</exception>
    public async Task<SpeechTimings> SpeakAsync(string text, string speakerId, string wavPath, CancellationToken cancellationToken)
    {
        var choice = voices.Find(speakerId) ?? throw new RenderException($"'{speakerId}' is not a known voice; see GET /assets/voices");
        // The engines block their thread for as long as they speak (a second or so per minute of speech): on threads
        // of their own, they never hold up the thread pool the rest of the render (downloads, drawing) runs on.
        var (speech, phonemes) = await Task.Factory.StartNew(() => Speak(text, choice, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var samples = Normalise(speech.Samples);
        await File.WriteAllBytesAsync(wavPath, Wav(samples, speech.SampleRate), cancellationToken);
        var words = speech.Words
            .Select(w => Word(text, w))
            .Where(w => w is not null)
            .Select(w => w!)
            .ToList();
        return new SpeechTimings(wavPath, speech.DurationMs, words, phonemes) { Engine = choice.Engine.Name };
    }

    private (EngineSpeech Speech, IReadOnlyList<SpokenPhoneme> Phonemes) Speak(string text, VoiceChoice choice, CancellationToken ct)
    {
        // An engine without phonemes (RHVoice): espeak-ng says which phonemes each word has, and they are spread
        // over the word's time in the proportions espeak-ng gives them. espeak-ng speaks its reference meanwhile.
        var espeak = voices.Espeak;
        var stand = voices.EspeakVoiceForLanguage(choice.Language);
        var reference = espeak is null || stand is null || ReferenceEquals(choice.Engine, espeak)
            ? null
            : Task.Factory.StartNew(() => espeak.Speak(text, stand, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var speech = choice.Engine.Speak(text, choice.Voice, ct);
        if (reference is null)
            return (speech, speech.Phonemes);
        var phonemes = reference.GetAwaiter().GetResult();
        if (speech.Phonemes.Count > 0 || speech.Words.Count == 0)
            return (speech, speech.Phonemes);
        return (speech, FitPhonemes(speech.Words, phonemes));
    }

    /// <summary>
    /// For each word of <paramref name="words"/>, the phonemes of the reference's words that overlap it in the
    /// script, scaled from their span in the reference onto the word's start and end.
    /// </summary>
    internal static List<SpokenPhoneme> FitPhonemes(IReadOnlyList<EngineWord> words, EngineSpeech reference)
    {
        var result = new List<SpokenPhoneme>();
        var refWords = reference.Words;
        for (var w = 0; w < words.Count; w++)
        {
            var word = words[w];
            if (word.EndMs <= word.StartMs)
                continue;
            var overlapping = new List<SpokenPhoneme>();
            for (var r = 0; r < refWords.Count; r++)
            {
                var rw = refWords[r];
                if (rw.Offset < word.Offset + word.Length && word.Offset < rw.Offset + Math.Max(1, rw.Length))
                {
                    var to = r + 1 < refWords.Count ? refWords[r + 1].StartMs : reference.DurationMs;
                    overlapping.AddRange(reference.Phonemes.Where(p => p.StartMs >= rw.StartMs && p.StartMs < to));
                }
            }
            if (overlapping.Count == 0)
                continue;
            var from = overlapping[0].StartMs;
            var span = overlapping[^1].EndMs - from;
            if (span <= 0)
                continue;
            var scale = (word.EndMs - word.StartMs) / span;
            foreach (var p in overlapping)
                result.Add(new SpokenPhoneme(p.Phoneme, word.StartMs + ((p.StartMs - from) * scale), word.StartMs + ((p.EndMs - from) * scale)));
        }
        return result;
    }

    /// <summary>The word's text in the script without the punctuation around it; null when nothing is left.</summary>
    private static SpokenWord? Word(string text, EngineWord word)
    {
        var start = Math.Clamp(word.Offset, 0, text.Length);
        var end = Math.Clamp(word.Offset + word.Length, start, text.Length);
        while (start < end && !char.IsLetterOrDigit(text[start]) && !char.IsSurrogate(text[start]))
            start++;
        while (end > start && !char.IsLetterOrDigit(text[end - 1]) && !char.IsSurrogate(text[end - 1]))
            end--;
        return end > start
            ? new SpokenWord(text[start..end], word.StartMs, word.EndMs) { Offset = start, Length = end - start }
            : null;
    }

    /// <summary>One gain for the whole clip: the RMS to <see cref="TargetRmsDb"/>, the peak at most <see cref="PeakCeilingDb"/>.</summary>
    internal static short[] Normalise(short[] samples)
    {
        if (samples.Length == 0)
            return samples;
        double sum = 0;
        var peak = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
            peak = Math.Max(peak, Math.Abs((int)s));
        }
        var rms = Math.Sqrt(sum / samples.Length) / 32768;
        if (rms <= 0 || peak == 0)
            return samples;
        var gain = Math.Min(Math.Pow(10, TargetRmsDb / 20) / rms, Math.Pow(10, PeakCeilingDb / 20) / (peak / 32768.0));
        var result = new short[samples.Length];
        for (var i = 0; i < samples.Length; i++)
            result[i] = (short)Math.Clamp(Math.Round(samples[i] * gain), short.MinValue, short.MaxValue);
        return result;
    }

    /// <summary>A canonical 44-byte-header PCM WAV: mono, 16-bit.</summary>
    internal static byte[] Wav(short[] samples, int rate)
    {
        var data = samples.Length * 2;
        var wav = new byte[44 + data];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data);
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (i * 2))..], samples[i]);
        return wav;
    }
}
