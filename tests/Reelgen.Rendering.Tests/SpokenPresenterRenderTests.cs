using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>A presenter rendered end to end with real speech: the mouth follows the words the engine timed.</summary>
public sealed class SpokenPresenterRenderTests(AssetServer server) : RenderTest(server)
{
    private const int Width = 480, Height = 270, BoxX = 240, BoxY = 0, BoxW = 240, BoxH = 270;
    private static readonly PresenterCatalog Presenters = new();

    /// <summary>Pixels of an open mouth (white teeth or the dark red inside) around karen's mouth, mirrored in the right half.</summary>
    private static int OpenMouthPixels(string video, double seconds)
    {
        var frame = TestMedia.Frame(video, seconds);
        var art = Presenters.Art("karen");
        var (left, top, scale) = art.Fit(new SkiaSharp.SKRect(BoxX, BoxY, BoxX + BoxW, BoxY + BoxH));
        var (mx, my) = ((int)(left + ((art.Width - art.Manifest.Mouth!.X) * scale)), (int)(top + (art.Manifest.Mouth.Y * scale)));
        var reach = (int)(art.Manifest.Mouth.Width * scale);
        var count = 0;
        for (var y = my - reach; y < my + reach; y++)
        {
            for (var x = mx - reach; x < mx + reach; x++)
            {
                var i = ((y * Width) + x) * 3;
                var (r, g, b) = (frame[i], frame[i + 1], frame[i + 2]);
                if ((r > 225 && g > 225 && b > 225) || (r is > 35 and < 110 && g < 45 && b < 50 && r > g + 22 && b + 8 >= g))
                    count++;
            }
        }
        return count;
    }

    [Fact]
    public async Task The_mouth_opens_during_the_spoken_words_and_rests_after_them()
    {
        var track = Track.ActorTrack("karen", "Hello and welcome. Today we talk about safety at work.", position: new Position(BoxX, BoxY), size: new Size(BoxW, BoxH));
        var video = await RenderAsync(new VideoCreative
        {
            Settings = new VideoSettings { VideoSize = new VideoSize(Width, Height) },
            Scenes = [new Scene { Duration = 7000, BackgroundColor = "#2050A0", Tracks = [track] }],
        });
        // The cues carry the engine's word timings: sample the mouth every 80 ms inside them.
        var cues = Result!.Captions;
        var during = cues.SelectMany(c => Enumerable.Range(0, (int)((c.EndMs - c.StartMs) / 80)).Select(k => (c.StartMs + 40 + (k * 80)) / 1000)).ToList();
        var speechEnd = cues[^1].EndMs / 1000;
        Assert.True(during.Count >= 20 && speechEnd < 6, $"{during.Count} samples, speech ends at {speechEnd:0.##} s");

        var rest = OpenMouthPixels(video, 6.8);
        var open = during.Select(t => OpenMouthPixels(video, t)).ToList();
        Assert.True(open.Count(n => n > rest + 10) >= open.Count / 3, $"open mouth pixels while speaking: {string.Join(", ", open)} (at rest {rest})");
        Assert.True(OpenMouthPixels(video, speechEnd + 0.4) <= rest + 6, "the mouth rests once the speech is over");
    }
}
