using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>settings.subtitles.burnIn draws the spoken captions into the picture, while they are spoken.</summary>
public sealed class SubtitleRenderTests(AssetServer server) : RenderTest(server)
{
    private const int Width = 320, Height = 240;
    private static readonly (int R, int G, int B) Backdrop = (0x20, 0x50, 0xA0);

    private static VideoCreative Speaking(SubtitleSettings? subtitles)
    {
        // The presenter stands in the top-right corner, so the bottom band shows only the scene's blue.
        var presenter = Track.ActorTrack("ryan", "Hello there, and welcome to Reelgen. These words are burnt into the picture as they are spoken.", "en-gb", new Position(220, 0), new Size(100, 100));
        return new VideoCreative
        {
            Settings = new VideoSettings { VideoSize = new VideoSize(Width, Height), Subtitles = subtitles },
            Scenes = [new Scene { Duration = 9000, BackgroundColor = "#2050A0", Tracks = [presenter] }],
        };
    }

    /// <summary>Pixels of the caption band (the bottom third) that are not the scene's blue: (white-ish, dark).</summary>
    private static (int Light, int Dark) CaptionPixels(string video, double seconds)
    {
        var frame = TestMedia.Frame(video, seconds);
        var (light, dark) = (0, 0);
        for (var y = Height * 2 / 3; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 3;
                var (r, g, b) = (frame[i], frame[i + 1], frame[i + 2]);
                if (r > 200 && g > 200 && b > 200)
                    light++;
                else if (r < 45 && g < 45 && b < 70)
                    dark++;
            }
        }
        return (light, dark);
    }

    [Fact]
    public async Task Burnt_in_captions_show_while_spoken_on_a_box_and_not_without_burn_in()
    {
        var burnt = await RenderAsync(Speaking(new SubtitleSettings { BurnIn = true, FontSize = 18 }));
        var cues = Result!.Captions;
        Assert.True(cues.Count >= 2, $"{cues.Count} cues");
        var speaking = cues.Select(c => (c.StartMs + c.EndMs) / 2000).ToList();
        var afterSpeech = (cues[^1].EndMs / 1000) + 0.5;
        Assert.True(afterSpeech < 8.8, $"the speech ends at {cues[^1].EndMs} ms");

        if (Environment.GetEnvironmentVariable("REELGEN_KEEP_FRAMES") is { } keep)
            TestMedia.SaveFrame(burnt, speaking[0], Path.Combine(keep, "subtitles-box.png"));
        foreach (var t in speaking)
        {
            var (light, dark) = CaptionPixels(burnt, t);
            Assert.True(light > 80, $"{light} white text pixels in the caption band at {t:0.##} s");
            Assert.True(dark > 800, $"{dark} box pixels in the caption band at {t:0.##} s");
        }
        Assert.Equal((0, 0), CaptionPixels(burnt, afterSpeech));
        TestMedia.AssertColour(TestMedia.Pixel(burnt, afterSpeech, 160, 220), Backdrop, because: "the caption is gone after the speech");

        // The same render without burnIn: the same cues (for the VTT), and the band shows only the backdrop.
        var plain = await RenderAsync(Speaking(new SubtitleSettings { BurnIn = false, FontSize = 18 }));
        Assert.Equal(cues, Result!.Captions);
        foreach (var t in speaking)
            Assert.Equal((0, 0), CaptionPixels(plain, t));
    }

    [Fact]
    public async Task Outlined_captions_at_the_top_are_readable_without_a_box()
    {
        var video = await RenderAsync(Speaking(new SubtitleSettings
        {
            BurnIn = true,
            Position = "top",
            FontSize = 20,
            BackgroundColor = "#00000000",
            Color = "#FFFF00",
            Outline = new TextOutline { Color = "#000000", Width = 2 },
        }));
        var cue = Result!.Captions[0];
        if (Environment.GetEnvironmentVariable("REELGEN_KEEP_FRAMES") is { } keep)
            TestMedia.SaveFrame(video, (cue.StartMs + cue.EndMs) / 2000, Path.Combine(keep, "subtitles-outline.png"));
        var frame = TestMedia.Frame(video, (cue.StartMs + cue.EndMs) / 2000);
        int Count(int fromY, int toY, Func<int, int, int, bool> match)
        {
            var n = 0;
            for (var y = fromY; y < toY; y++)
            {
                for (var x = 0; x < 200; x++)
                {
                    var i = ((y * Width) + x) * 3;
                    if (match(frame[i], frame[i + 1], frame[i + 2]))
                        n++;
                }
            }
            return n;
        }
        // Yellow letters with black edges near the top, left of the presenter; no box, so the blue shows between.
        var yellow = Count(0, 100, (r, g, b) => r > 200 && g > 200 && b < 90);
        var black = Count(0, 100, (r, g, b) => r < 40 && g < 40 && b < 40);
        var blue = Count(0, 100, (r, g, b) => Math.Abs(r - Backdrop.R) < 20 && Math.Abs(g - Backdrop.G) < 20 && Math.Abs(b - Backdrop.B) < 20);
        Assert.True(yellow > 60, $"{yellow} yellow pixels");
        Assert.True(black > 60, $"{black} outline pixels");
        Assert.True(blue > 200 * 100 / 2, $"{blue} backdrop pixels between the letters");
        Assert.Equal(0, Count(Height * 2 / 3, Height, (r, g, b) => r > 200 && g > 200));
    }
}
