using System.Text.Json;

namespace Reelgen.Creative.Tests;

/// <summary>Reelgen's extensions to the creative (sound, typography, fit, motion) are refused field by field when wrong.</summary>
public sealed class ExtensionValidationTests
{
    private static Dictionary<string, string[]> Validate(string tracks, string scene = "") =>
        new CreativeValidator { FontExists = f => f.Equals("Noto Sans", StringComparison.OrdinalIgnoreCase) }.Validate(JsonSerializer.Deserialize<VideoGenerationJobRequest>(
            $$$"""{"videoCreative":{"scenes":[{"duration":1000{{{scene}}},"tracks":[{{{tracks}}}]},{"duration":1000,"tracks":[]}]}}""", CreativeJson.Options)!);

    [Fact]
    public void Every_extension_used_well_is_accepted()
    {
        Assert.Empty(Validate("""{"type":"audio","audioUrl":"http://a/m.mp3","fadeInMs":500,"fadeOutMs":0,"ducking":false}"""));
        Assert.Empty(Validate("""{"type":"image","imageUrl":"http://a/p.png","fit":"contain-blur","effect":"panLeft"}"""));
        Assert.Empty(Validate("""{"type":"video","videoUrl":"http://a/v.mp4","fit":"cover"}"""));
        Assert.Empty(Validate("""
            {"type":"text","text":"x","style":{"fontFamily":"noto sans","fontUrl":"https://a/f.woff2","borderRadius":12,"padding":8,
             "outline":{"color":"#000000","width":3},"shadow":{"color":"#00000099","offsetX":2,"offsetY":2,"blur":6}}}
            """));
    }

    [Theory]
    [InlineData("""{"type":"audio","audioUrl":"http://a/m.mp3","fadeInMs":-1}""", "tracks[0].fadeInMs")]
    [InlineData("""{"type":"audio","audioUrl":"http://a/m.mp3","fadeOutMs":7200000}""", "tracks[0].fadeOutMs")]
    [InlineData("""{"type":"text","text":"x","ducking":false}""", "tracks[0].ducking")]
    [InlineData("""{"type":"image","imageUrl":"http://a/p.png","fit":"fill"}""", "tracks[0].fit")]
    [InlineData("""{"type":"text","text":"x","fit":"cover"}""", "tracks[0].fit")]
    [InlineData("""{"type":"image","imageUrl":"http://a/p.png","effect":"zoom"}""", "tracks[0].effect")]
    [InlineData("""{"type":"video","videoUrl":"http://a/v.mp4","effect":"zoomIn"}""", "tracks[0].effect")]
    [InlineData("""{"type":"text","text":"x","style":{"fontFamily":"No Such Font"}}""", "tracks[0].style.fontFamily")]
    [InlineData("""{"type":"text","text":"x","style":{"fontUrl":"ftp://a/f.ttf"}}""", "tracks[0].style.fontUrl")]
    [InlineData("""{"type":"text","text":"x","style":{"borderRadius":-2}}""", "tracks[0].style.borderRadius")]
    [InlineData("""{"type":"text","text":"x","style":{"outline":{"color":"black"}}}""", "tracks[0].style.outline.color")]
    [InlineData("""{"type":"text","text":"x","style":{"outline":{"width":500}}}""", "tracks[0].style.outline.width")]
    [InlineData("""{"type":"text","text":"x","style":{"shadow":{"blur":-1}}}""", "tracks[0].style.shadow.blur")]
    public void A_bad_extension_field_is_named(string tracks, string path, string scene = "")
    {
        var errors = Validate(tracks, scene);

        Assert.Equal("videoCreative.scenes[0]." + path, Assert.Single(errors).Key);
    }

    [Fact]
    public void Animations_used_well_are_accepted()
    {
        Assert.Empty(Validate("""{"type":"text","text":"x","animation":{"in":"typewriter","out":"fade"}}"""));
        Assert.Empty(Validate("""{"type":"image","imageUrl":"http://a/p.png","effect":"zoomIn","animation":{"in":"pop","durationMs":500}}"""));
        Assert.Empty(Validate("""{"type":"video","videoUrl":"http://a/v.mp4","animation":{"out":"slide-left","durationMs":40}}"""));
        Assert.Empty(Validate("""{"type":"actor","actor":"ryan","text":"Hi","animation":{"in":"slide-up","out":"pop","durationMs":500}}"""));
    }

    [Theory]
    [InlineData("""{"type":"text","text":"x","animation":{"in":"spin"}}""", "tracks[0].animation.in")]
    [InlineData("""{"type":"image","imageUrl":"http://a/p.png","animation":{"in":"typewriter"}}""", "tracks[0].animation.in")]
    [InlineData("""{"type":"text","text":"x","animation":{"out":"typewriter"}}""", "tracks[0].animation.out")]
    [InlineData("""{"type":"text","text":"x","animation":{"out":"slide-right"}}""", "tracks[0].animation.out")]
    [InlineData("""{"type":"text","text":"x","animation":{"in":"fade","durationMs":10}}""", "tracks[0].animation.durationMs")]
    [InlineData("""{"type":"text","text":"x","animation":{"in":"fade","durationMs":6000}}""", "tracks[0].animation.durationMs")]
    [InlineData("""{"type":"text","text":"x","animation":{"in":"fade","durationMs":501}}""", "tracks[0].animation.durationMs")]
    [InlineData("""{"type":"text","text":"x","duration":600,"animation":{"out":"fade"}}""", "tracks[0].animation.durationMs")]
    [InlineData("""{"type":"text","text":"x","startTimeGap":300,"animation":{"in":"pop"}}""", "tracks[0].animation.durationMs")]
    [InlineData("""{"type":"text","text":"x","animation":{"durationMs":300}}""", "tracks[0].animation")]
    [InlineData("""{"type":"audio","audioUrl":"http://a/m.mp3","animation":{"in":"fade"}}""", "tracks[0].animation")]
    public void A_bad_animation_is_named(string tracks, string path) => A_bad_extension_field_is_named(tracks, path);

    [Fact]
    public void An_animation_on_the_second_track_names_its_field_and_says_what_is_allowed()
    {
        var errors = Validate("""{"type":"text","text":"a"},{"type":"image","imageUrl":"http://a/p.png","animation":{"in":"typewriter","out":"spin"}}""");

        Assert.Equal(["videoCreative.scenes[0].tracks[1].animation.in", "videoCreative.scenes[0].tracks[1].animation.out"], errors.Keys.Order());
        Assert.Contains("text tracks only", errors["videoCreative.scenes[0].tracks[1].animation.in"][0], StringComparison.Ordinal);
        Assert.Contains("fade, slide-left, slide-up, pop", errors["videoCreative.scenes[0].tracks[1].animation.out"][0], StringComparison.Ordinal);
    }

    private static Dictionary<string, string[]> ValidateSubtitles(string subtitles) =>
        new CreativeValidator { FontExists = f => f.Equals("Noto Sans", StringComparison.OrdinalIgnoreCase) }.Validate(JsonSerializer.Deserialize<VideoGenerationJobRequest>(
            $$$"""{"videoCreative":{"settings":{"subtitles":{{{subtitles}}}},"scenes":[{"duration":1000,"tracks":[]}]}}""", CreativeJson.Options)!);

    [Fact]
    public void Subtitles_used_well_are_accepted()
    {
        Assert.Empty(ValidateSubtitles("""{"burnIn":true}"""));
        Assert.Empty(ValidateSubtitles("""
            {"burnIn":true,"position":"top","fontSize":36,"fontFamily":"Noto Sans","fontWeight":"bold","color":"#FFFF00",
             "backgroundColor":"#00000000","outline":{"color":"#000000","width":3},"margin":20}
            """));
    }

    [Theory]
    [InlineData("""{"burnIn":true,"fontSize":2}""", "fontSize")]
    [InlineData("""{"burnIn":true,"position":"middle"}""", "position")]
    [InlineData("""{"burnIn":true,"fontFamily":"No Such Font"}""", "fontFamily")]
    [InlineData("""{"burnIn":true,"fontWeight":"heavy"}""", "fontWeight")]
    [InlineData("""{"burnIn":true,"color":"white"}""", "color")]
    [InlineData("""{"burnIn":true,"backgroundColor":"#0008"}""", "backgroundColor")]
    [InlineData("""{"burnIn":true,"outline":{"width":-1}}""", "outline.width")]
    [InlineData("""{"burnIn":true,"margin":5000}""", "margin")]
    public void A_bad_subtitle_field_is_named(string subtitles, string field)
    {
        var errors = ValidateSubtitles(subtitles);

        Assert.Equal("videoCreative.settings.subtitles." + field, Assert.Single(errors).Key);
    }
}
