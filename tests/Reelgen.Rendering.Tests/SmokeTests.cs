using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

public sealed class SmokeTests(AssetServer server) : RenderTest(server)
{
    [Fact]
    public async Task Renders_a_small_creative()
    {
        var image = Server.Serve("/blue.png", TestMedia.Png(80, 60, SKColors.Blue, SKColors.Yellow));
        var clip = Server.Serve("/clip.mp4", TestMedia.Clip(Work, 1.5, "green"));
        var creative = Creative(320, 240,
            Scene(1000, Track.ImageTrack(image, new Position(0, 0), new Size(160, 120)), Track.TextTrack("Hello 🌍 world", new Position(0, 140), new Size(320, 100), new TextStyle { FontSize = 30 })),
            Scene(null, Track.ActorTrack("ryan", "Hello there."), Track.VideoTrack(clip, new Position(160, 120), new Size(160, 120))));
        creative.Scenes![1].IntrinsicDurationTrackReference = "a";
        creative.Scenes[1].Tracks![0].ReferenceId = "a";
        var output = await RenderAsync(creative);
        TestMedia.SaveFrame(output, 0.5, Path.Combine(Work, "f1.png"));
        TestMedia.SaveFrame(output, 1.5, Path.Combine(Work, "f2.png"));
        Console.WriteLine(Work);
    }
}
