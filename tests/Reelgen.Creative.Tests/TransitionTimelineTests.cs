using System.Text.Json;

namespace Reelgen.Creative.Tests;

/// <summary>A scene transition overlaps a scene with the next: the timeline, the length and the checks account for it.</summary>
public sealed class TransitionTimelineTests
{
    private static VideoCreative Creative(params Scene[] scenes) => new()
    {
        Settings = new VideoSettings { VideoSize = new VideoSize(320, 240), Fps = 25 },
        Scenes = [.. scenes],
    };

    private static Scene Scene(double duration, string? transition = null, double? ms = null, params Track[] tracks) => new()
    {
        Duration = duration,
        Tracks = [.. tracks],
        Transition = transition is null ? null : new SceneTransition { Type = transition, DurationMs = ms },
    };

    [Fact]
    public void The_next_scene_starts_a_transition_before_the_scene_ends_and_the_video_is_that_much_shorter()
    {
        var text = new Track { Type = TrackTypes.Text, Text = "t", StartTimeGap = 100 };
        var timeline = TimelinePlanner.Plan(Creative(Scene(2000, "crossfade", 400), Scene(1000, "wipeleft", null, text), Scene(1000)), (_, _) => null);

        // The default 500 ms is 12.5 frames at 25 fps: 13 frames, 520 ms.
        Assert.Equal([0, 1600, 2080], timeline.Scenes.Select(s => s.StartMs));
        Assert.Equal(3080, timeline.DurationMs);
        Assert.Equal(new TimedTransition("crossfade", 400), timeline.Scenes[0].Transition);
        Assert.Equal(520, timeline.Scenes[1].Transition!.DurationMs);
        Assert.Null(timeline.Scenes[2].Transition);
        // Tracks are on the video clock from their own scene's start.
        Assert.Equal(1700, timeline.Tracks.Single().StartMs);
    }

    [Fact]
    public void A_transition_is_rounded_to_whole_frames()
    {
        var timeline = TimelinePlanner.Plan(Creative(Scene(1000, "fade", 450), Scene(1000)), (_, _) => null);

        // 450 ms at 25 fps is 11.25 frames: 11 frames, 440 ms.
        Assert.Equal(440, timeline.Scenes[0].Transition!.DurationMs, 6);
        Assert.Equal(560, timeline.Scenes[1].StartMs, 6);
        Assert.Equal(39, timeline.FrameCount);
    }

    [Fact]
    public void A_clip_continued_across_a_transition_goes_on_from_where_it_was_when_the_transition_began()
    {
        Track Clip() => new() { Type = TrackTypes.Video, VideoUrl = "http://x/c.mp4", SequentialBlendId = "c" };
        var timeline = TimelinePlanner.Plan(Creative(Scene(2000, "crossfade", 400, Clip()), Scene(2000, null, null, Clip())), (_, _) => 10_000);

        var second = timeline.Tracks.Last();
        Assert.Equal(1600, second.StartMs);
        // Both scenes show the clip's 1.6 s to 2.0 s while they overlap.
        Assert.Equal(1600, second.MediaOffsetMs);
    }

    private static Dictionary<string, string[]> Validate(string scenes) =>
        new CreativeValidator().Validate(JsonSerializer.Deserialize<VideoGenerationJobRequest>(
            $$$"""{"videoCreative":{"scenes":[{{{scenes}}}]}}""", CreativeJson.Options)!);

    [Fact]
    public void Transitions_used_well_are_accepted()
    {
        Assert.Empty(Validate("""
            {"duration":1000,"tracks":[],"transition":{"type":"crossfade","durationMs":500}},
            {"duration":1000,"tracks":[],"transition":{"type":"zoom","durationMs":500}},
            {"duration":1000,"tracks":[]}
            """));
        // A scene whose length only its speech will tell is checked when rendering.
        Assert.Empty(Validate("""
            {"tracks":[{"type":"actor","actor":"ryan","text":"hi"}],"transition":{"type":"slideup"}},
            {"duration":600,"tracks":[]}
            """));
    }

    [Theory]
    [InlineData("""{"duration":1000,"tracks":[],"transition":{"type":"spin"}},{"duration":1000,"tracks":[]}""", "videoCreative.scenes[0].transition.type", "crossfade, fadewhite")]
    [InlineData("""{"duration":1000,"tracks":[],"transition":{"durationMs":300}},{"duration":1000,"tracks":[]}""", "videoCreative.scenes[0].transition.type", "is required")]
    [InlineData("""{"duration":1000,"tracks":[],"transition":{"type":"fade","durationMs":10}},{"duration":1000,"tracks":[]}""", "videoCreative.scenes[0].transition.durationMs", "between 40 and 5000")]
    [InlineData("""{"duration":1000,"tracks":[],"transition":{"type":"fade","durationMs":9000}},{"duration":1000,"tracks":[]}""", "videoCreative.scenes[0].transition.durationMs", "between 40 and 5000")]
    [InlineData("""{"duration":1000,"tracks":[]},{"duration":1000,"tracks":[],"transition":{"type":"fade"}}""", "videoCreative.scenes[1].transition", "last scene")]
    [InlineData("""{"duration":1000,"tracks":[],"transition":{"type":"fade","durationMs":1500}},{"duration":3000,"tracks":[]}""", "videoCreative.scenes[0].transition.durationMs", "longer than scene 1")]
    [InlineData("""{"duration":3000,"tracks":[],"transition":{"type":"fade","durationMs":1500}},{"duration":1000,"tracks":[]}""", "videoCreative.scenes[0].transition.durationMs", "longer than scene 2")]
    [InlineData("""{"duration":3000,"tracks":[],"transition":{"type":"fade","durationMs":600}},{"duration":1000,"tracks":[],"transition":{"type":"fade","durationMs":600}},{"duration":3000,"tracks":[]}""", "videoCreative.scenes[0].transition.durationMs", "scene 2 lasts 1000 ms, shorter than its transitions in and out")]
    public void A_bad_transition_is_named(string scenes, string path, string message)
    {
        var errors = Validate(scenes);

        var error = Assert.Contains(path, errors);
        Assert.Contains(message, error[0]);
    }
}
