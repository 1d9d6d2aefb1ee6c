using System.Text.Json;

namespace Reelgen.Creative.Tests;

public sealed class ValidatorAndVariablesTests
{
    private static Dictionary<string, string[]> Validate(string json) =>
        new CreativeValidator { ActorExists = a => Actors.Find(a) is not null, VoiceExists = v => v == "en-GB-RyanNeural" }
            .Validate(JsonSerializer.Deserialize<VideoGenerationJobRequest>(json, CreativeJson.Options)!);

    [Fact]
    public void A_valid_job_has_no_errors()
    {
        Assert.Empty(Validate("""
            {"videoCreative":{"settings":{"videoSize":{"width":1920,"height":1080}},"scenes":[
              {"tracks":[{"type":"actor","actor":"karen","text":"Hi {name}","speakerId":"en-GB-RyanNeural"},{"type":"text","text":"{{literal}}"}]}]},
             "dynamicVariables":{"name":"Ada"}}
            """));
    }

    [Theory]
    [InlineData("""{"videoCreative":{"scenes":[]}}""", "videoCreative.scenes")]
    [InlineData("""{"videoCreative":{"scenes":[{"duration":1000,"tracks":[{"type":"sticker"}]}]}}""", "videoCreative.scenes[0].tracks[0].type")]
    [InlineData("""{"videoCreative":{"scenes":[{"duration":1000,"tracks":[{"type":"actor","actor":"nobody","text":"x"}]}]}}""", "videoCreative.scenes[0].tracks[0].actor")]
    [InlineData("""{"videoCreative":{"scenes":[{"tracks":[{"type":"actor","actor":"ryan","text":"x","speakerId":"xx"}]}]}}""", "videoCreative.scenes[0].tracks[0].speakerId")]
    [InlineData("""{"videoCreative":{"scenes":[{"duration":1000,"tracks":[{"type":"video","videoUrl":"file:///etc/passwd"}]}]}}""", "videoCreative.scenes[0].tracks[0].videoUrl")]
    [InlineData("""{"videoCreative":{"scenes":[{"duration":1000,"tracks":[{"type":"text","text":"Hi {who}"}]}]}}""", "videoCreative.scenes[0].tracks[0].text")]
    [InlineData("""{"videoCreative":{"scenes":[{"tracks":[{"type":"video","videoUrl":"http://a/b.mp4"},{"type":"audio","audioUrl":"http://a/b.mp3"}]}]}}""", "videoCreative.scenes[0]")]
    [InlineData("""{"videoCreative":{"scenes":[{"intrinsicDurationTrackReference":"x","tracks":[{"type":"text","text":"t","referenceId":"x"}]}]}}""", "videoCreative.scenes[0].intrinsicDurationTrackReference")]
    [InlineData("""{"videoCreative":{"settings":{"videoSize":{"width":4000,"height":2000}},"scenes":[{"duration":1000,"tracks":[]}]}}""", "videoCreative.settings.videoSize")]
    [InlineData("""{"videoCreative":{"settings":{"fps":120},"scenes":[{"duration":1000,"tracks":[]}]}}""", "videoCreative.settings.fps")]
    [InlineData("""{"videoCreative":{"scenes":[{"duration":1000,"tracks":[{"type":"text","text":"x","style":{"color":"red"}}]}]}}""", "videoCreative.scenes[0].tracks[0].style.color")]
    [InlineData("""{"videoCreative":{"scenes":[{"duration":1000,"tracks":[]}]},"dynamicVariables":{"x":{"nested":1}}}""", "dynamicVariables.x")]
    public void Each_bad_field_is_named_by_its_path(string json, string path)
    {
        var errors = Validate(json);

        Assert.Equal(path, Assert.Single(errors).Key);
    }

    [Fact]
    public void Variables_are_substituted_with_escapes_and_non_string_values()
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"name":"Ada","n":3,"ok":true}""")!;

        Assert.Equal("Hi Ada, 3 true {name} {x y}", DynamicVariables.Substitute("Hi {name}, {n} {ok} {{name}} {x y}", values));
    }

    [Fact]
    public void The_jobs_variables_win_over_the_creatives()
    {
        var request = JsonSerializer.Deserialize<VideoGenerationJobRequest>(
            """{"videoCreative":{"dynamicVariables":{"a":"inner","b":"inner"}},"dynamicVariables":{"a":"outer"}}""", CreativeJson.Options)!;

        var merged = DynamicVariables.Merge(request);

        Assert.Equal("outer", merged["a"].GetString());
        Assert.Equal("inner", merged["b"].GetString());
    }
}
