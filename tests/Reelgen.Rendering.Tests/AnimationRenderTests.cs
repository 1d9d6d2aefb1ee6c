using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>
/// Entrances and exits, read off the frames: a fade's opacity rises, a slide's position moves and comes to rest, a
/// pop grows, an exit leaves nothing by the track's end, a typewriter shows more characters as it goes; the same on
/// both ways of encoding a video.
/// </summary>
public sealed class AnimationRenderTests(AssetServer server) : RenderTest(server)
{
    private const int Fps = 20;

    // A red box of 100x60 at (110, 60) in a 320x180 black frame.
    private const int BoxX = 110, BoxY = 60, BoxW = 100, BoxH = 60;

    private static VideoCreative Video(params Scene[] scenes)
    {
        var creative = Creative(320, 180, scenes);
        creative.Settings!.Fps = Fps;
        return creative;
    }

    private Track Red(string? entrance, string? exit, double ms = 500, double? duration = null)
    {
        var track = Track.ImageTrack(Server.Serve("/anim/red.png", TestMedia.Png(BoxW, BoxH, SKColors.Red)), new Position(BoxX, BoxY), new Size(BoxW, BoxH));
        track.Duration = duration;
        track.Animation = new TrackAnimation { In = entrance, Out = exit, DurationMs = ms };
        return track;
    }

    /// <summary>The frame with this number: a quarter frame before it, so the seek lands on it and not the next.</summary>
    private static byte[] FrameAt(string video, int frame) => TestMedia.Frame(video, Math.Max(0, (frame - 0.25) / Fps));

    private static (int R, int G, int B) PixelAt(byte[] frame, int x, int y)
    {
        var i = ((y * 320) + x) * 3;
        return (frame[i], frame[i + 1], frame[i + 2]);
    }

    /// <summary>The leftmost red pixel of a row; -1 when the row has none.</summary>
    private static int LeftEdge(byte[] frame, int y) =>
        Enumerable.Range(0, 320).Select(x => (x, PixelAt(frame, x, y))).FirstOrDefault(p => p.Item2.R > 128 && p.Item2.G < 80, (-1, default)).Item1;

    private static int TopEdge(byte[] frame, int x) =>
        Enumerable.Range(0, 180).Select(y => (y, PixelAt(frame, x, y))).FirstOrDefault(p => p.Item2.R > 128 && p.Item2.G < 80, (-1, default)).Item1;

    /// <summary>Pixels brighter than the black background.</summary>
    private static int Lit(byte[] frame, int x0 = 0, int y0 = 0, int x1 = 320, int y1 = 180)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var (r, g, b) = PixelAt(frame, x, y);
                if (r + g + b > 150)
                    count++;
            }
        }
        return count;
    }

    [Fact]
    public async Task A_fade_in_raises_the_opacity_over_its_entrance()
    {
        var output = await RenderAsync(Video(Scene(2000, Red("fade", null))));

        // 500 ms at 20 fps: ten frames from nothing to the full colour.
        var red = new[] { 0, 3, 6, 9, 10, 30 }.Select(f => PixelAt(FrameAt(output, f), 160, 90).R).ToList();
        Assert.True(red[0] < 40, $"nothing shows on the first frame: {string.Join(", ", red)}");
        Assert.True(red[0] < red[1] && red[1] < red[2] && red[2] < red[3], $"the red rises frame by frame: {string.Join(", ", red)}");
        Assert.InRange(red[1], 40, 130);
        Assert.True(red[4] > 230 && red[5] > 230, $"at rest after the entrance: {string.Join(", ", red)}");
    }

    [Fact]
    public async Task A_slide_left_comes_in_from_the_right_edge_and_comes_to_rest()
    {
        var output = await RenderAsync(Video(Scene(2000, Red("slide-left", null))));

        var edges = new[] { 0, 2, 5, 8, 10, 20 }.Select(f => LeftEdge(FrameAt(output, f), 90)).ToList();
        var all = string.Join(", ", edges);
        Assert.True(edges[0] == -1, $"beyond the right edge on the first frame: {all}");
        Assert.True(edges[1] > edges[2] && edges[2] > edges[3] && edges[3] >= BoxX, $"the left edge moves left frame by frame: {all}");
        Assert.InRange(edges[4], BoxX - 1, BoxX + 1);
        Assert.InRange(edges[5], BoxX - 1, BoxX + 1);
    }

    [Fact]
    public async Task A_slide_up_comes_in_from_below()
    {
        var output = await RenderAsync(Video(Scene(2000, Red("slide-up", null))));

        var tops = new[] { 0, 3, 6, 12 }.Select(f => TopEdge(FrameAt(output, f), 160)).ToList();
        var all = string.Join(", ", tops);
        Assert.True(tops[0] == -1 && tops[1] > tops[2] && tops[2] > BoxY, $"rising from below the frame: {all}");
        Assert.InRange(tops[3], BoxY - 1, BoxY + 1);
    }

    [Fact]
    public async Task A_pop_grows_from_smaller_to_its_size()
    {
        var output = await RenderAsync(Video(Scene(2000, Red("pop", null))));

        var lit = new[] { 2, 5, 12 }.Select(f => Lit(FrameAt(output, f))).ToList();
        var all = string.Join(", ", lit);
        Assert.True(lit[0] < lit[2] * 0.75, $"smaller early in the entrance: {all}");
        Assert.True(lit[0] < lit[1], $"growing: {all}");
        // At rest: exactly the box.
        Assert.InRange(lit[2], BoxW * BoxH * 0.95, BoxW * BoxH * 1.05);
        Assert.InRange(LeftEdge(FrameAt(output, 12), 90), BoxX - 1, BoxX + 1);
    }

    [Theory]
    [InlineData("fade")]
    [InlineData("slide-left")]
    [InlineData("slide-up")]
    [InlineData("pop")]
    public async Task An_exit_leaves_nothing_by_the_end_of_the_track(string exit)
    {
        // The track shows 1.5 s of a 2 s scene: frames 0 to 29, its exit from frame 20.
        var output = await RenderAsync(Video(Scene(2000, Red(null, exit, duration: 1500))));

        Assert.InRange(Lit(FrameAt(output, 15)), BoxW * BoxH * 0.95, BoxW * BoxH * 1.05);
        // On its way out: fading, moved past its place, or scaled.
        var late = FrameAt(output, 27);
        switch (exit)
        {
            case "fade":
                Assert.InRange(PixelAt(FrameAt(output, 25), 160, 90).R, 40, 200);
                break;
            case "slide-left":
                Assert.InRange(LeftEdge(late, 90), 0, BoxX - 20);
                break;
            case "slide-up":
                Assert.InRange(TopEdge(late, 160), 0, BoxY - 20);
                break;
            case "pop":
                Assert.True(Math.Abs(Lit(FrameAt(output, 23)) - (BoxW * BoxH)) > BoxW * BoxH * 0.03, "a pop swells before it shrinks away");
                Assert.InRange(PixelAt(late, 160, 90).R, 40, 200);
                break;
        }
        Assert.True(Lit(FrameAt(output, 29)) < 200, $"{exit}: (nearly) gone on the track's last frame, {Lit(FrameAt(output, 29))} pixels");
        Assert.Equal(0, Lit(FrameAt(output, 31)));
    }

    [Fact]
    public async Task A_typewriter_shows_fewer_characters_early_than_at_the_end()
    {
        var text = Track.TextTrack("Typed one by one", new Position(10, 60), new Size(300, 60), new TextStyle { FontSize = 28, Color = "#FFFFFF" });
        text.Animation = new TrackAnimation { In = "typewriter", Out = "fade", DurationMs = 1000 };
        var output = await RenderAsync(Video(Scene(3000, text)));
        TestMedia.SaveFrame(output, 0.5, Path.Combine(Work, "typewriter-mid.png"));

        // 1 s at 20 fps: twenty frames, from nothing to the whole text.
        var lit = new[] { 0, 5, 10, 15, 20, 30 }.Select(f => Lit(FrameAt(output, f), 10, 60, 310, 120)).ToList();
        var all = string.Join(", ", lit);
        Assert.True(lit[0] == 0, $"nothing typed on the first frame: {all}");
        Assert.True(lit[1] > 0 && lit[1] < lit[2] && lit[2] < lit[3] && lit[3] < lit[4], $"more letters frame by frame: {all}");
        Assert.True(lit[1] < lit[4] / 2, $"a quarter of the way, well under half the text: {all}");
        Assert.InRange(lit[4], lit[5] * 0.98, lit[5] * 1.02);
        // Typed in place: the first letters are where the whole text has them.
        var early = FrameAt(output, 5);
        var whole = FrameAt(output, 30);
        var (first, inWhole) = (Lit(early, 10, 60, 35, 120), Lit(whole, 10, 60, 35, 120));
        Assert.True(first > 0 && Math.Abs(first - inWhole) <= inWhole * 0.1, $"the first letters as in the whole text: {first} and {inWhole} pixels");
        Assert.True(Lit(FrameAt(output, 59), 10, 60, 310, 120) < 20, "faded out by the end");
    }

    [Fact]
    public async Task A_clip_and_a_presenter_enter_and_leave_too()
    {
        var clip = Track.VideoTrack(Server.Serve("/anim/clip.mp4", TestMedia.Clip(Work, 2, "red", BoxW, BoxH, withAudio: false, fps: 25)), new Position(BoxX, BoxY), new Size(BoxW, BoxH));
        clip.Animation = new TrackAnimation { In = "fade", Out = "pop", DurationMs = 500 };
        var actor = Track.ActorTrack("karen", "Hello there, and welcome.", position: new Position(220, 0), size: new Size(100, 180));
        actor.Animation = new TrackAnimation { In = "slide-left", Out = "fade", DurationMs = 500 };
        var output = await RenderAsync(Video(new Scene { Duration = 2000, Tracks = [clip, actor] }));
        TestMedia.SaveFrame(output, 1.0, Path.Combine(Work, "clip-actor.png"));

        var red = new[] { 0, 5, 20 }.Select(f => PixelAt(FrameAt(output, f), 160, 90).R).ToList();
        Assert.True(red[0] < 40 && red[0] < red[1] && red[1] < red[2] && red[2] > 230, $"the clip fades in: {string.Join(", ", red)}");
        Assert.True(Lit(FrameAt(output, 39), 0, 0, 215, 180) < 200, "the clip has popped out by its last frame");
        // The presenter: nothing in its box on the first frame, then it slides in, and it has faded by the end.
        var presenter = new[] { 0, 3, 20, 39 }.Select(f => Lit(FrameAt(output, f), 220, 0, 320, 180)).ToList();
        var all = string.Join(", ", presenter);
        Assert.True(presenter[0] == 0 && presenter[1] > 0 && presenter[1] < presenter[2], $"the presenter slides into its box: {all}");
        Assert.True(presenter[3] < presenter[2] / 10, $"the presenter fades out: {all}");
    }

    [Fact]
    public async Task Both_ways_of_encoding_give_the_same_animated_picture()
    {
        Scene First(SceneTransition? transition)
        {
            var text = Track.TextTrack("Same", new Position(20, 20), new Size(200, 50), new TextStyle { FontSize = 30, Color = "#FFFF00", BackgroundColor = "#0000FF" });
            text.Animation = new TrackAnimation { In = "typewriter", Out = "slide-up", DurationMs = 400 };
            var scene = Scene(2000, Red("pop", "fade"), text);
            scene.Transition = transition;
            return scene;
        }
        // Scene by scene (segments), and with a transition after the first scene (the whole video in one run).
        var segments = await RenderAsync(Video(First(null), Scene(1000)));
        File.Move(segments, Path.Combine(Work, "segments.mp4"));
        segments = Path.Combine(Work, "segments.mp4");
        Assert.True(File.Exists(Path.Combine(Work, "work", "segments-graph.txt")), "the first render went scene by scene");
        Directory.Delete(Path.Combine(Work, "work"), recursive: true);
        var whole = await RenderAsync(Video(First(new SceneTransition { Type = "crossfade", DurationMs = 200 }), Scene(1000)));
        Assert.False(File.Exists(Path.Combine(Work, "work", "segments-graph.txt")), "the second render was one run");

        // Every frame of the first scene before the transition, the entrances and the exits included.
        foreach (var frame in Enumerable.Range(0, 36))
        {
            var (a, b) = (FrameAt(segments, frame), FrameAt(whole, frame));
            var difference = a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
            Assert.True(difference < 2, $"frame {frame} differs by {difference:0.##} on average");
        }
    }
}
