using System.Runtime.InteropServices;
using System.Text;

namespace Reelgen.Rendering;

/// <summary>
/// RHVoice loaded in-process (<c>libRHVoice.so.5</c>): one engine per process, a message per script, callbacks that
/// collect the samples and the word starts and ends. Only the voices under LGPL-2.1+ are offered (alan, bdl, clb,
/// slt); the others RHVoice ships carry non-commercial licences. RHVoice reports no phonemes: the
/// <see cref="SpeechSynthesizer"/> fits espeak-ng's phonemes of the same words into each word's time.
/// </summary>
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

    private readonly IntPtr _engine;
    private readonly Lock _gate = new();

    private RhVoiceEngine(IntPtr engine, IReadOnlyList<EngineVoice> voices)
    {
        _engine = engine;
        Voices = voices;
    }

    /// <summary>The process's RHVoice, or null when the library or its English voices are not installed.</summary>
    public static RhVoiceEngine? Shared => Loaded.Value;

    public string Name => "rhvoice";

    /// <summary>The allowed voices that are installed.</summary>
    public IReadOnlyList<EngineVoice> Voices { get; }

    public EngineSpeech Speak(string text, string voice, CancellationToken cancellationToken)
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
            // One message at a time on one engine: speaking one after another keeps results identical. A second
            // engine speaking at the same time is no way to use both cores: two engines in one process are not
            // independent, and now and then one failed or gave a different length for the same script.
            lock (_gate)
            {
                IntPtr message;
                fixed (byte* bytes = utf8)
                    message = RHVoice_new_message(_engine, bytes, (uint)utf8.Length, 0, &parameters, GCHandle.ToIntPtr(handle));
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
        }
        finally
        {
            Marshal.FreeCoTaskMem(profile);
            handle.Free();
        }
        return collector.Result(text);
    }

    private static RhVoiceEngine? Load()
    {
        try
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
            if (engine == IntPtr.Zero)
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
