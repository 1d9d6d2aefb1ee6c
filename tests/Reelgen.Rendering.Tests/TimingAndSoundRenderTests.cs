using System.Text.Json;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>Scene lengths (section 6.6), sound where it plays and silence where none does, variables, progress.</summary>
public sealed class TimingAndSoundRenderTests(AssetServer server) : RenderTest(server)
{
    private static Scene Coloured(string colour, double? duration, params Track[] tracks)
    {
        var scene = Scene(duration, tracks);
        scene.BackgroundColor = colour;
        return scene;
    }

    [Fact]
    public async Task Scenes_last_their_duration_their_speech_or_their_referenced_clip()
    {
        const string script = "Welcome to the timing test.";
        var wav = Path.Combine(Work, "expected.wav");
        var speechMs = (await new SpeechSynthesizer(new VoiceCatalog()).SpeakAsync(script, "en-GB-RyanNeural", wav, CancellationToken.None)).DurationMs;
        var clip = Server.Serve("/t/clip.mp4", TestMedia.Clip(Work, 1.2, "white", withAudio: false));
        var tone = Server.Serve("/t/tone.wav", TestMedia.Tone(Work, 3));
        var video = Track.VideoTrack(clip, new Position(0, 0), new Size(40, 40));
        video.ReferenceId = "clip";
        var third = Coloured("#0000FF", null, video, Track.AudioTrack(tone, volume: 0.5));
        third.IntrinsicDurationTrackReference = "clip";

        var output = await RenderAsync(Creative(320, 240,
            Coloured("#FF0000", 600),
            Coloured("#00FF00", null, Track.ActorTrack("ryan", script, position: new Position(0, 0), size: new Size(60, 60))),
            third));

        var first = 0.6;
        var second = first + (Math.Round(speechMs / 40) * 0.04);
        var total = second + 1.2;
        Assert.InRange(TestMedia.Duration(output), total - 0.04, total + 0.04);
        Assert.Equal(total, Result!.DurationSeconds, 0.04);
        var cue = Assert.Single(Result.Captions!);
        // The cue lies within the speech, on the video clock, with the script's text.
        Assert.Equal(script, cue.Text);
        Assert.InRange(cue.StartMs, 600, 900);
        Assert.InRange(cue.EndMs, cue.StartMs + 500, Math.Min(600 + speechMs, second * 1000));
        TestMedia.AssertColour(TestMedia.Pixel(output, first - 0.06, 300, 200), (255, 0, 0));
        TestMedia.AssertColour(TestMedia.Pixel(output, first + 0.06, 300, 200), (0, 255, 0));
        TestMedia.AssertColour(TestMedia.Pixel(output, second - 0.06, 300, 200), (0, 255, 0));
        TestMedia.AssertColour(TestMedia.Pixel(output, second + 0.06, 300, 200), (0, 0, 255));
        // The presenter is drawn in its box, on a backdrop in the actor's colour family.
        var presenter = TestMedia.Pixel(output, first + 0.3, 2, 2);
        Assert.True(presenter.B > presenter.R + 40, $"Ryan's backdrop is blue, was {presenter}");

        Assert.True(TestMedia.MeanVolume(output, 0, first - 0.05) < -80, "scene 1 has no sound");
        Assert.True(TestMedia.MeanVolume(output, first + 0.1, second - 0.2) > -45, "the presenter speaks");
        Assert.True(TestMedia.MeanVolume(output, second + 0.1, total - 0.1) > -40, "the audio track plays");
    }

    [Fact]
    public async Task Audio_tracks_honour_gaps_loop_and_volume()
    {
        var tone = Server.Serve("/a/tone.wav", TestMedia.Tone(Work, 0.8));
        var shortTone = Server.Serve("/a/short.mp3", TestMedia.Tone(Work, 0.5, 440, "mp3"));
        var gapped = Track.AudioTrack(tone);
        gapped.StartTimeGap = 500;
        var loud = Track.AudioTrack(tone);
        var quiet = Track.AudioTrack(tone, volume: 0.25);
        var output = await RenderAsync(Creative(320, 240,
            Scene(2000, gapped),
            Scene(1500, Track.AudioTrack(shortTone, loop: true)),
            Scene(800, loud),
            Scene(800, quiet)));

        Assert.InRange(TestMedia.Duration(output), 5.06, 5.14);
        Assert.True(TestMedia.MeanVolume(output, 0, 0.45) < -80, "silent before the start gap");
        Assert.True(TestMedia.MeanVolume(output, 0.6, 1.2) > -40, "the sound plays after its gap");
        Assert.True(TestMedia.MeanVolume(output, 1.4, 1.95) < -80, "silent after the 0.8 s sound");
        Assert.True(TestMedia.MeanVolume(output, 3.0, 3.45) > -40, "a looping sound plays past its own length");
        var full = TestMedia.MeanVolume(output, 3.6, 4.3);
        var quarter = TestMedia.MeanVolume(output, 4.4, 5.1);
        Assert.InRange(full - quarter, 9, 15); // volume 0.25 is 12 dB down
    }

    [Fact]
    public async Task A_clip_brings_its_own_sound()
    {
        var clip = Server.Serve("/s/clip.mp4", TestMedia.Clip(Work, 1, "green"));
        var silent = Server.Serve("/s/silent.mp4", TestMedia.Clip(Work, 1, "green", withAudio: false));
        var output = await RenderAsync(Creative(320, 240, Scene(null, Track.VideoTrack(clip)), Scene(null, Track.VideoTrack(silent))));
        Assert.True(TestMedia.MeanVolume(output, 0.1, 0.9) > -40);
        Assert.True(TestMedia.MeanVolume(output, 1.1, 1.9) < -80);
    }

    [Fact]
    public async Task Variables_are_substituted_in_on_screen_text_and_scripts()
    {
        var creative = Creative(320, 240, Scene(null,
            Track.TextTrack("Hi {name}! {{literal}}", new Position(0, 0), new Size(320, 120), new TextStyle { FontSize = 40, FontWeight = "bold" }),
            Track.ActorTrack("karen", "Hello {name}.", position: new Position(0, 120), size: new Size(100, 100))));
        Dictionary<string, JsonElement> Name(string n) => new() { ["name"] = JsonSerializer.SerializeToElement(n) };

        var ada = TestMedia.Frame(await RenderAsync(creative, Name("Ada")), 0.2);
        var adaLength = TestMedia.Duration(Path.Combine(Work, "out.mp4"));
        var bartholomew = TestMedia.Frame(await RenderAsync(creative, Name("Bartholomew Montgomery")), 0.2);
        var bartholomewLength = TestMedia.Duration(Path.Combine(Work, "out.mp4"));

        Assert.NotEqual(ada, bartholomew);
        Assert.True(bartholomewLength > adaLength + 0.3, "the longer name takes longer to say");
        var missing = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(creative));
        Assert.Contains("{name}", missing.Message);
    }

    [Fact]
    public async Task Progress_goes_through_preprocessing_then_generating()
    {
        var picture = Server.Serve("/p/a.png", TestMedia.Png(16, 16, SKColors.Red));
        await RenderAsync(Creative(320, 240, Scene(1000, Track.ImageTrack(picture))));
        Assert.Equal(RenderStage.Preprocessing, Reports[0].Stage);
        Assert.Equal(new RenderProgress(RenderStage.Generating, 1, VideoSeconds: 1), Reports[^1]);
        var firstGenerating = Reports.FindIndex(r => r.Stage == RenderStage.Generating);
        Assert.All(Reports.Skip(firstGenerating), r => Assert.Equal(RenderStage.Generating, r.Stage));
        Assert.All(Reports, r => Assert.InRange(r.Fraction, 0, 1));
    }

    [Fact]
    public async Task Cancelling_stops_ffmpeg_within_a_second()
    {
        using var cts = new CancellationTokenSource();
        var generating = new TaskCompletionSource();
        var creative = Creative(1280, 720, Scene(60_000, Track.TextTrack("long", new Position(0, 0), new Size(400, 100))));
        creative.Settings!.Fps = 30;
        var output = Path.Combine(Work, "cancelled.mp4");
        var progress = new Progress(r =>
        {
            if (r.Stage == RenderStage.Generating)
                generating.TrySetResult();
        });
        var render = new VideoRenderer(new RenderOptions { Preset = "medium" }).RenderAsync(creative, new Dictionary<string, JsonElement>(), output, Path.Combine(Work, "w"), progress, cts.Token);
        await generating.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => render);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
        Assert.False(File.Exists(output));
    }

    private sealed class Progress(Action<RenderProgress> report) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) => report(value);
    }
}
