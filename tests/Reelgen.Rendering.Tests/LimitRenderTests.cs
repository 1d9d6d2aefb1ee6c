using System.Buffers.Binary;
using System.IO.Compression;
using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>
/// What only the media shows is checked before it is used: a picture's size from its header, a clip's frame size,
/// frame rate and length from ffprobe, how long a script takes to say, and the length of the whole video.
/// </summary>
public sealed class LimitRenderTests(AssetServer server) : RenderTest(server)
{
    private static RenderOptions With(JobLimits limits) => new() { AllowPrivateAddresses = true, Preset = "ultrafast", Limits = limits };

    private async Task<string> FailAsync(VideoCreative creative, JobLimits limits)
    {
        var ex = await Assert.ThrowsAsync<RenderException>(() => RenderAsync(creative, options: With(limits)));
        Assert.False(File.Exists(Path.Combine(Work, "out.mp4")), "a refused render left a video behind");
        return ex.Message;
    }

    [Fact]
    public async Task A_picture_over_the_pixel_limit_is_refused_from_its_header_before_it_is_decoded()
    {
        // 20000x20000 is 400 megapixels (1.6 GB once decoded); the file is a few dozen bytes, so only the header can tell.
        var url = Server.Serve("/l/huge.png", PngHeader(20000, 20000));

        var message = await FailAsync(Creative(320, 240, Scene(500, Track.ImageTrack(url))), new JobLimits());

        Assert.Equal($"scene 1, track 1: imageUrl {url} is 20000x20000, more than the 50 megapixels allowed for a picture", message);
    }

    [Fact]
    public async Task A_clip_over_the_frame_size_frame_rate_or_length_limit_is_refused_after_probing()
    {
        var clip = Server.Serve("/l/clip.mp4", TestMedia.Clip(Work, 2, "red", width: 160, height: 120, fps: 50));
        var creative = Creative(320, 240, Scene(500, Track.TextTrack("x"), Track.VideoTrack(clip)));

        Assert.EndsWith("is 160x120, more than the 0.02 megapixels allowed for a video frame",
            await FailAsync(creative, new JobLimits { MaxVideoInputPixels = 160 * 120 - 1 }));
        Assert.EndsWith("runs at 50 frames a second, more than the 30 allowed", await FailAsync(creative, new JobLimits { MaxVideoInputFps = 30 }));
        Assert.EndsWith("lasts 2 s, more than the 1 s allowed for a clip or sound", await FailAsync(creative, new JobLimits { MaxMediaInputSeconds = 1 }));
        Assert.StartsWith("scene 1, track 2: videoUrl", await FailAsync(creative, new JobLimits { MaxMediaInputSeconds = 1 }));

        var tone = Server.Serve("/l/tone.wav", TestMedia.Tone(Work, 2));
        Assert.Equal($"scene 1, track 1: audioUrl {tone} lasts 2 s, more than the 1 s allowed for a clip or sound",
            await FailAsync(Creative(320, 240, Scene(500, Track.AudioTrack(tone))), new JobLimits { MaxMediaInputSeconds = 1 }));

        // Within every limit the same clip renders.
        Assert.True(File.Exists(await RenderAsync(creative, options: With(new JobLimits()))));
    }

    [Fact]
    public async Task Speech_longer_than_a_video_may_last_fails_the_render()
    {
        var creative = Creative(320, 240, Scene(null, Track.ActorTrack("ryan", "This sentence takes a good deal longer than one second to say aloud.")));

        var message = await FailAsync(creative, new JobLimits { MaxVideoSeconds = 1 });

        Assert.Matches(@"^scene 1, track 1: the script takes \d+(\.\d)? s to say, more than the 1 s a whole video may last$", message);
    }

    [Fact]
    public async Task A_video_whose_media_make_it_longer_than_allowed_fails_before_encoding()
    {
        var clip = Server.Serve("/l/three.mp4", TestMedia.Clip(Work, 3, "blue"));
        var creative = Creative(320, 240, Scene(null, Track.VideoTrack(clip)));

        var message = await FailAsync(creative, new JobLimits { MaxVideoSeconds = 2 });

        Assert.Equal("the video would last 3 s, more than the 2 s allowed", message);
        Assert.DoesNotContain(Reports, r => r.Stage == RenderStage.Generating);
    }

    /// <summary>A PNG whose header says <paramref name="width"/>x<paramref name="height"/>, followed by a few bytes of pixels.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        using (var pixels = new MemoryStream())
        {
            using (var z = new ZLibStream(pixels, CompressionLevel.Fastest, leaveOpen: true))
                z.Write(new byte[64]);
            Chunk(png, "IDAT", pixels.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        png.Write(head);
        png.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. head.AsSpan(4), .. data]));
        png.Write(crc);
    }

    /// <summary>The CRC-32 PNG chunks carry (polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
