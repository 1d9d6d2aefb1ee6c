using System.Security.Cryptography;
using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Scripts spoken once are reused by later renders, with the same result, and the cache stays within its bound.</summary>
public sealed class SpeechCacheTests(AssetServer server) : RenderTest(server)
{
    private VideoCreative Speaking(string script) => Creative(160, 120,
        Scene(null, Track.ActorTrack("ryan", script, position: new Position(40, 10), size: new Size(80, 100))));

    private RenderOptions Cached(long bytes = 1024L * 1024 * 1024) =>
        new() { AllowPrivateAddresses = true, Preset = "ultrafast", CacheDirectory = Path.Combine(Work, "cache"), SpeechCacheBytes = bytes };

    private async Task<(string Hash, RenderStats Stats)> RenderToAsync(VideoCreative creative, RenderOptions options, string name)
    {
        var output = Path.Combine(Work, name + ".mp4");
        var result = await new VideoRenderer(options).RenderAsync(creative, new Dictionary<string, System.Text.Json.JsonElement>(), output, Path.Combine(Work, name), null, CancellationToken.None);
        await using var file = File.OpenRead(output);
        return (Convert.ToHexString(await SHA256.HashDataAsync(file)), result.Stats);
    }

    [Fact]
    public async Task A_script_spoken_before_is_reused_and_the_video_is_byte_identical()
    {
        var cold = await RenderToAsync(Speaking("Reused speech."), Cached(), "cold");
        var warm = await RenderToAsync(Speaking("Reused speech."), Cached(), "warm");
        var other = await RenderToAsync(Speaking("Other speech."), Cached(), "other");

        Assert.Equal(0, cold.Stats.SpeechReused);
        Assert.Equal(1, warm.Stats.SpeechReused);
        Assert.Equal(0, other.Stats.SpeechReused);
        Assert.Equal(1, cold.Stats.ScenesRendered);
        Assert.True(warm.Stats.Seconds > 0);
        Assert.Equal(cold.Hash, warm.Hash);
        Assert.NotEqual(cold.Hash, other.Hash);
    }

    [Fact]
    public async Task Two_renders_sharing_the_cache_at_once_both_get_whole_speech()
    {
        var creative = Speaking("Two workers speak at once.");
        var expected = await RenderToAsync(creative, new RenderOptions { AllowPrivateAddresses = true, Preset = "ultrafast" }, "uncached");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => RenderToAsync(creative, Cached(), $"worker{i}")));

        Assert.All(results, r => Assert.Equal(expected.Hash, r.Hash));
        Assert.Empty(Directory.GetFiles(Path.Combine(Work, "cache", "speech"), "*.tmp"));
    }

    [Fact]
    public async Task The_least_recently_used_speech_is_evicted_beyond_the_bound()
    {
        var first = await RenderToAsync(Speaking("First script."), Cached(), "first");
        var speech = Path.Combine(Work, "cache", "speech");
        var oneEntry = Directory.GetFiles(speech).Sum(f => new FileInfo(f).Length);
        // Room for about one and a half entries: storing the second evicts the first.
        await RenderToAsync(Speaking("Second script, a little longer."), Cached(oneEntry * 3 / 2), "second");
        var again = await RenderToAsync(Speaking("First script."), Cached(oneEntry * 3 / 2), "again");

        Assert.Equal(0, again.Stats.SpeechReused);
        Assert.Equal(first.Hash, again.Hash);
        Assert.True(Directory.GetFiles(speech).Sum(f => new FileInfo(f).Length) <= oneEntry * 3 / 2 + oneEntry);
    }
}
