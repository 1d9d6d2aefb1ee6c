using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>Images and clips fill their boxes as <c>fit</c> says; Ken Burns moves over a picture smoothly.</summary>
public sealed class FitAndKenBurnsRenderTests(AssetServer server) : RenderTest(server)
{
    [Fact]
    public async Task Each_fit_mode_places_images_and_clips_as_it_says()
    {
        // A wide red picture with a green middle, in square boxes on a blue scene: one box per fit mode.
        var picture = Server.Serve("/fit/p.png", TestMedia.Png(200, 100, SKColors.Red, SKColors.Lime));
        var clip = Server.Serve("/fit/c.mp4", TestMedia.Clip(Work, 1, "red", 200, 100, withAudio: false, box: "lime"));
        string[] fits = ["contain", "cover", "stretch", "contain-blur"];
        var tracks = new List<Track>();
        for (var i = 0; i < fits.Length; i++)
        {
            var image = Track.ImageTrack(picture, new Position(i * 100, 0), new Size(100, 100));
            image.Fit = fits[i] == "contain" ? null : fits[i];
            var video = Track.VideoTrack(clip, new Position(i * 100, 100), new Size(100, 100));
            video.Fit = fits[i];
            tracks.AddRange([image, video]);
        }
        var scene = Scene(1000, [.. tracks]);
        scene.BackgroundColor = "#0000FF";
        var output = await RenderAsync(Creative(400, 200, scene));
        TestMedia.SaveFrame(output, 0.5, Path.Combine(Work, "fit.png"));

        foreach (var row in new[] { 0, 100 })
        {
            (int, int, int) At(int x, int y) => TestMedia.Pixel(output, 0.5, x, row + y);
            // contain: 100x50 in the middle, blue above and below.
            TestMedia.AssertColour(At(50, 8), (0, 0, 255), because: $"contain letterboxes (row {row})");
            TestMedia.AssertColour(At(50, 50), (0, 255, 0));
            // cover: the middle 100x100 of the picture fills the box: green from edge to edge at mid-height.
            TestMedia.AssertColour(At(104, 50), (0, 255, 0), because: $"cover crops to the green middle (row {row})");
            TestMedia.AssertColour(At(150, 8), (255, 0, 0));
            // stretch: the whole picture squeezed: red at the left edge, green in the middle.
            TestMedia.AssertColour(At(204, 50), (255, 0, 0), because: $"stretch keeps the red sides (row {row})");
            TestMedia.AssertColour(At(250, 50), (0, 255, 0));
            // contain-blur: a blurred copy fills the bands; neither the scene's blue nor black.
            var band = At(350, 8);
            Assert.True(band.Item1 > 80 && band.Item3 < 80, $"contain-blur fills the band with the blurred picture (row {row}), was {band}");
            TestMedia.AssertColour(At(350, 50), (0, 255, 0));
        }
    }

    /// <summary>Width in pixels (sub-pixel, from brightness) of the white square on the middle row of a frame.</summary>
    private static double SquareWidth(byte[] frame, int width, int row)
    {
        var sum = 0.0;
        for (var x = 0; x < width; x++)
            sum += frame[(((row * width) + x) * 3) + 1] / 255.0;
        return sum;
    }

    private static double SquareCentre(byte[] frame, int width, int row)
    {
        double sum = 0, weighted = 0;
        for (var x = 0; x < width; x++)
        {
            var v = frame[(((row * width) + x) * 3) + 1] / 255.0;
            sum += v;
            weighted += v * x;
        }
        return weighted / sum;
    }

    [Fact]
    public async Task Ken_Burns_zooms_and_pans_smoothly_from_start_to_end()
    {
        var picture = Server.Serve("/kb/p.png", TestMedia.Png(320, 180, SKColors.Black, SKColors.White));
        var zoom = Track.ImageTrack(picture);
        zoom.Effect = "zoomIn";
        var pan = Track.ImageTrack(picture);
        pan.Effect = "panLeft";
        var output = await RenderAsync(Creative(320, 180, Scene(2000, zoom), Scene(2000, pan)));
        TestMedia.SaveFrame(output, 0.02, Path.Combine(Work, "kb-start.png"));
        TestMedia.SaveFrame(output, 1.98, Path.Combine(Work, "kb-end.png"));

        var widths = Enumerable.Range(0, 10).Select(k => SquareWidth(TestMedia.Frame(output, 0.02 + (k * 0.2)), 320, 90)).ToList();
        Assert.InRange(widths[0], 156, 164);
        Assert.InRange(widths[^1], 175, 186);
        AssertSteady(widths, "zoom width");

        var centres = Enumerable.Range(0, 10).Select(k => SquareCentre(TestMedia.Frame(output, 2.02 + (k * 0.2)), 320, 90)).ToList();
        Assert.True(centres[0] - centres[^1] > 15, $"the picture drifts left: {string.Join(", ", centres.Select(c => c.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
        AssertSteady(centres.Select(c => -c).ToList(), "pan position");
    }

    /// <summary>Moves one way at an even pace: every step between samples is close to the average step (no jumps, no stalls).</summary>
    private static void AssertSteady(List<double> values, string what)
    {
        var steps = values.Zip(values.Skip(1), (a, b) => b - a).ToList();
        var mean = steps.Average();
        Assert.True(mean > 0, $"{what} changes: {string.Join(", ", values)}");
        Assert.All(steps, s => Assert.True(s > mean * 0.6 && s < mean * 1.4, $"{what} steps evenly: {string.Join(", ", steps.Select(x => x.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }
}
