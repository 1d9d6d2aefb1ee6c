using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>Every way an asset can be bad fails the render with a reason that names the scene, track and field.</summary>
public sealed class AssetErrorTests(AssetServer server) : RenderTest(server)
{
    /// <summary>Renders a good scene and then a scene whose second track is <paramref name="track"/>; returns the failure.</summary>
    private async Task<string> FailAsync(Track track, RenderOptions? options = null)
    {
        var ok = Server.Serve("/e/ok.png", TestMedia.Png(8, 8, SKColors.Red));
        var creative = Creative(320, 240, Scene(500, Track.ImageTrack(ok)), Scene(500, Track.TextTrack("x"), track));
        var ex = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(creative, options: options));
        Assert.StartsWith("scene 2, track 2:", ex.Message, StringComparison.Ordinal);
        return ex.Message;
    }

    [Fact]
    public async Task Missing_asset_names_the_status() =>
        Assert.Contains("imageUrl answered 404 Not Found", await FailAsync(Track.ImageTrack(Server.Url("/e/nothing.png"))));

    [Fact]
    public async Task Bytes_that_are_not_the_claimed_media_are_refused()
    {
        var text = Server.Serve("/e/fake.png", "<html>not a picture</html>"u8.ToArray(), "image/png");
        Assert.Contains("is not an image", await FailAsync(Track.ImageTrack(text)));
        var picture = Server.Serve("/e/picture.mp4", TestMedia.Png(8, 8, SKColors.Red));
        Assert.Contains("is not a video", await FailAsync(Track.VideoTrack(picture)));
        Assert.Contains("is not audio", await FailAsync(Track.AudioTrack(picture)));
    }

    [Fact]
    public async Task Truncated_media_that_ffprobe_cannot_read_is_refused()
    {
        var broken = Server.Serve("/e/broken.mp4", [0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 0, 0]);
        Assert.Contains("is not readable", await FailAsync(Track.VideoTrack(broken)));
    }

    [Fact]
    public async Task Private_addresses_are_refused_unless_allowed()
    {
        var url = Server.Serve("/e/private.png", TestMedia.Png(8, 8, SKColors.Red));
        var ex = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(Creative(320, 240, Scene(500, Track.ImageTrack(url))), options: new RenderOptions()));
        Assert.StartsWith("scene 1, track 1: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1 is a private, loopback or otherwise non-public address, which is refused", ex.Message);
    }

    [Fact]
    public async Task Redirects_are_followed_and_checked_each_time()
    {
        var target = Server.Serve("/e/target.png", TestMedia.Png(8, 8, SKColors.Red));
        var hop = Server.Redirect("/e/hop", target);
        var output = await RenderAsync(Creative(320, 240, Scene(200, Track.ImageTrack(Server.Redirect("/e/start", hop, 301)))));
        Assert.True(File.Exists(output));

        Server.Redirect("/e/loop", Server.Url("/e/loop"));
        Assert.Contains("redirected more than 5 times", await FailAsync(Track.ImageTrack(Server.Url("/e/loop"))));
        var toFile = Server.Redirect("/e/file", "file:///etc/passwd");
        Assert.Contains("is not an http or https URL", await FailAsync(Track.ImageTrack(toFile)));
        var toMissing = Server.Redirect("/e/gone", Server.Url("/e/missing.png"));
        Assert.Contains("answered 404", await FailAsync(Track.ImageTrack(toMissing)));
    }

    [Fact]
    public async Task Assets_over_the_size_cap_are_refused()
    {
        var big = Server.Serve("/e/big.png", new byte[2 * 1024 * 1024]);
        var ex = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(
            Creative(320, 240, Scene(500, Track.ImageTrack(big))), options: new RenderOptions { AllowPrivateAddresses = true, MaxAssetBytes = 1024 * 1024 }));
        Assert.Equal($"scene 1, track 1: imageUrl {big} is 2 MB, more than the 1 MB allowed", ex.Message);
    }

    [Fact]
    public async Task Unknown_voices_and_actors_are_refused()
    {
        var ex = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(Creative(320, 240, Scene(null, Track.ActorTrack("nobody", "hi", "xx-Nobody")))));
        Assert.Contains("'nobody' is not a known actor", ex.Message);
        Assert.Contains("'xx-Nobody' is not a known voice", ex.Message);
    }
}
