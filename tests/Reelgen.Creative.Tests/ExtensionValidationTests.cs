using System.Text.Json;

namespace Reelgen.Creative.Tests;

/// <summary>Reelgen's extensions to the creative (sound, typography, fit, motion) are refused field by field when wrong.</summary>
public sealed class ExtensionValidationTests
{
    private static Dictionary<string, string[]> Validate(string tracks, string scene = "") =>
        new CreativeValidator().Validate(JsonSerializer.Deserialize<VideoGenerationJobRequest>(
            $$$"""{"videoCreative":{"scenes":[{"duration":1000{{{scene}}},"tracks":[{{{tracks}}}]},{"duration":1000,"tracks":[]}]}}""", CreativeJson.Options)!);

    [Fact]
    public void Every_extension_used_well_is_accepted()
    {
        Assert.Empty(Validate("""{"type":"audio","audioUrl":"http://a/m.mp3","fadeInMs":500,"fadeOutMs":0,"ducking":false}"""));
    }

    [Theory]
    [InlineData("""{"type":"audio","audioUrl":"http://a/m.mp3","fadeInMs":-1}""", "tracks[0].fadeInMs")]
    [InlineData("""{"type":"audio","audioUrl":"http://a/m.mp3","fadeOutMs":7200000}""", "tracks[0].fadeOutMs")]
    [InlineData("""{"type":"text","text":"x","ducking":false}""", "tracks[0].ducking")]
    public void A_bad_extension_field_is_named(string tracks, string path, string scene = "")
    {
        var errors = Validate(tracks, scene);

        Assert.Equal("videoCreative.scenes[0]." + path, Assert.Single(errors).Key);
    }
}
