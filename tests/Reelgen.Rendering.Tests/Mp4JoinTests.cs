using System.Globalization;
using System.Security.Cryptography;

namespace Reelgen.Rendering.Tests;

/// <summary>
/// The in-process join of scene segments and the sound, on files encoded as the renderer encodes them (libx264
/// veryfast, which reorders frames, and segments too short for that): every frame shows once, in order, on time,
/// the sound is untouched, the file plays without an error and is the same bytes every time.
/// </summary>
public sealed class Mp4JoinTests : IDisposable
{
    private readonly string _work = TestMedia.NewDirectory();

    /// <summary>A segment as the renderer writes one: picture only, its own encoder, bit-exact; each its own colour bar.</summary>
    private string Segment(string name, int frames, string colour, int width = 320, int height = 240)
    {
        var path = Path.Combine(_work, name + ".mp4");
        TestMedia.Ffmpeg([
            "-f", "lavfi", "-i", $"testsrc2=s={width}x{height}:r=30,drawbox=x=0:y=0:w={width}:h=40:color={colour}:t=fill",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-r", "30",
            "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-f", "mp4", .. FfmpegGraph.BitExact, path]);
        return path;
    }

    /// <summary>The whole video's sound as the renderer encodes it: AAC in an MP4 of its own, exactly as long as the picture.</summary>
    private string Sound(double seconds)
    {
        var path = Path.Combine(_work, "sound.mp4");
        TestMedia.Ffmpeg([
            "-f", "lavfi", "-i", "sine=f=440:r=48000", "-c:a", "aac", "-aac_coder", "fast", "-b:a", "160k", "-ar", "48000", "-ac", "2",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-f", "mp4", .. FfmpegGraph.BitExact, path]);
        return path;
    }

    private static List<string> FrameHashes(string video) =>
        TestMedia.Run("ffmpeg", ["-v", "error", "-i", video, "-map", "0:v", "-fps_mode", "passthrough", "-f", "framemd5", "-"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l.Split(',')[^1].Trim()).ToList();

    private static List<long> FrameTimes(string video) =>
        TestMedia.Run("ffmpeg", ["-v", "error", "-i", video, "-map", "0:v", "-fps_mode", "passthrough", "-f", "framemd5", "-"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => long.Parse(l.Split(',')[1].Trim(), CultureInfo.InvariantCulture)).ToList();

    private static string DecodedSound(string media) =>
        TestMedia.Run("ffmpeg", ["-v", "error", "-i", media, "-map", "0:a", "-f", "md5", "-"]).Trim();

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Every_frame_of_every_segment_shows_once_in_order_beside_the_whole_sound()
    {
        // 12 frames reorder (their first frame shows two frames after it is decoded); 1 and 2 frames do not.
        string[] segments = [Segment("a", 12, "red"), Segment("b", 1, "blue"), Segment("c", 2, "green"), Segment("d", 45, "yellow")];
        var sound = Sound(2);
        var output = Path.Combine(_work, "video.mp4");

        Assert.Null(Mp4Join.TryJoin(segments, sound, output));

        Assert.Equal(segments.SelectMany(FrameHashes).ToList(), FrameHashes(output));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i).ToList(), FrameTimes(output));
        Assert.Equal(DecodedSound(sound), DecodedSound(output));
        // Decoding the whole file reports nothing: no broken references, no timestamps out of order.
        Assert.Equal("", TestMedia.Run("ffmpeg", ["-v", "error", "-i", output, "-f", "null", "-"], stderr: true).Trim());
        Assert.Equal("2.000000", TestMedia.Probe(output, "stream=duration", "v:0"));
        Assert.Equal("h264,aac", string.Join(",", TestMedia.Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", output]).Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        // Faststart: the moov right after the ftyp, before the samples.
        var head = File.ReadAllBytes(output).AsSpan(0, 64).ToArray();
        var ftypSize = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
        Assert.Equal("moov", System.Text.Encoding.ASCII.GetString(head, ftypSize + 4, 4));
    }

    [Fact]
    public void The_same_inputs_give_the_same_bytes()
    {
        string[] segments = [Segment("a", 20, "red"), Segment("b", 25, "blue")];
        var sound = Sound(1.5);
        var first = Path.Combine(_work, "first.mp4");
        var second = Path.Combine(_work, "second.mp4");

        Assert.Null(Mp4Join.TryJoin(segments, sound, first));
        Assert.Null(Mp4Join.TryJoin(segments, sound, second));

        Assert.Equal(Hash(first), Hash(second));
    }

    [Fact]
    public void It_shows_and_sounds_as_ffmpeg_s_own_join_of_the_same_files()
    {
        string[] segments = [Segment("a", 30, "red"), Segment("b", 15, "blue"), Segment("c", 30, "green")];
        var sound = Sound(2.5);
        var output = Path.Combine(_work, "video.mp4");
        var list = Path.Combine(_work, "segments.ffconcat");
        File.WriteAllText(list, "ffconcat version 1.0\n" + string.Concat(segments.Select(s => $"file {Path.GetFileName(s)}\n")));
        var byFfmpeg = Path.Combine(_work, "ffmpeg.mp4");
        TestMedia.Ffmpeg(["-f", "concat", "-safe", "1", "-i", list, "-i", sound, "-map", "0:v", "-map", "1:a", "-c", "copy", "-t", "2.5", "-movflags", "+faststart", .. FfmpegGraph.BitExact, byFfmpeg]);

        Assert.Null(Mp4Join.TryJoin(segments, sound, output));

        Assert.Equal(FrameHashes(byFfmpeg), FrameHashes(output));
        Assert.Equal(DecodedSound(byFfmpeg), DecodedSound(output));
        Assert.Equal(TestMedia.Probe(byFfmpeg, "format=duration", null), TestMedia.Probe(output, "format=duration", null));
    }

    [Fact]
    public void Segments_encoded_unlike_each_other_are_left_to_ffmpeg()
    {
        string[] segments = [Segment("a", 10, "red"), Segment("b", 10, "blue", width: 160, height: 120)];
        var output = Path.Combine(_work, "video.mp4");

        var reason = Mp4Join.TryJoin(segments, Sound(0.7), output);

        Assert.Equal("b.mp4: encoded unlike the first segment", reason);
        Assert.False(File.Exists(output));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
