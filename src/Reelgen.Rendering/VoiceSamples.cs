namespace Reelgen.Rendering;

/// <summary>
/// A short clip of each voice saying one sentence in its language, spoken the first time it is asked for and kept as a
/// WAV in <c>directory</c>. The file is named after the engine and the engine's voice, so ids that share a voice share
/// a clip, and installing RHVoice later gives the English ids new clips.
/// </summary>
public sealed class VoiceSamples(VoiceCatalog voices, string directory) : IDisposable
{
    // One sentence per language where one is known; the rest read the English one.
    private static readonly Dictionary<string, string> Sentences = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "Hello! This is how I sound when I present your videos.",
        ["de"] = "Hallo! So klinge ich, wenn ich Ihre Videos präsentiere.",
        ["fr"] = "Bonjour ! Voici ma voix quand je présente vos vidéos.",
        ["es"] = "¡Hola! Así sueno cuando presento tus vídeos.",
        ["it"] = "Ciao! Ecco come suono quando presento i tuoi video.",
        ["pt"] = "Olá! É assim que eu soo quando apresento os seus vídeos.",
        ["nl"] = "Hallo! Zo klink ik wanneer ik jouw video's presenteer.",
        ["pl"] = "Cześć! Tak brzmię, gdy prezentuję twoje filmy.",
        ["sv"] = "Hej! Så här låter jag när jag presenterar dina videor.",
        ["da"] = "Hej! Sådan lyder jeg, når jeg præsenterer dine videoer.",
        ["nb"] = "Hei! Slik høres jeg ut når jeg presenterer videoene dine.",
        ["fi"] = "Hei! Tältä kuulostan, kun esittelen videosi.",
        ["cs"] = "Ahoj! Takhle zním, když představuji vaše videa.",
        ["ru"] = "Привет! Так звучит мой голос в ваших видео.",
        ["uk"] = "Привіт! Так звучить мій голос у ваших відео.",
        ["tr"] = "Merhaba! Videolarınızı sunarken sesim böyle.",
        ["el"] = "Γεια σας! Έτσι ακούγομαι όταν παρουσιάζω τα βίντεό σας.",
        ["hu"] = "Szia! Így szólok, amikor bemutatom a videóidat.",
        ["ro"] = "Bună! Așa sun când vă prezint videoclipurile.",
        ["ja"] = "こんにちは。これが動画を紹介するときの私の声です。",
        ["ko"] = "안녕하세요! 영상을 소개할 때 제 목소리입니다.",
        ["cmn"] = "你好！这是我介绍视频时的声音。",
        ["zh"] = "你好！这是我介绍视频时的声音。",
        ["yue"] = "你好！呢個係我介紹影片嘅聲音。",
        ["hi"] = "नमस्ते! आपके वीडियो प्रस्तुत करते समय मेरी आवाज़ ऐसी लगती है।",
        ["ar"] = "مرحبا! هكذا يبدو صوتي عندما أقدم مقاطع الفيديو الخاصة بك.",
        ["he"] = "שלום! כך נשמע הקול שלי כשאני מציג את הסרטונים שלכם.",
        ["id"] = "Halo! Beginilah suara saya saat membawakan video Anda.",
        ["vi"] = "Xin chào! Đây là giọng của tôi khi giới thiệu video của bạn.",
        ["th"] = "สวัสดี! นี่คือเสียงของฉันเมื่อนำเสนอวิดีโอของคุณ",
    };

    private readonly SpeechSynthesizer _speech = new(voices);

    // One clip is spoken at a time: a burst of first requests must not take every core from the renders.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The sample file of a voice, spoken now if it was never asked for; null for an unknown voice.</summary>
    public async Task<string?> PathForAsync(string speakerId, CancellationToken cancellationToken)
    {
        if (voices.Find(speakerId) is not { } choice)
            return null;
        var language = choice.Language.Split('-')[0];
        var sentence = Sentences.GetValueOrDefault(language) ?? Sentences["en"];
        var name = string.Concat($"{choice.Engine.Name}-{choice.Voice}-{language}".Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));
        var path = Path.Combine(directory, name.ToLowerInvariant() + ".wav");
        if (File.Exists(path))
            return path;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
                return path;
            Directory.CreateDirectory(directory);
            // Written aside and moved into place, so a reader never sees half a file (several processes may share it).
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            try
            {
                await _speech.SpeakAsync(sentence, speakerId, temporary, cancellationToken);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
            return path;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
