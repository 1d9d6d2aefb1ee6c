using System.Collections.Concurrent;
using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Presenters drawn and moved by the real ffmpeg, from speech timings made here.</summary>
public sealed class PresenterRenderTests : IDisposable
{
    private static readonly PresenterCatalog Presenters = new();
    private readonly string _work = TestMedia.NewDirectory();

    // The presenter's box in a 640x360 frame.
    private const int BoxX = 300, BoxY = 20, BoxW = 300, BoxH = 340;

    /// <summary>"Mama, what a day" then 2 s of quiet, then "Hello", then 3 s at rest.</summary>
    private static SpeechTimings Speech(string wav) => new(wav, 8000,
        [new("Mama,", 500, 900), new("what", 900, 1200), new("a", 1200, 1300), new("day", 1300, 1700), new("Hello", 3700, 4200)],
        [
            new("m", 500, 580), new("A:", 580, 720), new("m", 720, 790), new("A:", 790, 900),
            new("w", 900, 980), new("0", 980, 1120), new("t", 1120, 1200), new("@", 1200, 1300), new("d", 1300, 1380), new("eI", 1380, 1700),
            new("_", 1700, 3700),
            new("h", 3700, 3780), new("@", 3780, 3900), new("l", 3900, 4000), new("oU", 4000, 4200),
        ]);

    private async Task<string> RenderAsync(string actor, bool removeBackground)
    {
        var track = Track.ActorTrack(actor, "Mama, what a day. Hello", position: new Position(BoxX, BoxY), size: new Size(BoxW, BoxH));
        track.RemoveBackground = removeBackground;
        var creative = new VideoCreative
        {
            Settings = new VideoSettings { VideoSize = new VideoSize(640, 360), BackgroundColor = "#000000" },
            Scenes = [new Scene { Duration = 8000, BackgroundColor = "#2050A0", Tracks = [track] }],
        };
        var timeline = TimelinePlanner.Plan(creative, (_, _) => 8000);
        var plan = CompositionPlanner.Plan(timeline);
        var wav = Path.Combine(_work, "speech.wav");
        File.WriteAllBytes(wav, TestMedia.Tone(_work, 8));
        var media = new ConcurrentDictionary<(int, int), TrackMedia> { [(0, 0)] = new(wav, new MediaInfo(8000, false, true, 0, 0), Speech: Speech(wav)) };
        string PicturePath(string name) => Path.Combine(_work, name + ".png");
        await using var images = new DecodedImages();
        using (var painter = new StillPainter(media, Presenters, 640, images))
        {
            foreach (var picture in plan.Pictures)
                painter.Paint(picture, PicturePath(picture.Name));
        }
        var sprites = await HeadSprites.DrawAsync(plan, media, Presenters, _work, CancellationToken.None);
        var output = Path.Combine(_work, "out.mp4");
        var graph = Path.Combine(_work, "graph.txt");
        var invocation = FfmpegGraph.Build(plan, PicturePath, media, graph, output, new RenderOptions { Preset = "ultrafast" }, presenters: sprites);
        await File.WriteAllTextAsync(graph, invocation.FilterGraph);
        await FfmpegRunner.RunAsync("ffmpeg", invocation.Arguments, plan.Seconds, null, CancellationToken.None);
        return output;
    }

    /// <summary>Pixels of an open mouth around the mouth: white teeth or the dark red inside (not the brown of hair, whose green outweighs its blue).</summary>
    private static int OpenMouthPixels(string video, double seconds, string actor = "karen")
    {
        var frame = TestMedia.Frame(video, seconds);
        var art = Presenters.Art(actor);
        var (left, top, scale) = art.Fit(new SkiaSharp.SKRect(BoxX, BoxY, BoxX + BoxW, BoxY + BoxH));
        // The box lies in the right half, so the presenter is mirrored to face the middle.
        var (mx, my) = ((int)(left + ((art.Width - art.Manifest.Mouth!.X) * scale)), (int)(top + (art.Manifest.Mouth.Y * scale)));
        var reach = (int)(art.Manifest.Mouth.Width * scale);
        var count = 0;
        for (var y = my - reach; y < my + reach; y++)
        {
            for (var x = mx - reach; x < mx + reach; x++)
            {
                var i = ((y * 640) + x) * 3;
                var (r, g, b) = (frame[i], frame[i + 1], frame[i + 2]);
                if ((r > 225 && g > 225 && b > 225) || (r is > 35 and < 110 && g < 45 && b < 50 && r > g + 22 && b + 8 >= g))
                    count++;
            }
        }
        return count;
    }

    private static long Difference(string video, double a, double b)
    {
        var (fa, fb) = (TestMedia.Frame(video, a), TestMedia.Frame(video, b));
        long sum = 0;
        for (var y = BoxY; y < BoxY + BoxH; y++)
        {
            for (var x = BoxX; x < BoxX + BoxW; x++)
            {
                var i = ((y * 640) + x) * 3;
                sum += Math.Abs(fa[i] - fb[i]) + Math.Abs(fa[i + 1] - fb[i + 1]) + Math.Abs(fa[i + 2] - fb[i + 2]);
            }
        }
        return sum;
    }

    [Fact]
    public async Task The_mouth_moves_while_speaking_and_rests_in_pauses()
    {
        var video = await RenderAsync("karen", removeBackground: false);

        // Before the speech, in the 2 s pause, and after it: at rest, the same as before the first word.
        var before = OpenMouthPixels(video, 0.2);
        double[] quiet = [2.2, 2.7, 3.2, 4.8, 6.5];
        var rest = quiet.Select(t => OpenMouthPixels(video, t)).ToList();
        Assert.True(rest.All(n => Math.Abs(n - before) <= 6), $"open mouth pixels at rest: {before}, then {string.Join(", ", rest)}");
        // Inside the words, at their open vowels ("A:", "0", "eI", "@"): the mouth is open.
        double[] speaking = [0.65, 0.85, 1.05, 1.5, 3.85];
        var open = speaking.Select(t => OpenMouthPixels(video, t)).ToList();
        Assert.True(open.Count(n => n > before + 15) >= 4, $"open mouth pixels while speaking: {string.Join(", ", open)} (at rest {before})");
    }

    [Fact]
    public async Task A_presenter_at_rest_is_not_frozen_and_keeps_its_backdrop_or_drops_it()
    {
        var video = await RenderAsync("omar", removeBackground: true);

        // 3 s at rest after the speech: the head sways (and blinks), so frames a second apart differ.
        var changes = new[] { (4.6, 5.6), (5.6, 6.6), (6.6, 7.6) }.Select(p => Difference(video, p.Item1, p.Item2)).ToList();
        Assert.True(changes.Count(d => d > 3000) >= 2, $"differences between frames at rest: {string.Join(", ", changes)}");
        // removeBackground: the scene's blue shows around the presenter, at the box's top corners.
        TestMedia.AssertColour(TestMedia.Pixel(video, 1, BoxX + 4, BoxY + 4), (0x20, 0x50, 0xA0));

        var kept = await RenderAsync("omar", removeBackground: false);
        var corner = TestMedia.Pixel(kept, 1, BoxX + 4, BoxY + 4);
        Assert.True(Math.Abs(corner.R - 0x20) + Math.Abs(corner.G - 0x50) + Math.Abs(corner.B - 0xA0) > 60, $"the presenter's own backdrop shows, was {corner}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
