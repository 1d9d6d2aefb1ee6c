namespace Reelgen.Rendering.Tests;

/// <summary>What ffprobe found in a fetched asset is kept by its content hash: a template's next job probes nothing.</summary>
public sealed class MediaProbeTests : IDisposable
{
    private readonly string _dir = TestMedia.NewDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_same_bytes_are_probed_once_and_other_bytes_are_probed_again()
    {
        var probe = new MediaProbe("ffprobe", TimeSpan.FromSeconds(30));
        var clip = Path.Combine(_dir, "asset-1.mp4");
        File.WriteAllBytes(clip, TestMedia.Clip(_dir, 1.5, "red"));
        var first = await probe.ProbeAsync(clip, "aa11", CancellationToken.None);
        Assert.InRange(first.DurationMs, 1400, 1600);
        Assert.True(first.HasVideo && first.HasAudio);

        // The file is now unreadable: an answer for the same hash cannot have come from ffprobe.
        File.WriteAllBytes(clip, new byte[64]);
        Assert.Equal(first, await probe.ProbeAsync(clip, "aa11", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => probe.ProbeAsync(clip, "bb22", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => probe.ProbeAsync(clip, "", CancellationToken.None));

        // The same hash read as another format is probed again.
        var wav = Path.Combine(_dir, "asset-2.wav");
        File.WriteAllBytes(wav, new byte[64]);
        await Assert.ThrowsAsync<InvalidDataException>(() => probe.ProbeAsync(wav, "aa11", CancellationToken.None));
    }
}
