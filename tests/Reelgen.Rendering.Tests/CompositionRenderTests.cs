using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>What shows where and when: z-order, positions, gaps, formats, keying, continuation.</summary>
public sealed class CompositionRenderTests(AssetServer server) : RenderTest(server)
{
    private static readonly (int, int, int) Red = (255, 0, 0), Blue = (0, 0, 255), Green = (0, 128, 0), Yellow = (255, 255, 0), White = (255, 255, 255);

    [Fact]
    public async Task Tracks_stack_in_array_order_at_their_positions_between_their_gaps()
    {
        var red = Server.Serve("/z/red.png", TestMedia.Png(32, 24, SKColors.Red));
        var blue = Server.Serve("/z/blue.png", TestMedia.Png(100, 100, SKColors.Blue));
        var white = Server.Serve("/z/white.png", TestMedia.Png(40, 40, SKColors.White));
        var clip = Server.Serve("/z/green.mp4", TestMedia.Clip(Work, 3, "green", withAudio: false));

        var gapped = Track.ImageTrack(blue, new Position(40, 40), new Size(100, 100));
        gapped.StartTimeGap = 500;
        gapped.EndTimeGap = 500;
        var video = Track.VideoTrack(clip, new Position(160, 120), new Size(160, 120));
        var label = Track.TextTrack("", new Position(200, 160), new Size(60, 40), new TextStyle { BackgroundColor = "#FFFF00" });
        var corner = Track.ImageTrack(white, new Position(280, 200), new Size(40, 40));
        corner.Duration = 1000;
        var output = await RenderAsync(Creative(320, 240, Scene(2000, Track.ImageTrack(red), gapped, video, label, corner)));

        Assert.InRange(TestMedia.Duration(output), 1.96, 2.04);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.2, 60, 60), Red, because: "the gapped image has not started");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.0, 60, 60), Blue, because: "the gapped image shows");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.8, 60, 60), Red, because: "the end gap hides it again");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.0, 10, 10), Red, because: "a 32x24 picture fills a 4:3 frame");
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.2, 170, 130), Green, because: "the clip is over the background");
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.2, 230, 180), Yellow, because: "the text box is over the clip");
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.2, 300, 220), White, because: "the last track is on top");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.5, 300, 220), Green, because: "the 1 s track has ended");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.5, 150, 110), Red, because: "the clip stays in its box");
    }

    [Fact]
    public async Task Pictures_of_every_format_fit_their_box_keeping_their_shape()
    {
        var gifPath = Path.Combine(Work, "a.gif");
        // An animated GIF: the first frame (yellow) is the one shown.
        var ffmpeg = System.Diagnostics.Process.Start("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=yellow:s=40x40:r=10:d=0.5", "-f", "lavfi", "-i", "color=black:s=40x40:r=10:d=0.5",
            "-filter_complex", "[0][1]concat=n=2:v=1", gifPath])!;
        await ffmpeg.WaitForExitAsync();
        var png = Server.Serve("/f/a.png", TestMedia.Png(40, 40, SKColors.Red));
        var jpeg = Server.Serve("/f/a.jpg", TestMedia.Png(40, 40, SKColors.Blue, format: SKEncodedImageFormat.Jpeg));
        var webp = Server.Serve("/f/a.webp", TestMedia.Png(40, 40, SKColors.White, format: SKEncodedImageFormat.Webp));
        var gif = Server.Serve("/f/a.gif", await File.ReadAllBytesAsync(gifPath));
        var wide = Server.Serve("/f/wide.png", TestMedia.Png(200, 50, SKColors.White));
        var output = await RenderAsync(Creative(320, 240, Scene(400,
            Track.ImageTrack(png, new Position(0, 0), new Size(160, 120)),
            Track.ImageTrack(jpeg, new Position(160, 0), new Size(160, 120)),
            Track.ImageTrack(webp, new Position(0, 120), new Size(160, 120)),
            Track.ImageTrack(gif, new Position(160, 120), new Size(160, 120)),
            Track.ImageTrack(wide, new Position(0, 0), new Size(100, 100)))));

        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 110, 60), Red);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 240, 60), Blue);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 80, 180), White);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 240, 180), Yellow);
        // A 4:1 picture in a 100x100 box is 100x25, centred: white at the middle, red (below it) above and under.
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 50, 50), White);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 50, 30), Red);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.1, 50, 70), Red);
    }

    [Fact]
    public async Task Remove_background_keys_out_the_clips_backdrop()
    {
        var clip = Server.Serve("/k/keyed.mp4", TestMedia.Clip(Work, 1, "green", 320, 240, withAudio: false, box: "red"));
        var video = Track.VideoTrack(clip);
        video.RemoveBackground = true;
        var scene = Scene(null, video);
        scene.BackgroundColor = "#0000FF";
        var output = await RenderAsync(Creative(320, 240, scene));

        TestMedia.AssertColour(TestMedia.Pixel(output, 0.5, 10, 10), Blue, because: "the green backdrop is keyed out");
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.5, 300, 230), Blue);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.5, 160, 120), Red, because: "the subject stays");
    }

    [Fact]
    public async Task A_clip_continues_across_scenes_with_the_same_sequential_blend_id()
    {
        // One second red, then one second blue: a restart would show red again.
        var path = Path.Combine(Work, "rb.mp4");
        var p = System.Diagnostics.Process.Start("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=red:s=64x48:r=25:d=1", "-f", "lavfi", "-i", "color=blue:s=64x48:r=25:d=1",
            "-filter_complex", "[0][1]concat=n=2:v=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path])!;
        await p.WaitForExitAsync();
        var clip = Server.Serve("/b/rb.mp4", await File.ReadAllBytesAsync(path));
        Track Blended()
        {
            var t = Track.VideoTrack(clip);
            t.SequentialBlendId = "clip";
            return t;
        }
        var output = await RenderAsync(Creative(320, 240,
            Scene(600, Blended()),
            Scene(null, Blended()),
            Scene(400, Track.VideoTrack(clip))));

        // Scene 2 takes the rest of the clip (1.4 s); scene 3 restarts it.
        Assert.InRange(TestMedia.Duration(output), 2.36, 2.44);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.3, 100, 100), Red);
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.7, 100, 100), Red, because: "0.1 s into scene 2 is 0.7 s into the clip");
        TestMedia.AssertColour(TestMedia.Pixel(output, 1.2, 100, 100), Blue, because: "the clip went on, it did not restart");
        TestMedia.AssertColour(TestMedia.Pixel(output, 2.2, 100, 100), Red, because: "without the id, scene 3 starts the clip again");
    }

    [Fact]
    public async Task Text_wraps_in_its_box_and_draws_colour_emoji()
    {
        var output = await RenderAsync(Creative(320, 240, Scene(400,
            Track.TextTrack("😀", new Position(0, 0), new Size(160, 160), new TextStyle { FontSize = 120 }),
            Track.TextTrack("Привет 你好 ناس long words wrap here", new Position(160, 0), new Size(160, 240), new TextStyle { FontSize = 30, Color = "#00FF00", Align = "right" }))));
        var frame = TestMedia.Frame(output, 0.1);
        int Count(int x0, int y0, int x1, int y1, Func<int, int, int, bool> match)
        {
            var n = 0;
            for (var y = y0; y < y1; y++)
            {
                for (var x = x0; x < x1; x++)
                {
                    var i = ((y * 320) + x) * 3;
                    if (match(frame[i], frame[i + 1], frame[i + 2]))
                        n++;
                }
            }
            return n;
        }
        Assert.True(Count(0, 0, 160, 160, (r, g, b) => r > 200 && g > 150 && b < 90) > 500, "the emoji is drawn in colour (yellow face)");
        var greenRows = Enumerable.Range(0, 240).Count(y => Count(160, y, 320, y + 1, (r, g, b) => g > 150 && r < 100) > 0);
        Assert.True(greenRows > 100, $"the text wraps onto several lines ({greenRows} rows with text)");
        Assert.Equal(0, Count(0, 170, 160, 240, (r, g, b) => r + g + b > 60));
    }
}
