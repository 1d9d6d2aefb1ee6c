namespace Reelgen.Rendering.Tests;

public sealed class VoiceCatalogTests
{
    private static readonly VoiceCatalog Voices = new();
    private static readonly VoiceCatalog EspeakOnly = new(() => EspeakEngine.Shared, () => null);

    [Fact]
    public void Every_espeak_voice_is_listed_with_language_gender_and_engine()
    {
        Assert.True(Voices.All.Count > 100);
        var british = Assert.Single(Voices.All, v => v.SpeakerId == "en-gb");
        Assert.Equal("English (Great Britain)", british.Name);
        Assert.Equal("espeak-ng", british.Engine);
        Assert.Contains(Voices.All, v => v.SpeakerId == "de");
        Assert.Equal(Voices.All.Count, Voices.All.Select(v => v.SpeakerId.ToLowerInvariant()).Distinct().Count());
        Assert.All(Voices.All, v => Assert.Contains(v.Gender, new[] { "Male", "Female" }));
        Assert.All(Voices.All, v => Assert.Contains(v.Engine, new[] { "rhvoice", "espeak-ng" }));
    }

    [RhVoiceFact]
    public void RHVoice_offers_only_its_freely_licensed_english_voices()
    {
        var rh = Voices.All.Where(v => v.Engine == "rhvoice" && !v.SpeakerId.EndsWith("Neural", StringComparison.Ordinal)).ToList();
        Assert.Equal(["clb", "slt", "bdl", "alan"], rh.Select(v => v.SpeakerId));
        Assert.Equal(["Female", "Female", "Male", "Male"], rh.Select(v => v.Gender));
        Assert.False(Voices.Exists("lyubov"));
        Assert.False(Voices.Exists("evgeniy-eng"));
        Assert.Equal(["rhvoice", "espeak-ng"], Voices.Engines);
    }

    [RhVoiceFact]
    public void English_colossyan_ids_speak_with_RHVoice_by_gender_and_accent()
    {
        Assert.Equal("clb", Voices.Find("en-US-JennyNeural")!.Voice);
        Assert.Equal("bdl", Voices.Find("en-US-GuyNeural")!.Voice);
        Assert.Equal("slt", Voices.Find("en-GB-SoniaNeural")!.Voice);
        Assert.Equal("alan", Voices.Find("en-GB-RyanNeural")!.Voice);
        Assert.Equal("rhvoice", Assert.Single(Voices.All, v => v.SpeakerId == "en-AU-NatashaNeural").Engine);
        // Other languages stay with espeak-ng.
        Assert.Equal("espeak-ng", Voices.Find("de-DE-KatjaNeural")!.Engine.Name);
    }

    [Theory]
    [InlineData("en-GB-RyanNeural", "Male")]
    [InlineData("en-US-JennyNeural", "Female")]
    [InlineData("en-US-GuyNeural", "Male")]
    [InlineData("en-GB-SoniaNeural", "Female")]
    [InlineData("de-DE-KatjaNeural", "Female")]
    [InlineData("fr-FR-HenriNeural", "Male")]
    [InlineData("zh-CN-XiaoxiaoNeural", "Female")]
    public void Without_RHVoice_colossyan_style_ids_map_to_an_espeak_variant_of_their_gender(string id, string gender)
    {
        var voice = Assert.Single(EspeakOnly.All, v => v.SpeakerId == id);
        Assert.Equal(gender, voice.Gender);
        Assert.Equal("espeak-ng", voice.Engine);
        Assert.True(EspeakOnly.Exists(id.ToLowerInvariant()));
        Assert.Contains(gender == "Male" ? "+m" : "+f", EspeakOnly.Find(id)!.Voice);
        Assert.Equal(["espeak-ng"], EspeakOnly.Engines);
        Assert.False(EspeakOnly.Exists("clb"));
    }

    [Fact]
    public void Every_built_in_actor_has_a_known_default_voice()
    {
        Assert.All(Reelgen.Creative.Actors.BuiltIn, a => Assert.True(Voices.Exists(a.DefaultVoice), a.DefaultVoice));
        Assert.All(Reelgen.Creative.Actors.BuiltIn, a => Assert.True(EspeakOnly.Exists(a.DefaultVoice), a.DefaultVoice));
    }

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
    public void A_machine_without_engines_has_no_voices()
    {
        var none = new VoiceCatalog(() => null, () => null);
        Assert.Empty(none.All);
        Assert.Empty(none.Engines);
        Assert.False(none.Exists("en-gb"));
    }
}

/// <summary>A fact that needs RHVoice; skipped, saying why, only where it is not installed (CI installs it).</summary>
public sealed class RhVoiceFactAttribute : FactAttribute
{
    public RhVoiceFactAttribute()
    {
        if (RhVoiceEngine.Shared is null)
            Skip = "RHVoice is not installed (Debian non-free: librhvoice5, rhvoice-english; scripts/install-deps.sh installs them)";
    }
}
