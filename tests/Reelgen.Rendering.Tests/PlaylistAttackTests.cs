using System.Text;
using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>
/// A download whose first bytes pass for media (an ID3 header, a RIFF/WAVE header, an ftyp box) but which carries a
/// playlist or concat list naming a file elsewhere on the machine: that file (the canary, a 1234 Hz tone in a magenta
/// picture) must never reach a video.
/// </summary>
public sealed class PlaylistAttackTests(AssetServer server) : RenderTest(server), IDisposable
{
    // Outside the render's folder, as any file on the machine would be.
    private readonly string _canaries = TestMedia.NewDirectory();

    private static readonly byte[] Id3 = [.. "ID3"u8, 3, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] RiffWave = [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVE"u8];
    private static readonly byte[] Ftyp = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8];

    private string Canary(string extension)
    {
        var path = Path.Combine(_canaries, "canary." + extension);
        if (!File.Exists(path))
            File.WriteAllBytes(path, extension == "mp3" ? TestMedia.Tone(_canaries, 2, 1234, "mp3") : TestMedia.Clip(_canaries, 2, "magenta", 64, 48, tone: 1234));
        return path;
    }

    private static byte[] Hls(byte[] prefix, string target) =>
        [.. prefix, .. Encoding.ASCII.GetBytes($"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{target}\n#EXT-X-ENDLIST\n")];

    private static byte[] Concat(byte[] prefix, string target) =>
        [.. prefix, .. Encoding.ASCII.GetBytes($"ffconcat version 1.0\nfile '{target}'\n")];

    [Fact]
    public void The_attack_file_is_live_when_ffmpeg_guesses_the_format()
    {
        // Without a named demuxer, ffmpeg skips the ID3 header, reads the playlist and plays the canary's tone.
        var file = Path.Combine(Work, "evil.mp3");
        File.WriteAllBytes(file, Hls(Id3, Canary("mp4")));
        Assert.True(TestMedia.MeanVolume(file) > -40, "the canary should be audible when the format is guessed");
    }

    [Theory]
    [InlineData("id3-hls", "audio")]
    [InlineData("id3-concat", "audio")]
    [InlineData("wav-hls", "audio")]
    [InlineData("mp4-hls", "audio")]
    [InlineData("mp4-hls", "video")]
    [InlineData("mp4-concat", "video")]
    public async Task A_media_file_carrying_a_playlist_fails_the_render_naming_the_field(string attack, string field)
    {
        var canary = Canary(attack.StartsWith("id3", StringComparison.Ordinal) ? "mp3" : "mp4");
        byte[] prefix = attack.Split('-')[0] switch { "id3" => Id3, "wav" => RiffWave, _ => Ftyp };
        var body = attack.EndsWith("hls", StringComparison.Ordinal) ? Hls(prefix, canary) : Concat(prefix, canary);
        var url = Server.Serve($"/attack/{attack}-{field}", body);
        var track = field == "audio" ? Track.AudioTrack(url) : Track.VideoTrack(url);

        var ex = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(Creative(160, 120, Scene(1000, track))));

        Assert.StartsWith($"scene 1, track 1: {field}Url {url} contains ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("which is refused: a media file may not name other files", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Work, "out.mp4")));
    }

    [Theory]
    [InlineData("mp3")]
    [InlineData("wav")]
    [InlineData("mp4")]
    public async Task Ffprobe_with_the_sniffed_demuxer_never_opens_the_named_file(string format)
    {
        // Defence in depth, without the download's scan: the file is opened as what it claims to be, so the playlist
        // is garbage to that demuxer and the canary is never read.
        byte[] prefix = format switch { "mp3" => Id3, "wav" => RiffWave, _ => Ftyp };
        var file = Path.Combine(Work, "asset-1." + format);
        File.WriteAllBytes(file, Hls(prefix, Canary("mp4")));
        try
        {
            var info = await new MediaProbe("ffprobe", TimeSpan.FromSeconds(30)).ProbeAsync(file, CancellationToken.None);
            Assert.False(info.HasVideo, "the canary's picture was read");
            Assert.True(info.DurationMs < 500, $"the canary's {info.DurationMs} ms were read");
        }
        catch (InvalidDataException)
        {
            // Refused as unreadable: the expected outcome.
        }
    }

    [Fact]
    public void Playlist_text_split_across_chunks_is_found()
    {
        var bytes = Hls(Id3, "/x");
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var scan = new PlaylistScan();
            foreach (var chunk in bytes.Chunk(cut))
                scan.Feed(chunk);
            Assert.Equal("an HLS playlist (#EXTM3U)", scan.Found);
        }
        var clean = new PlaylistScan();
        clean.Feed(TestMedia.Tone(Work, 0.5, extension: "mp3"));
        Assert.Null(clean.Found);
    }

    void IDisposable.Dispose()
    {
        Dispose();
        Directory.Delete(_canaries, recursive: true);
    }
}
