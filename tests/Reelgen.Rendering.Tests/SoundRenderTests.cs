using System.Globalization;
using System.Text.RegularExpressions;
using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Music ducks under speech, fades in and out, and every video plays at the same loudness.</summary>
public sealed partial class SoundRenderTests(AssetServer server) : RenderTest(server)
{
    private const int MusicHz = 3000;

    [Fact]
    public async Task Music_ducks_under_speech_and_rises_again()
    {
        var music = Server.Serve("/d/music.wav", TestMedia.Tone(Work, 6, MusicHz));
        var speaker = Track.ActorTrack("ryan", "This sentence is spoken over the music.", position: new Position(0, 0), size: new Size(40, 40));
        speaker.StartTimeGap = 1500;
        var output = await RenderAsync(Creative(160, 120, Scene(6000, Track.AudioTrack(music, loop: true), speaker)));
        var speechEnd = 1.5 + (Result!.Captions[0].EndMs - Result.Captions[0].StartMs) / 1000;

        var alone = Band(output, 0.2, 1.2);
        var under = Band(output, 1.7, speechEnd - 0.2);
        var after = Band(output, speechEnd + 0.6, 5.8);
        Assert.True(alone - under >= 10, $"music alone {alone:0.#} dB, under speech {under:0.#} dB");
        Assert.InRange(alone - after, -1.5, 1.5);
        // Smooth: the level steps down over the attack, not at once.
        var ramp = Band(output, 1.38, 1.45);
        Assert.InRange(ramp, under + 2, alone - 2);
    }

    [Fact]
    public async Task Music_ducks_under_the_next_scenes_speech_while_a_transition_overlaps_them()
    {
        // Scene 1 has the music, scene 2 a presenter speaking from its start; the scenes overlap from 2 s to 3 s.
        var music = Server.Serve("/dt/music.wav", TestMedia.Tone(Work, 4, MusicHz));
        var speaker = Track.ActorTrack("ryan", "The second scene speaks as soon as it starts.", position: new Position(0, 0), size: new Size(40, 40));
        var first = Scene(3000, Track.AudioTrack(music, loop: true));
        first.Transition = new SceneTransition { Type = "crossfade", DurationMs = 1000 };
        var output = await RenderAsync(Creative(160, 120, first, Scene(3000, speaker)));

        var alone = Band(output, 0.5, 1.5);
        var overlap = Band(output, 2.2, 2.6);
        // The crossfade alone lowers the music by about 4.3 dB over 2.2-2.6 s (a linear ramp from 1 to 0 over the
        // overlap); ducking under the speech takes it at least 10 dB further.
        Assert.True(alone - overlap >= 14.3, $"music alone {alone:0.#} dB, under the next scene's speech during the overlap {overlap:0.#} dB");
    }

    [Fact]
    public async Task The_next_scenes_music_starts_ducked_under_speech_that_runs_into_the_overlap()
    {
        // Scene 1's presenter speaks to its end, scene 2 brings in music; the scenes overlap for the last second.
        var music = Server.Serve("/dt2/music.wav", TestMedia.Tone(Work, 4, MusicHz));
        var speaker = Track.ActorTrack("ryan", "Words that go on right to the end of the first scene, and a few more.", position: new Position(0, 0), size: new Size(40, 40));
        var first = Scene(2500, speaker);
        first.Transition = new SceneTransition { Type = "crossfade", DurationMs = 1000 };
        var output = await RenderAsync(Creative(160, 120, first, Scene(3000, Track.AudioTrack(music, loop: true))));

        // The overlap runs 1.5-2.5 s; scene 2's music rises through it (about 4.3 dB under full over 2.0-2.4 s).
        var alone = Band(output, 3.0, 3.8);
        var overlap = Band(output, 2.0, 2.4);
        Assert.True(alone - overlap >= 14.3, $"music alone {alone:0.#} dB, under the first scene's speech during the overlap {overlap:0.#} dB");
    }

    [Fact]
    public async Task Ducking_false_keeps_the_music_level_and_fades_shape_it()
    {
        var music = Server.Serve("/f/music.wav", TestMedia.Tone(Work, 4, MusicHz));
        var track = Track.AudioTrack(music);
        track.Ducking = false;
        track.FadeInMs = 1000;
        track.FadeOutMs = 1000;
        var speaker = Track.ActorTrack("ryan", "Spoken words, and a few more of them.", position: new Position(0, 0), size: new Size(40, 40));
        var output = await RenderAsync(Creative(160, 120, Scene(4000, track, speaker)));
        var start = Band(output, 0, 0.15);
        var middle = Band(output, 1.3, 2.7);
        var end = Band(output, 3.85, 4);
        Assert.True(middle - start > 12, $"fades in: {start:0.#} then {middle:0.#} dB");
        Assert.True(middle - end > 12, $"fades out: {middle:0.#} then {end:0.#} dB");
        var speechEnd = Result!.Captions[0].EndMs / 1000;
        Assert.InRange(Band(output, 1.1, Math.Min(1.3, speechEnd)) - Band(output, 2.7, 2.9), -3, 3);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    public async Task A_video_plays_at_minus_16_LUFS_whatever_its_sources(double volume)
    {
        var music = Server.Serve($"/l/music{volume}.wav", TestMedia.Tone(Work, 5, 440));
        var speaker = Track.ActorTrack("karen", "Loudness is measured over the whole video.", position: new Position(0, 0), size: new Size(40, 40));
        var output = await RenderAsync(Creative(160, 120, Scene(5000, Track.AudioTrack(music, volume: volume), speaker)));
        Assert.InRange(IntegratedLoudness(output), -17, -15);
    }

    [Fact]
    public async Task A_quiet_source_with_loud_clicks_is_raised_to_minus_16_LUFS_with_its_peaks_held_under_the_ceiling()
    {
        // A soft tone (about -28 LUFS) with a near full-scale click every second: the gain that brings it to -16 LUFS
        // would put the clicks some 12 dB over full scale, so the limiter has to hold them.
        var path = Path.Combine(Work, "clicks.wav");
        TestMedia.Ffmpeg(["-f", "lavfi", "-i", "aevalsrc=0.05*sin(2*PI*440*t)+if(lt(mod(t\\,1)\\,0.0005)\\,0.9\\,0):s=48000:d=4", path]);
        var music = Server.Serve("/c/clicks.wav", File.ReadAllBytes(path));
        var output = await RenderAsync(Creative(160, 120, Scene(4000, Track.AudioTrack(music))));
        Assert.InRange(IntegratedLoudness(output), -17, -15);
        Assert.True(TestMedia.Volume(output).Peak <= -1, $"peak {TestMedia.Volume(output).Peak:0.#} dBFS");
    }

    [Fact]
    public async Task A_short_video_of_one_spoken_word_plays_at_minus_16_LUFS()
    {
        // One short word in two seconds: its peaks stand far above its loudness, so the limiter holds them, and
        // without the gain made up for what the limiter took the video played at about -17.5 LUFS.
        var speaker = Track.ActorTrack("ryan", "Hi.", position: new Position(0, 0), size: new Size(40, 40));
        var output = await RenderAsync(Creative(160, 120, Scene(2000, speaker)));
        Assert.InRange(IntegratedLoudness(output), -17, -15);
    }

    /// <summary>Mean level in dB in a narrow band around the music's tone.</summary>
    private static double Band(string video, double from, double to) =>
        TestMedia.MeanVolume(video, from, to, $"bandpass=f={MusicHz}:width_type=q:w=20,bandpass=f={MusicHz}:width_type=q:w=20");

    private static double IntegratedLoudness(string video)
    {
        var output = TestMedia.Run("ffmpeg", ["-v", "info", "-nostats", "-i", video, "-vn", "-af", "ebur128", "-f", "null", "-"], stderr: true);
        var m = IntegratedPattern().Matches(output);
        Assert.True(m.Count > 0, output);
        return double.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"I:\s*(-?[\d.]+) LUFS")]
    private static partial Regex IntegratedPattern();
}
