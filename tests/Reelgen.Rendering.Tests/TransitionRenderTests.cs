using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Scene transitions blend neighbouring scenes with xfade and acrossfade; the video is shorter by the overlaps.</summary>
public sealed class TransitionRenderTests(AssetServer server) : RenderTest(server)
{
    private static Scene Coloured(double duration, string colour, string? transition = null, double? ms = null, params Track[] tracks) => new()
    {
        Duration = duration,
        BackgroundColor = colour,
        Tracks = [.. tracks],
        Transition = transition is null ? null : new SceneTransition { Type = transition, DurationMs = ms },
    };

    [Fact]
    public async Task A_crossfade_blends_the_two_scenes_and_the_video_lasts_the_scenes_less_the_overlaps()
    {
        var output = await RenderAsync(Creative(320, 240,
            Coloured(1000, "#FF0000", "crossfade", 400),
            Coloured(1000, "#0000FF", "wipeleft", 400),
            Coloured(1000, "#00FF00")));
        TestMedia.SaveFrame(output, 0.8, Path.Combine(Work, "crossfade-mid.png"));

        // 3 s of scenes less two overlaps of 0.4 s.
        Assert.Equal(2.2, Result!.DurationSeconds, 3);
        Assert.Equal(2.2, TestMedia.Duration(output), 1);
        Assert.Equal("55", TestMedia.Probe(output, "stream=nb_frames", "v"));
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.3, 160, 120), (255, 0, 0), because: "scene 1 alone before its transition");
        // The crossfade runs from 0.6 s to 1.0 s: half way, half of each colour.
        var mid = TestMedia.Pixel(output, 0.8, 160, 120);
        Assert.True(mid.R is > 90 and < 170 && mid.B is > 90 and < 170 && mid.G < 40, $"a mix of red and blue half way through the crossfade, was {mid}");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.1, 160, 120), (0, 0, 255), because: "scene 2 alone after the crossfade");
        // The wipe runs from 1.2 s to 1.6 s: half way, one side shows scene 2 and the other scene 3.
        var (left, right) = (TestMedia.Pixel(output, 1.4, 20, 120), TestMedia.Pixel(output, 1.4, 300, 120));
        Assert.True((left.B > 200 && right.G > 200) || (left.G > 200 && right.B > 200), $"half way through the wipe, blue on one side and green on the other: {left} {right}");
        TestMedia.AssertColour(TestMedia.Pixel(output, 2.0, 160, 120), (0, 255, 0), because: "scene 3 alone at the end");
    }

    [Fact]
    public async Task The_sound_crossfades_too_and_lasts_as_long_as_the_picture()
    {
        var tone = Server.Serve("/tr/tone.wav", TestMedia.Tone(Work, 1, 440));
        var other = Server.Serve("/tr/other.wav", TestMedia.Tone(Work, 1, 880));
        var output = await RenderAsync(Creative(320, 240,
            Coloured(1000, "#FF0000", "fade", 400, Track.AudioTrack(tone)),
            Coloured(1000, "#0000FF", null, null, Track.AudioTrack(other))));

        Assert.Equal(1.6, Result!.DurationSeconds, 3);
        Assert.Equal(1.6, double.Parse(TestMedia.Probe(output, "stream=duration", "a"), System.Globalization.CultureInfo.InvariantCulture), 1);
        // The fade passes through black half way (0.8 s) and the sound is heard throughout: both tones while they overlap.
        Assert.True(TestMedia.Pixel(output, 0.8, 160, 120) is var dark && dark.R + dark.G + dark.B < 60, "a fade passes through black");
        Assert.True(TestMedia.MeanVolume(output, 0.7, 0.9, "bandpass=f=440:width_type=q:w=8") > -40, "the first scene's tone fades out during the overlap");
        Assert.True(TestMedia.MeanVolume(output, 0.7, 0.9, "bandpass=f=880:width_type=q:w=8") > -40, "the second scene's tone fades in during the overlap");
        Assert.True(TestMedia.MeanVolume(output, 1.2, 1.5, "bandpass=f=440:width_type=q:w=8") < TestMedia.MeanVolume(output, 0.1, 0.4, "bandpass=f=440:width_type=q:w=8") - 20, "after the overlap only the second tone plays");
    }

    [Fact]
    public async Task Captions_move_with_the_scene_a_transition_brings_forward()
    {
        Scene Spoken() => new() { BackgroundColor = "#202020", Tracks = [Track.ActorTrack("karen", "Hello there.", position: new Position(160, 0), size: new Size(160, 240))] };
        var plain = Creative(320, 240, Coloured(1000, "#FF0000"), Spoken());
        var withTransition = Creative(320, 240, Coloured(1000, "#FF0000", "slideleft", 480), Spoken());

        await RenderAsync(plain);
        var before = Result!;
        await RenderAsync(withTransition);
        var after = Result!;

        Assert.Equal(before.DurationSeconds - 0.48, after.DurationSeconds, 3);
        Assert.Equal(before.Captions.Count, after.Captions.Count);
        Assert.All(before.Captions.Zip(after.Captions), pair =>
        {
            Assert.Equal(pair.First.StartMs - 480, pair.Second.StartMs, 3);
            Assert.Equal(pair.First.EndMs - 480, pair.Second.EndMs, 3);
        });
    }

    [Fact]
    public async Task A_scene_whose_speech_is_shorter_than_its_transition_fails_saying_so()
    {
        var creative = Creative(320, 240,
            new Scene { Tracks = [Track.ActorTrack("karen", "Hi.")], Transition = new SceneTransition { Type = "fade", DurationMs = 5000 } },
            Coloured(6000, "#0000FF"));

        var error = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(creative));

        Assert.Contains("scene 1 lasts", error.Message);
        Assert.Contains("shorten the transition", error.Message);
    }
}
