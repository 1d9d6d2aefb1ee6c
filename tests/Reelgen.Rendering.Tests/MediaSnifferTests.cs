using SkiaSharp;

namespace Reelgen.Rendering.Tests;

public sealed class MediaSnifferTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "jpeg")]
    [InlineData(SKEncodedImageFormat.Webp, "webp")]
    public void Images_are_recognised_by_their_first_bytes(SKEncodedImageFormat format, string expected) =>
        Assert.Equal(expected, MediaSniffer.Recognise(TestMedia.Png(8, 8, SKColors.Red, format: format), MediaKind.Image));

    [Fact]
    public void Gif_is_an_image_and_may_be_a_video() =>
        Assert.Equal("gif", MediaSniffer.Recognise("GIF89a\u0001\0"u8, MediaKind.Video));

    [Theory]
    [InlineData("hello, I am text")]
    [InlineData("#EXTM3U\n#EXT-X-VERSION:3\nhttp://169.254.169.254/")]
    [InlineData("ffconcat version 1.0\nfile /etc/passwd")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")]
    public void Text_formats_are_never_media(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        Assert.Null(MediaSniffer.Recognise(bytes, MediaKind.Image));
        Assert.Null(MediaSniffer.Recognise(bytes, MediaKind.Video));
        Assert.Null(MediaSniffer.Recognise(bytes, MediaKind.Audio));
    }

    [Fact]
    public void Containers_are_recognised()
    {
        Assert.Equal("mp4", MediaSniffer.Recognise("\0\0\0 ftypisom\0\0\u0002\0"u8, MediaKind.Video));
        Assert.Equal("matroska", MediaSniffer.Recognise([0x1A, 0x45, 0xDF, 0xA3, 0x01], MediaKind.Video));
        Assert.Equal("wav", MediaSniffer.Recognise("RIFF$\0\0\0WAVEfmt "u8, MediaKind.Audio));
        Assert.Equal("mp3", MediaSniffer.Recognise("ID3\u0003\0"u8, MediaKind.Audio));
        Assert.Equal("mp4", MediaSniffer.Recognise("\0\0\0 ftypM4A \0\0\u0002\0"u8, MediaKind.Audio));
        Assert.Null(MediaSniffer.Recognise("RIFF$\0\0\0WAVEfmt "u8, MediaKind.Image));
        Assert.Null(MediaSniffer.Recognise(TestMedia.Png(8, 8, SKColors.Red), MediaKind.Audio));
    }
}
