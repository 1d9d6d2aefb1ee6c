namespace Reelgen.Rendering;

/// <summary>A voice usable as an actor track's <c>speakerId</c> (the items of <c>GET /assets/voices</c>).</summary>
public sealed record VoiceInfo(string SpeakerId, string Name, string Language, string Gender)
{
    /// <summary>The engine that speaks it: <c>rhvoice</c> or <c>espeak-ng</c>.</summary>
    public string Engine { get; init; } = "espeak-ng";
}

/// <summary>
/// Every voice Reelgen can speak with, by speaker id (case-insensitive): RHVoice's clb, slt (female), bdl and alan
/// (male); every espeak-ng voice by its language code (<c>en-gb</c>, <c>de</c>) and any of them with a variant
/// (<c>en-us+f3</c>); and Colossyan-style Azure ids (<c>en-GB-RyanNeural</c>), so samples written for Colossyan run
/// unchanged. English Azure ids speak with RHVoice when it is installed (US English with clb or bdl, other English
/// with slt or alan, by gender); the rest, and all of them without RHVoice, with the nearest espeak-ng voice and a
/// variant of the same gender. The lists come from the engines loaded in-process, once.
/// </summary>
public sealed class VoiceCatalog
{
    // (Azure locale, name, gender) of the Colossyan-style voices offered; each maps to the nearest espeak-ng voice.
    private static readonly (string Locale, string Name, char Gender)[] AzureVoices =
    [
        ("en-US", "Jenny", 'F'), ("en-US", "Guy", 'M'), ("en-US", "Aria", 'F'), ("en-US", "Davis", 'M'), ("en-US", "Amber", 'F'),
        ("en-US", "Andrew", 'M'), ("en-US", "Emma", 'F'), ("en-US", "Brian", 'M'), ("en-US", "Christopher", 'M'), ("en-US", "Michelle", 'F'),
        ("en-US", "Sara", 'F'), ("en-US", "Tony", 'M'), ("en-US", "Jane", 'F'), ("en-US", "Jason", 'M'), ("en-US", "Nancy", 'F'), ("en-US", "Eric", 'M'),
        ("en-GB", "Ryan", 'M'), ("en-GB", "Sonia", 'F'), ("en-GB", "Libby", 'F'), ("en-GB", "Thomas", 'M'), ("en-GB", "Abbi", 'F'), ("en-GB", "Alfie", 'M'), ("en-GB", "Maisie", 'F'),
        ("en-AU", "Natasha", 'F'), ("en-AU", "William", 'M'), ("en-CA", "Clara", 'F'), ("en-CA", "Liam", 'M'),
        ("en-IN", "Neerja", 'F'), ("en-IN", "Prabhat", 'M'), ("en-IE", "Emily", 'F'), ("en-IE", "Connor", 'M'),
        ("de-DE", "Katja", 'F'), ("de-DE", "Conrad", 'M'), ("de-DE", "Amala", 'F'), ("de-DE", "Killian", 'M'),
        ("fr-FR", "Henri", 'M'), ("fr-FR", "Denise", 'F'), ("fr-FR", "Eloise", 'F'), ("fr-CA", "Sylvie", 'F'), ("fr-CA", "Jean", 'M'),
        ("es-ES", "Elvira", 'F'), ("es-ES", "Alvaro", 'M'), ("es-MX", "Dalia", 'F'), ("es-MX", "Jorge", 'M'),
        ("it-IT", "Elsa", 'F'), ("it-IT", "Diego", 'M'), ("it-IT", "Isabella", 'F'),
        ("pt-BR", "Francisca", 'F'), ("pt-BR", "Antonio", 'M'), ("pt-PT", "Raquel", 'F'), ("pt-PT", "Duarte", 'M'),
        ("nl-NL", "Colette", 'F'), ("nl-NL", "Maarten", 'M'), ("pl-PL", "Zofia", 'F'), ("pl-PL", "Marek", 'M'),
        ("sv-SE", "Sofie", 'F'), ("sv-SE", "Mattias", 'M'), ("da-DK", "Christel", 'F'), ("da-DK", "Jeppe", 'M'),
        ("nb-NO", "Pernille", 'F'), ("nb-NO", "Finn", 'M'), ("fi-FI", "Noora", 'F'), ("fi-FI", "Harri", 'M'),
        ("ru-RU", "Svetlana", 'F'), ("ru-RU", "Dmitry", 'M'), ("uk-UA", "Polina", 'F'), ("uk-UA", "Ostap", 'M'),
        ("cs-CZ", "Vlasta", 'F'), ("cs-CZ", "Antonin", 'M'), ("tr-TR", "Emel", 'F'), ("tr-TR", "Ahmet", 'M'),
        ("el-GR", "Athina", 'F'), ("el-GR", "Nestoras", 'M'), ("hu-HU", "Noemi", 'F'), ("hu-HU", "Tamas", 'M'),
        ("ro-RO", "Alina", 'F'), ("ro-RO", "Emil", 'M'), ("ja-JP", "Nanami", 'F'), ("ja-JP", "Keita", 'M'),
        ("ko-KR", "SunHi", 'F'), ("ko-KR", "InJoon", 'M'), ("zh-CN", "Xiaoxiao", 'F'), ("zh-CN", "Yunxi", 'M'),
        ("zh-HK", "HiuMaan", 'F'), ("zh-HK", "WanLung", 'M'), ("hi-IN", "Swara", 'F'), ("hi-IN", "Madhur", 'M'),
        ("ar-SA", "Zariyah", 'F'), ("ar-SA", "Hamed", 'M'), ("he-IL", "Hila", 'F'), ("he-IL", "Avri", 'M'),
        ("id-ID", "Gadis", 'F'), ("id-ID", "Ardi", 'M'), ("vi-VN", "HoaiMy", 'F'), ("vi-VN", "NamMinh", 'M'),
        ("th-TH", "Premwadee", 'F'), ("th-TH", "Niwat", 'M'),
    ];

    // Locales whose espeak-ng voice is not found by the plain language code.
    private static readonly Dictionary<string, string> LocaleFallback = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "en-gb",
        ["fr"] = "fr-fr",
        ["es-mx"] = "es-419",
        ["zh-cn"] = "cmn",
        ["zh-hk"] = "yue",
        ["zh-tw"] = "cmn",
    };

    private static readonly string[] FemaleVariants = ["f3", "f1", "f2", "f4", "f5"];
    private static readonly string[] MaleVariants = ["m3", "m1", "m2", "m4", "m5", "m6", "m7"];

    private readonly Lazy<Entries> _entries;

    /// <summary>The voices of the engines installed on this machine.</summary>
    public VoiceCatalog()
        : this(() => EspeakEngine.Shared, () => RhVoiceEngine.Shared)
    {
    }

    /// <summary>A catalogue over the given engines (tests leave RHVoice out to see the espeak-ng-only service).</summary>
    internal VoiceCatalog(Func<EspeakEngine?> espeak, Func<RhVoiceEngine?> rhvoice) =>
        _entries = new Lazy<Entries>(() => Build(espeak(), rhvoice()));

    /// <summary>Every voice: RHVoice's, then espeak-ng's own, then the Azure-style ids.</summary>
    public IReadOnlyList<VoiceInfo> All => _entries.Value.List;

    /// <summary>The engines loaded, e.g. <c>rhvoice, espeak-ng</c>; empty when none is installed.</summary>
    public IReadOnlyList<string> Engines => _entries.Value.Engines;

    /// <summary>True when <paramref name="speakerId"/> names a voice (case-insensitive).</summary>
    public bool Exists(string speakerId) => Find(speakerId) is not null;

    /// <summary>The engine and its voice for a speaker id, or null when there is no such voice.</summary>
    internal VoiceChoice? Find(string speakerId)
    {
        var entries = _entries.Value;
        if (entries.ById.TryGetValue(speakerId, out var choice))
            return choice;
        // "en-us+f3": any espeak-ng voice with any of its variants.
        var plus = speakerId.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0 && entries.Espeak is { } espeak && entries.ById.TryGetValue(speakerId[..plus], out var native)
            && native.Engine == espeak && espeak.Variants.Contains(speakerId[(plus + 1)..]))
        {
            return native with { Voice = native.Voice + "+" + speakerId[(plus + 1)..].ToLowerInvariant() };
        }
        return null;
    }

    /// <summary>The espeak-ng voice whose phonemes stand in for a voice of another engine in <paramref name="language"/>.</summary>
    internal string? EspeakVoiceForLanguage(string language)
    {
        var entries = _entries.Value;
        return entries.Espeak is null ? null : NativeFor(language, entries.Native);
    }

    internal EspeakEngine? Espeak => _entries.Value.Espeak;

    private sealed record Entries(
        IReadOnlyList<VoiceInfo> List,
        IReadOnlyList<string> Engines,
        Dictionary<string, VoiceChoice> ById,
        Dictionary<string, string> Native,
        EspeakEngine? Espeak);

    private static Entries Build(EspeakEngine? espeak, RhVoiceEngine? rhvoice)
    {
        var list = new List<VoiceInfo>();
        var byId = new Dictionary<string, VoiceChoice>(StringComparer.OrdinalIgnoreCase);
        var native = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(VoiceInfo info, VoiceChoice choice)
        {
            byId[info.SpeakerId] = choice;
            list.Add(info);
        }

        foreach (var voice in rhvoice?.Voices ?? [])
            Add(new VoiceInfo(voice.Voice, voice.Name, voice.Language, voice.Gender) { Engine = rhvoice!.Name }, new VoiceChoice(rhvoice!, voice.Voice, voice.Language));

        foreach (var voice in espeak?.Voices ?? [])
        {
            // Two voices can share a language code (Cantonese twice); the second is named after its file.
            var language = voice.Language;
            var id = byId.ContainsKey(language) ? voice.Voice[(voice.Voice.LastIndexOf('/') + 1)..].ToLowerInvariant() : language.ToLowerInvariant();
            if (byId.ContainsKey(id))
                continue;
            native[id] = voice.Voice;
            Add(new VoiceInfo(id, voice.Name, language, voice.Gender), new VoiceChoice(espeak!, voice.Voice, language));
        }

        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (locale, name, gender) in AzureVoices)
        {
            var id = $"{locale}-{name}Neural";
            var info = new VoiceInfo(id, name, locale, gender == 'F' ? "Female" : "Male");
            if (rhvoice is not null && locale.StartsWith("en-", StringComparison.Ordinal)
                && RhVoiceFor(rhvoice, locale, info.Gender) is { } rh)
            {
                Add(info with { Engine = rhvoice.Name }, new VoiceChoice(rhvoice, rh.Voice, locale));
                continue;
            }
            var baseVoice = espeak is null ? null : NativeFor(locale, native);
            if (baseVoice is null)
                continue;
            var key = locale + gender;
            var n = used.GetValueOrDefault(key);
            used[key] = n + 1;
            var pool = gender == 'F' ? FemaleVariants : MaleVariants;
            var variant = pool[n % pool.Length];
            Add(info, new VoiceChoice(espeak!, espeak!.Variants.Contains(variant) ? baseVoice + "+" + variant : baseVoice, locale));
        }
        var engines = new List<string>();
        if (rhvoice is not null)
            engines.Add(rhvoice.Name);
        if (espeak is not null)
            engines.Add(espeak.Name);
        return new Entries(list, engines, byId, native, espeak);
    }

    /// <summary>US English speaks with the US voices clb and bdl, other English with slt and alan; same gender.</summary>
    private static EngineVoice? RhVoiceFor(RhVoiceEngine rhvoice, string locale, string gender)
    {
        var wanted = (locale == "en-US", gender) switch
        {
            (true, "Female") => "clb",
            (true, _) => "bdl",
            (false, "Female") => "slt",
            _ => "alan",
        };
        return rhvoice.Voices.FirstOrDefault(v => v.Voice == wanted) ?? rhvoice.Voices.FirstOrDefault(v => v.Gender == gender);
    }

    private static string? NativeFor(string locale, Dictionary<string, string> native)
    {
        var lower = locale.ToLowerInvariant();
        var language = lower.Split('-')[0];
        foreach (var candidate in new[] { lower, LocaleFallback.GetValueOrDefault(lower), language, LocaleFallback.GetValueOrDefault(language) })
        {
            if (candidate is not null && native.TryGetValue(candidate, out var file))
                return file;
        }
        return null;
    }
}

/// <summary>Which engine speaks a speaker id, with which of its voices, in which language.</summary>
internal sealed record VoiceChoice(ISpeechEngine Engine, string Voice, string Language);
