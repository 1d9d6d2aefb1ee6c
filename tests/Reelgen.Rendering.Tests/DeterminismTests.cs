using System.Security.Cryptography;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>The same job rendered twice gives the same bytes: no timestamps, version strings or random ids inside.</summary>
public sealed class DeterminismTests(AssetServer server) : RenderTest(server)
{
    [Fact]
    public async Task The_same_creative_rendered_twice_gives_byte_identical_files()
    {
        var picture = Server.Serve("/d/picture.png", TestMedia.Png(64, 48, SKColors.Orange, SKColors.Purple));
        var tone = Server.Serve("/d/tone.wav", TestMedia.Tone(Work, 1));
        var creative = Creative(320, 240,
            Scene(null,
                Track.ImageTrack(picture, new Position(10, 10), new Size(120, 90)),
                Track.TextTrack("Same every time", new Position(10, 150), new Size(300, 60)),
                Track.ActorTrack("ryan", "Hello there.", position: new Position(200, 60), size: new Size(100, 150))),
            Scene(800, Track.AudioTrack(tone, volume: 0.5)));

        var first = await RenderAsync(creative);
        var firstHash = Sha256(first);
        File.Delete(first);
        Directory.Delete(Path.Combine(Work, "work"), recursive: true);
        var second = await RenderAsync(creative);

        Assert.Equal(firstHash, Sha256(second));
        // The file carries no encoder version string that would change with the ffmpeg build.
        Assert.True(File.ReadAllBytes(second).AsSpan().IndexOf("Lavf"u8) < 0, "no muxer version string in the file");
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
