namespace Reelgen.Rendering.Tests;

public sealed class VoiceCatalogTests
{
    private static readonly VoiceCatalog Voices = new();

    [Fact]
    public void Every_espeak_voice_is_listed_with_language_and_gender()
    {
        Assert.True(Voices.All.Count > 100);
        var british = Assert.Single(Voices.All, v => v.SpeakerId == "en-gb");
        Assert.Equal("English (Great Britain)", british.Name);
        Assert.Contains(Voices.All, v => v.SpeakerId == "de");
        Assert.Equal(Voices.All.Count, Voices.All.Select(v => v.SpeakerId.ToLowerInvariant()).Distinct().Count());
        Assert.All(Voices.All, v => Assert.Contains(v.Gender, new[] { "Male", "Female" }));
    }

    [Theory]
    [InlineData("en-GB-RyanNeural", "Male")]
    [InlineData("en-US-JennyNeural", "Female")]
    [InlineData("en-US-GuyNeural", "Male")]
    [InlineData("en-GB-SoniaNeural", "Female")]
    [InlineData("de-DE-KatjaNeural", "Female")]
    [InlineData("fr-FR-HenriNeural", "Male")]
    [InlineData("zh-CN-XiaoxiaoNeural", "Female")]
    public void Colossyan_style_ids_map_to_an_espeak_voice(string id, string gender)
    {
        var voice = Assert.Single(Voices.All, v => v.SpeakerId == id);
        Assert.Equal(gender, voice.Gender);
        Assert.True(Voices.Exists(id.ToLowerInvariant()));
        Assert.Contains(gender == "Male" ? "+m" : "+f", Voices.EspeakVoiceFor(id));
    }

    [Fact]
    public void Every_built_in_actor_has_a_known_default_voice() =>
        Assert.All(Reelgen.Creative.Actors.BuiltIn, a => Assert.True(Voices.Exists(a.DefaultVoice), a.DefaultVoice));

    [Theory]
    [InlineData("en-us+f3", true)]
    [InlineData("EN-GB", true)]
    [InlineData("en-us+nosuchvariant", false)]
    [InlineData("xx-XX-NobodyNeural", false)]
    [InlineData("aquXcfLbkxpW4BBI5qKm", false)]
    [InlineData("", false)]
    public void Exists_knows_listed_ids_and_variants(string id, bool exists) =>
        Assert.Equal(exists, Voices.Exists(id));

    [Fact]
    public void A_machine_without_espeak_has_no_voices()
    {
        var none = new VoiceCatalog("/nonexistent/espeak-ng");
        Assert.Empty(none.All);
        Assert.False(none.Exists("en-gb"));
    }

    [Fact]
    public async Task Speech_has_the_length_of_its_wav()
    {
        var dir = TestMedia.NewDirectory();
        try
        {
            var wav = Path.Combine(dir, "s.wav");
            var ms = await new EspeakSpeech(Voices).SynthesizeAsync("-v Hello, this starts with a dash.", "en-GB-RyanNeural", wav, CancellationToken.None);
            Assert.InRange(ms, 1000, 6000);
            Assert.InRange(TestMedia.Duration(wav) * 1000, ms - 5, ms + 5);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
