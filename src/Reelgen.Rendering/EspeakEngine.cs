using System.Runtime.InteropServices;
using System.Text;

namespace Reelgen.Rendering;

/// <summary>
/// espeak-ng loaded in-process (<c>libespeak-ng.so.1</c>): synchronous synthesis into a callback that collects the
/// samples and the word and phoneme events. The library keeps one global state and is not thread-safe, so every
/// use of it holds <see cref="Gate"/>. That state also carries over from one script to the next (the waveform
/// generator's phase and pitch flutter), so the same script would not give the same samples twice: each synthesis
/// loads the library afresh and unloads it after, which costs a few milliseconds and makes every result identical.
/// Before it is unloaded, espeak_Terminate stops the threads espeak_Initialize starts (its queue and event threads):
/// left waiting on a condition variable inside the unloaded library, they would crash the process when the next
/// loading reuses that memory, and a thread or two would leak with every script.
/// </summary>
internal sealed unsafe class EspeakEngine : ISpeechEngine
{
    private const string Library = "libespeak-ng.so.1";

    // speak_lib.h
    private const int AudioOutputSynchronous = 2;
    private const int InitializePhonemeEvents = 0x0001;
    private const int InitializeDontExit = 0x8000;
    private const int PositionCharacter = 1;
    private const uint CharsUtf8 = 1;
    private const int EventListTerminated = 0;
    private const int EventWord = 1;
    private const int EventPhoneme = 7;

    private static readonly Lock Gate = new();
    private static readonly Lazy<EspeakEngine?> Loaded = new(Load);

    // The synthesis in progress; only touched while Gate is held (the callback runs on the caller's thread).
    private static Collector? _current;

    private EspeakEngine(int sampleRate, IReadOnlyList<EngineVoice> voices, IReadOnlySet<string> variants)
    {
        SampleRate = sampleRate;
        Voices = voices;
        Variants = variants;
    }

    /// <summary>The process's espeak-ng, or null when the library is not installed.</summary>
    public static EspeakEngine? Shared => Loaded.Value;

    public string Name => "espeak-ng";

    public int SampleRate { get; }

    /// <summary>Every voice (not the variants, not the MBROLA voices), in espeak-ng's order.</summary>
    public IReadOnlyList<EngineVoice> Voices { get; }

    /// <summary>The names of the variants (<c>f3</c>, <c>m1</c>, <c>klatt</c>...) that can follow a voice after '+'.</summary>
    public IReadOnlySet<string> Variants { get; }

    public EngineSpeech Speak(string text, string voice, CancellationToken cancellationToken)
    {
        var utf8 = Encoding.UTF8.GetBytes(text + "\0");
        var voiceName = Encoding.UTF8.GetBytes(voice + "\0");
        var collector = new Collector(cancellationToken);
        lock (Gate)
        {
            using var api = Api.Open() ?? throw new RenderException("espeak-ng is not installed (libespeak-ng.so.1)");
            if (api.Initialize() <= 0)
                throw new RenderException("espeak-ng could not start");
            _current = collector;
            try
            {
                fixed (byte* name = voiceName)
                {
                    if (api.SetVoiceByName(name) != 0)
                        throw new RenderException($"espeak-ng has no voice '{voice}'");
                }
                fixed (byte* bytes = utf8)
                {
                    var error = api.Synth(bytes, (nuint)utf8.Length, 0, PositionCharacter, 0, CharsUtf8, null, IntPtr.Zero);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (error != 0)
                        throw new RenderException($"espeak-ng could not speak with voice '{voice}' (error {error})");
                }
            }
            finally
            {
                _current = null;
            }
        }
        return collector.Result(text, SampleRate);
    }

    private static EspeakEngine? Load()
    {
        lock (Gate)
        {
            using var api = Api.Open();
            var rate = api?.Initialize() ?? 0;
            if (api is null || rate <= 0)
                return null;
            var variants = ListVoices(api, "variant").Select(v => v.Voice[(v.Voice.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return new EspeakEngine(rate, ListVoices(api, null), variants);
        }
    }

    /// <summary>espeak_ListVoices: all voices for null, or those of one language ("variant" lists the variants).</summary>
    private static List<EngineVoice> ListVoices(Api api, string? language)
    {
        var list = new List<EngineVoice>();
        var spec = new EspeakVoice();
        var languageBytes = language is null ? null : Encoding.UTF8.GetBytes(language + "\0");
        fixed (byte* languagePtr = languageBytes)
        {
            spec.Languages = languagePtr;
            var voices = api.ListVoices(language is null ? null : &spec);
            for (var v = voices; v is not null && *v is not null; v++)
            {
                var voice = *v;
                // languages: pairs of a priority byte and a NUL-terminated code; the first is the voice's own.
                var code = voice->Languages is null ? "" : Marshal.PtrToStringUTF8((IntPtr)(voice->Languages + 1)) ?? "";
                list.Add(new EngineVoice(
                    Marshal.PtrToStringUTF8(voice->Identifier) ?? "",
                    (Marshal.PtrToStringUTF8(voice->Name) ?? "").Replace('_', ' '),
                    code,
                    voice->Gender == 2 ? "Female" : "Male"));
            }
        }
        return list;
    }

    [UnmanagedCallersOnly]
    private static int OnSynth(short* samples, int count, EspeakEvent* events)
    {
        var collector = _current;
        if (collector is null)
            return 1;
        if (samples is not null && count > 0)
            collector.Samples.AddRange(new ReadOnlySpan<short>(samples, count));
        for (var e = events; e is not null && e->Type != EventListTerminated; e++)
        {
            if (e->Type == EventWord)
                collector.Events.Add((e->TextPosition, e->Length, null, e->Sample));
            else if (e->Type == EventPhoneme)
            {
                // The mnemonic is packed into the first four bytes of the event's id, ended by NUL or padded with spaces.
                var packed = new ReadOnlySpan<byte>(&e->Id, 4);
                var nul = packed.IndexOf((byte)0);
                var name = Encoding.ASCII.GetString(nul < 0 ? packed : packed[..nul]).Trim();
                collector.Events.Add((e->TextPosition, 0, name, e->Sample));
            }
        }
        // Non-zero stops the synthesis: the render was cancelled.
        return collector.Cancellation.IsCancellationRequested ? 1 : 0;
    }

    private sealed class Collector(CancellationToken cancellation)
    {
        public CancellationToken Cancellation { get; } = cancellation;
        public List<short> Samples { get; } = [];

        /// <summary>Word events (no name) and phoneme events, in the order espeak-ng reported them.</summary>
        public List<(int Position, int Length, string? Phoneme, int Sample)> Events { get; } = [];

        /// <summary>
        /// Words and phonemes with start and end times. A phoneme lasts until the next phoneme starts and belongs to
        /// the word reported before it; pauses (<c>_</c>, <c>_:</c>) are silence, not phonemes. A word lasts from its
        /// first phoneme's start to its last phoneme's end (its event comes a little before its first sound).
        /// </summary>
        public EngineSpeech Result(string text, int rate)
        {
            double Ms(int sample) => sample * 1000.0 / rate;
            var total = Samples.Count;
            var offsets = TextPositions.CodePointOffsets(text);
            var phonemeEvents = Events.Where(e => e.Phoneme is not null).ToList();
            var phonemes = new List<SpokenPhoneme>();
            var words = new List<EngineWord>();
            var next = 0;
            (int Position, int Length, int Start, int End)? word = null;
            void CloseWord()
            {
                if (word is not { } w)
                    return;
                // espeak-ng counts characters from 1.
                var first = Math.Clamp(w.Position - 1, 0, offsets.Length - 1);
                var last = Math.Clamp(w.Position - 1 + w.Length, first, offsets.Length - 1);
                words.Add(new EngineWord(offsets[first], offsets[last] - offsets[first], Ms(w.Start), Ms(Math.Max(w.Start, w.End))));
                word = null;
            }
            foreach (var e in Events)
            {
                if (e.Phoneme is null)
                {
                    CloseWord();
                    word = (e.Position, e.Length, -1, -1);
                    continue;
                }
                next++;
                var end = next < phonemeEvents.Count ? phonemeEvents[next].Sample : total;
                if (e.Phoneme.Length == 0 || e.Phoneme.StartsWith('_') || end <= e.Sample)
                    continue;
                phonemes.Add(new SpokenPhoneme(e.Phoneme, Ms(e.Sample), Ms(end)));
                if (word is { } current)
                    word = current with { Start = current.Start < 0 ? e.Sample : current.Start, End = end };
            }
            CloseWord();
            // A word without a sound of its own (rare) takes the moment its event came.
            for (var i = 0; i < words.Count; i++)
            {
                if (words[i].StartMs < 0)
                {
                    var at = i + 1 < words.Count && words[i + 1].StartMs >= 0 ? words[i + 1].StartMs : Ms(total);
                    words[i] = words[i] with { StartMs = at, EndMs = at };
                }
            }
            return new EngineSpeech([.. Samples], rate, words, phonemes);
        }
    }

    // speak_lib.h: espeak_EVENT (x86-64 and arm64 layout).
    [StructLayout(LayoutKind.Sequential)]
    private struct EspeakEvent
    {
        public int Type;
        public uint UniqueIdentifier;
        public int TextPosition;
        public int Length;
        public int AudioPosition;
        public int Sample;
        public IntPtr UserData;
        public long Id;
    }

    // speak_lib.h: espeak_VOICE.
    [StructLayout(LayoutKind.Sequential)]
    private struct EspeakVoice
    {
        public IntPtr Name;
        public byte* Languages;
        public IntPtr Identifier;
        public byte Gender;
        public byte Age;
        public byte Variant;
        public byte Reserved;
        public int Score;
        public IntPtr Spare;
    }

    /// <summary>One loading of the library, with the functions used; disposing unloads it.</summary>
    private sealed class Api : IDisposable
    {
        private readonly IntPtr _handle;
        private readonly delegate* unmanaged<int, int, IntPtr, int, int> _initialize;
        private readonly delegate* unmanaged<delegate* unmanaged<short*, int, EspeakEvent*, int>, void> _setSynthCallback;
        private readonly delegate* unmanaged<byte*, int> _setVoiceByName;
        private readonly delegate* unmanaged<byte*, nuint, uint, int, uint, uint, uint*, IntPtr, int> _synth;
        private readonly delegate* unmanaged<EspeakVoice*, EspeakVoice**> _listVoices;
        private readonly delegate* unmanaged<int> _terminate;
        private bool _initialized;

        private Api(IntPtr handle)
        {
            _handle = handle;
            _initialize = (delegate* unmanaged<int, int, IntPtr, int, int>)Export("espeak_Initialize");
            _setSynthCallback = (delegate* unmanaged<delegate* unmanaged<short*, int, EspeakEvent*, int>, void>)Export("espeak_SetSynthCallback");
            _setVoiceByName = (delegate* unmanaged<byte*, int>)Export("espeak_SetVoiceByName");
            _synth = (delegate* unmanaged<byte*, nuint, uint, int, uint, uint, uint*, IntPtr, int>)Export("espeak_Synth");
            _listVoices = (delegate* unmanaged<EspeakVoice*, EspeakVoice**>)Export("espeak_ListVoices");
            _terminate = (delegate* unmanaged<int>)Export("espeak_Terminate");
        }

        /// <summary>The library, loaded afresh; null when it is not installed.</summary>
        public static Api? Open()
        {
            if (!NativeLibrary.TryLoad(Library, out var handle))
                return null;
            try
            {
                return new Api(handle);
            }
            catch (EntryPointNotFoundException)
            {
                NativeLibrary.Free(handle);
                return null;
            }
        }

        /// <summary>Synchronous mode with phoneme events, samples to <see cref="OnSynth"/>; the sample rate, or -1.</summary>
        public int Initialize()
        {
            var rate = _initialize(AudioOutputSynchronous, 0, IntPtr.Zero, InitializePhonemeEvents | InitializeDontExit);
            _initialized = true;
            if (rate > 0)
                _setSynthCallback(&OnSynth);
            return rate;
        }

        public int SetVoiceByName(byte* name) => _setVoiceByName(name);

        public int Synth(byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, uint* uniqueIdentifier, IntPtr userData) =>
            _synth(text, size, position, positionType, endPosition, flags, uniqueIdentifier, userData);

        public EspeakVoice** ListVoices(EspeakVoice* spec) => _listVoices(spec);

        private IntPtr Export(string name) => NativeLibrary.GetExport(_handle, name);

        public void Dispose()
        {
            if (_initialized)
                _terminate();
            NativeLibrary.Free(_handle);
        }
    }
}
