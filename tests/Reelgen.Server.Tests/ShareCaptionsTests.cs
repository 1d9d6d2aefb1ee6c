using Reelgen.Creative;
using Reelgen.Rendering;

namespace Reelgen.Server.Tests;

public sealed class ShareCaptionsTests
{
    [Fact]
    public void WebVtt_writes_a_header_and_numbered_cues_with_hour_timestamps()
    {
        var vtt = WebVtt.Write([new CaptionCue(0, 1000, "Hello."), new CaptionCue(3_725_004.4, 3_726_500, "An hour in.")]);

        Assert.Equal("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nHello.\n\n2\n01:02:05.004 --> 01:02:06.500\nAn hour in.\n", vtt);
    }

    [Fact]
    public void WebVtt_escapes_markup_and_keeps_a_script_from_ending_its_cue()
    {
        var vtt = WebVtt.Write([new CaptionCue(0, 500, "a < b && c > d --> <b>bold</b>\n\n\nnext line")]);

        Assert.Contains("a &lt; b &amp;&amp; c &gt; d --&gt; &lt;b&gt;bold&lt;/b&gt;\nnext line\n", vtt);
        Assert.Single(vtt.Split('\n'), line => line.Contains("-->", StringComparison.Ordinal));
    }

    [Fact]
    public void WebVtt_skips_empty_and_backwards_cues()
    {
        var vtt = WebVtt.Write([new CaptionCue(0, 500, "  "), new CaptionCue(900, 800, "backwards"), new CaptionCue(1000, 1500, "kept")]);

        Assert.Equal("WEBVTT\n\n1\n00:00:01.000 --> 00:00:01.500\nkept\n", vtt);
    }

    [Theory]
    [InlineData(0, "00:00:00.000")]
    [InlineData(59_999.6, "00:01:00.000")]
    [InlineData(-5, "00:00:00.000")]
    [InlineData(36_000_000, "10:00:00.000")]
    public void WebVtt_timestamps_are_hh_mm_ss_mmm(double ms, string expected) => Assert.Equal(expected, WebVtt.Timestamp(ms));

    [Fact]
    public void SubRip_numbers_cues_with_comma_timestamps_and_keeps_two_lines()
    {
        var srt = SubRip.Write([new CaptionCue(0, 1500, "First line\nsecond line"), new CaptionCue(900, 800, "backwards"), new CaptionCue(3_725_004.4, 3_726_500, "An hour in.")]);

        Assert.Equal("1\n00:00:00,000 --> 00:00:01,500\nFirst line\nsecond line\n\n2\n01:02:05,004 --> 01:02:06,500\nAn hour in.\n", srt);
    }
}
