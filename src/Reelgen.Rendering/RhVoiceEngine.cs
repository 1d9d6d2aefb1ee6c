using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace Reelgen.Rendering;

/// <summary>
/// RHVoice loaded in-process (<c>libRHVoice.so.5</c>): a message per script, callbacks that collect the samples and
/// the word starts and ends. A message is spoken by one RHVoice engine at a time; the process keeps one engine per
/// core (made when two scripts are first spoken at once), so scripts, and the parts of a long one, use every core. Only the voices under LGPL-2.1+ are offered (alan, bdl, clb,
/// slt); the others RHVoice ships carry non-commercial licences. RHVoice reports no phonemes: the
/// <see cref="SpeechSynthesizer"/> fits espeak-ng's phonemes of the same words into each word's time.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One per process, for its whole life, like the RHVoice engines it holds.")]
internal sealed unsafe partial class RhVoiceEngine : ISpeechEngine
{
    private const string Library = "libRHVoice.so.5";

    /// <summary>The voices that may be used: (profile, language, gender), best understood first within a gender.</summary>
    public static readonly IReadOnlyList<EngineVoice> Allowed =
    [
        new("clb", "CLB", "en-us", "Female"),
        new("slt", "SLT", "en-us", "Female"),
        new("bdl", "BDL", "en-us", "Male"),
        new("alan", "Alan", "en-gb", "Male"),
    ];

    private static readonly Lazy<RhVoiceEngine?> Loaded = new(Load);

    /// <summary>Engines not speaking now; there are never more than one per core.</summary>
    private readonly ConcurrentStack<IntPtr> _idle = new();
    private readonly SemaphoreSlim _slots = new(Math.Max(1, Environment.ProcessorCount));

    private RhVoiceEngine(IntPtr engine, IReadOnlyList<EngineVoice> voices)
    {
        _idle.Push(engine);
        Voices = voices;
    }

    /// <summary>How many messages may be spoken at once: one per core.</summary>
    public static int Concurrency => Math.Max(1, Environment.ProcessorCount);

    /// <summary>The process's RHVoice, or null when the library or its English voices are not installed.</summary>
    public static RhVoiceEngine? Shared => Loaded.Value;

    public string Name => "rhvoice";

    /// <summary>The allowed voices that are installed.</summary>
    public IReadOnlyList<EngineVoice> Voices { get; }

    /// <summary>
    /// Speaks a long script as a few runs of whole sentences at once, one per core, joined end to end. RHVoice speaks
    /// every sentence on its own, its pause after it included, so the joined samples are exactly those of the
    /// script spoken as one message (tested), in about half the time on two cores.
    /// </summary>
    public EngineSpeech Speak(string text, string voice, CancellationToken cancellationToken)
    {
        var parts = SentenceRuns(text, Concurrency);
        if (parts.Count == 1)
            return SpeakMessage(text, voice, cancellationToken);
        var spoken = new EngineSpeech[parts.Count];
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = parts.Count, CancellationToken = cancellationToken }, i =>
            spoken[i] = SpeakMessage(text.Substring(parts[i].Start, parts[i].Length), voice, cancellationToken));
        var samples = new List<short>(spoken.Sum(p => p.Samples.Length));
        var words = new List<EngineWord>();
        for (var i = 0; i < spoken.Length; i++)
        {
            if (spoken[i].SampleRate != spoken[0].SampleRate)
                throw new RenderException($"RHVoice changed its sample rate within a script for voice '{voice}'");
            var offsetMs = samples.Count * 1000.0 / spoken[0].SampleRate;
            words.AddRange(spoken[i].Words.Select(w => w with { Offset = w.Offset + parts[i].Start, StartMs = w.StartMs + offsetMs, EndMs = w.EndMs + offsetMs }));
            samples.AddRange(spoken[i].Samples);
        }
        return new EngineSpeech([.. samples], spoken[0].SampleRate, words, []);
    }

    /// <summary>Scripts shorter than this are spoken as one message: splitting would save little.</summary>
    private const int SplitLength = 240;

    /// <summary>
    /// The script cut into at most <paramref name="count"/> runs of whole sentences of about equal length, as
    /// (start, length); cut only after a sentence's end mark followed by a space and a capital letter, where the
    /// word before the mark is not an abbreviation (at least three letters, not all capitals).
    /// </summary>
    internal static List<(int Start, int Length)> SentenceRuns(string text, int count)
    {
        var cuts = new List<int>();
        for (var i = 1; i + 2 < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?') || !char.IsWhiteSpace(text[i + 1]))
                continue;
            var next = i + 1;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
                next++;
            if (next >= text.Length || !char.IsUpper(text[next]))
                continue;
            var wordStart = i;
            while (wordStart > 0 && char.IsLetter(text[wordStart - 1]))
                wordStart--;
            var word = text.AsSpan(wordStart, i - wordStart);
            if (word.Length >= 3 && !word.ToString().All(char.IsUpper))
                cuts.Add(next);
        }
        var runs = new List<(int Start, int Length)>();
        var start = 0;
        var pieces = text.Length < SplitLength ? 1 : Math.Min(count, text.Length / (SplitLength / 2));
        for (var k = 1; k < pieces; k++)
        {
            var target = text.Length * k / pieces;
            var cut = cuts.Where(c => c > start).OrderBy(c => Math.Abs(c - target)).FirstOrDefault();
            if (cut == 0)
                break;
            runs.Add((start, cut - start));
            start = cut;
        }
        runs.Add((start, text.Length - start));
        return runs;
    }

    /// <summary>The script as one RHVoice message, on an engine of its own.</summary>
    internal EngineSpeech SpeakMessage(string text, string voice, CancellationToken cancellationToken)
    {
        var collector = new Collector(cancellationToken);
        var handle = GCHandle.Alloc(collector);
        var utf8 = Encoding.UTF8.GetBytes(text);
        var profile = Marshal.StringToCoTaskMemUTF8(voice);
        try
        {
            var parameters = new SynthParams
            {
                VoiceProfile = profile,
                RelativeRate = 1,
                RelativePitch = 1,
                RelativeVolume = 1,
            };
            // An engine speaks one message at a time; separate engines share nothing, so results do not depend on
            // which engine speaks.
            _slots.Wait(cancellationToken);
            if (!_idle.TryPop(out var engine))
                engine = NewEngine() ?? throw new RenderException("RHVoice could not start another engine");
            try
            {
                IntPtr message;
                fixed (byte* bytes = utf8)
                    message = RHVoice_new_message(engine, bytes, (uint)utf8.Length, 0, &parameters, GCHandle.ToIntPtr(handle));
                if (message == IntPtr.Zero)
                    throw new RenderException($"RHVoice could not take the script for voice '{voice}'");
                try
                {
                    var finished = RHVoice_speak(message);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (finished == 0)
                        throw new RenderException($"RHVoice could not speak with voice '{voice}'");
                }
                finally
                {
                    RHVoice_delete_message(message);
                }
            }
            finally
            {
                _idle.Push(engine);
                _slots.Release();
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(profile);
            handle.Free();
        }
        return collector.Result(text);
    }

    /// <summary>A new RHVoice engine with this class's callbacks; null when the library cannot make one.</summary>
    private static IntPtr? NewEngine()
    {
        var init = new InitParams
        {
            SetSampleRate = &OnSampleRate,
            PlaySpeech = &OnSamples,
            WordStarts = &OnWordStarts,
            WordEnds = &OnWordEnds,
        };
        // Null paths: the data and configuration directories the library was built with.
        var engine = RHVoice_new_tts_engine(&init);
        return engine == IntPtr.Zero ? null : engine;
    }

    private static RhVoiceEngine? Load()
    {
        try
        {
            if (NewEngine() is not { } engine)
                return null;
            var count = RHVoice_get_number_of_voice_profiles(engine);
            var profiles = RHVoice_get_voice_profiles(engine);
            var installed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < count; i++)
                installed.Add(Marshal.PtrToStringUTF8(profiles[i]) ?? "");
            var voices = Allowed.Where(v => installed.Contains(v.Voice)).ToList();
            if (voices.Count == 0)
            {
                RHVoice_delete_tts_engine(engine);
                return null;
            }
            return new RhVoiceEngine(engine, voices);
        }
        catch (DllNotFoundException)
        {
            return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static Collector From(IntPtr userData) => (Collector)GCHandle.FromIntPtr(userData).Target!;

    // Callbacks return 0 to stop the synthesis: the render was cancelled.
    [UnmanagedCallersOnly]
    private static int OnSampleRate(int rate, IntPtr userData)
    {
        var collector = From(userData);
        if (collector.Samples.Count > 0 && rate != collector.Rate)
            return 0; // one rate per script, as every voice offered here has
        collector.Rate = rate;
        return 1;
    }

    [UnmanagedCallersOnly]
    private static int OnSamples(short* samples, uint count, IntPtr userData)
    {
        var collector = From(userData);
        collector.Samples.AddRange(new ReadOnlySpan<short>(samples, (int)count));
        return collector.Cancellation.IsCancellationRequested ? 0 : 1;
    }

    [UnmanagedCallersOnly]
    private static int OnWordStarts(uint position, uint length, IntPtr userData)
    {
        var collector = From(userData);
        collector.Words.Add(((int)position, (int)length, collector.Samples.Count, -1));
        return 1;
    }

    [UnmanagedCallersOnly]
    private static int OnWordEnds(uint position, uint length, IntPtr userData)
    {
        var collector = From(userData);
        var last = collector.Words.Count - 1;
        if (last >= 0 && collector.Words[last].Position == position)
            collector.Words[last] = collector.Words[last] with { End = collector.Samples.Count };
        return 1;
    }

    private sealed class Collector(CancellationToken cancellation)
    {
        public CancellationToken Cancellation { get; } = cancellation;
        public int Rate { get; set; } = 24000;
        public List<short> Samples { get; } = [];
        public List<(int Position, int Length, int Start, int End)> Words { get; } = [];

        public EngineSpeech Result(string text)
        {
            var offsets = TextPositions.Utf8Offsets(text);
            var words = new List<EngineWord>();
            foreach (var (position, length, start, end) in Words)
            {
                // RHVoice counts UTF-8 bytes from 0; a word's length includes punctuation attached to it.
                var first = Math.Clamp(position, 0, offsets.Length - 1);
                var last = Math.Clamp(position + length, first, offsets.Length - 1);
                var stop = end < start ? Samples.Count : end;
                words.Add(new EngineWord(offsets[first], offsets[last] - offsets[first], start * 1000.0 / Rate, stop * 1000.0 / Rate));
            }
            return new EngineSpeech([.. Samples], Rate, words, []);
        }
    }

    // RHVoice.h (1.x): RHVoice_callbacks inside RHVoice_init_params.
    [StructLayout(LayoutKind.Sequential)]
    private struct InitParams
    {
        public IntPtr DataPath;
        public IntPtr ConfigPath;
        public IntPtr ResourcePaths;
        public delegate* unmanaged<int, IntPtr, int> SetSampleRate;
        public delegate* unmanaged<short*, uint, IntPtr, int> PlaySpeech;
        public IntPtr ProcessMark;
        public delegate* unmanaged<uint, uint, IntPtr, int> WordStarts;
        public delegate* unmanaged<uint, uint, IntPtr, int> WordEnds;
        public IntPtr SentenceStarts;
        public IntPtr SentenceEnds;
        public IntPtr PlayAudio;
        public IntPtr Done;
        public uint Options;
    }

    // RHVoice.h (1.x): RHVoice_synth_params. Absolute values 0 and relative 1 are the voice's own settings.
    [StructLayout(LayoutKind.Sequential)]
    private struct SynthParams
    {
        public IntPtr VoiceProfile;
        public double AbsoluteRate;
        public double AbsolutePitch;
        public double AbsoluteVolume;
        public double RelativeRate;
        public double RelativePitch;
        public double RelativeVolume;
        public int PunctuationMode;
        public IntPtr PunctuationList;
        public int CapitalsMode;
        public int Flags;
    }

    [LibraryImport(Library)]
    private static partial IntPtr RHVoice_new_tts_engine(InitParams* parameters);

    [LibraryImport(Library)]
    private static partial void RHVoice_delete_tts_engine(IntPtr engine);

    [LibraryImport(Library)]
    private static partial uint RHVoice_get_number_of_voice_profiles(IntPtr engine);

    [LibraryImport(Library)]
    private static partial IntPtr* RHVoice_get_voice_profiles(IntPtr engine);

    [LibraryImport(Library)]
    private static partial IntPtr RHVoice_new_message(IntPtr engine, byte* text, uint length, int messageType, SynthParams* parameters, IntPtr userData);

    [LibraryImport(Library)]
    private static partial void RHVoice_delete_message(IntPtr message);

    [LibraryImport(Library)]
    private static partial int RHVoice_speak(IntPtr message);
}
