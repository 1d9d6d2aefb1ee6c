using System.Diagnostics;
using System.Globalization;

namespace Reelgen.Rendering;

/// <summary>A voice usable as an actor track's <c>speakerId</c> (the items of <c>GET /assets/voices</c>).</summary>
public sealed record VoiceInfo(string SpeakerId, string Name, string Language, string Gender);

/// <summary>
/// Every voice espeak-ng offers (its language code is the id, e.g. <c>en-gb</c>, <c>de</c>), a variant on any of
/// them (<c>en-us+f3</c>), and Colossyan-style Azure ids (<c>en-GB-RyanNeural</c>) mapped to the closest espeak-ng
/// voice with a variant of the same gender, so samples written for Colossyan run unchanged. Ids are case-insensitive.
/// The list is read from <c>espeak-ng --voices</c> once, on first use.
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

    /// <summary>A catalogue of the voices of the espeak-ng at <paramref name="espeakPath"/>.</summary>
    public VoiceCatalog(string espeakPath = "espeak-ng") =>
        _entries = new Lazy<Entries>(() => Build(RunEspeak(espeakPath, "--voices"), RunEspeak(espeakPath, "--voices=variant")));

    internal VoiceCatalog(string voicesOutput, string variantsOutput) =>
        _entries = new Lazy<Entries>(() => Build(voicesOutput, variantsOutput));

    /// <summary>Every voice, espeak-ng's own first, then the Azure-style ids.</summary>
    public IReadOnlyList<VoiceInfo> All => _entries.Value.List;

    /// <summary>True when <paramref name="speakerId"/> names a voice (case-insensitive).</summary>
    public bool Exists(string speakerId) => EspeakVoiceFor(speakerId) is not null;

    /// <summary>The espeak-ng <c>-v</c> argument for a speaker id, or null when there is no such voice.</summary>
    public string? EspeakVoiceFor(string speakerId)
    {
        var entries = _entries.Value;
        if (entries.ById.TryGetValue(speakerId, out var voice))
            return voice;
        // "en-us+f3": any espeak-ng voice with any of its variants.
        var plus = speakerId.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0 && entries.Native.TryGetValue(speakerId[..plus], out var native) && entries.Variants.Contains(speakerId[(plus + 1)..]))
            return native + "+" + speakerId[(plus + 1)..].ToLowerInvariant();
        return null;
    }

    private sealed record Entries(
        IReadOnlyList<VoiceInfo> List,
        Dictionary<string, string> ById,
        Dictionary<string, string> Native,
        HashSet<string> Variants);

    private static Entries Build(string voicesOutput, string variantsOutput)
    {
        var list = new List<VoiceInfo>();
        var byId = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var native = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (language, gender, name, file) in ParseTable(voicesOutput))
        {
            // Two voices can share a language code (Cantonese twice); the second is named after its file.
            var id = byId.ContainsKey(language) ? file[(file.LastIndexOf('/') + 1)..].ToLowerInvariant() : language.ToLowerInvariant();
            if (byId.ContainsKey(id))
                continue;
            byId[id] = file;
            native[id] = file;
            list.Add(new VoiceInfo(id, name.Replace('_', ' '), language, gender == "F" ? "Female" : "Male"));
        }
        var variants = new HashSet<string>(
            ParseTable(variantsOutput).Select(v => v.File[(v.File.LastIndexOf('/') + 1)..]),
            StringComparer.OrdinalIgnoreCase);

        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (locale, name, gender) in AzureVoices)
        {
            var baseVoice = NativeFor(locale, native);
            if (baseVoice is null)
                continue;
            var key = locale + gender;
            var n = used.GetValueOrDefault(key);
            used[key] = n + 1;
            var pool = gender == 'F' ? FemaleVariants : MaleVariants;
            var variant = pool[n % pool.Length];
            var id = $"{locale}-{name}Neural";
            byId[id] = variants.Count == 0 || variants.Contains(variant) ? baseVoice + "+" + variant : baseVoice;
            list.Add(new VoiceInfo(id, name, locale, gender == 'F' ? "Female" : "Male"));
        }
        return new Entries(list, byId, native, variants);
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

    // "Pty Language Age/Gender VoiceName File Other Languages"; names have no spaces (espeak-ng writes '_').
    private static IEnumerable<(string Language, string Gender, string Name, string File)> ParseTable(string output)
    {
        foreach (var line in output.Split('\n').Skip(1))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 5 || !int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                continue;
            var gender = cells[2].Split('/').ElementAtOrDefault(1) ?? "M";
            yield return (cells[1], gender, cells[3], cells[4]);
        }
    }

    private static string RunEspeak(string espeakPath, string argument)
    {
        try
        {
            var psi = new ProcessStartInfo(espeakPath, argument) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(psi);
            if (process is null)
                return "";
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? stdout : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // espeak-ng is not installed: no voice exists, and every actor track is refused at submit.
            return "";
        }
    }
}
