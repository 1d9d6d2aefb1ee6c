using System.Globalization;
using System.Text;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>Writes WebVTT (the captions format browsers play in a <c>&lt;track&gt;</c>).</summary>
public static class WebVtt
{
    public static string Write(IEnumerable<CaptionCue> cues)
    {
        var vtt = new StringBuilder("WEBVTT\n");
        var number = 0;
        foreach (var cue in cues)
        {
            var text = Escape(cue.Text);
            if (text.Length == 0 || cue.EndMs <= cue.StartMs)
                continue;
            vtt.Append('\n').Append(++number).Append('\n')
                .Append(Timestamp(cue.StartMs)).Append(" --> ").Append(Timestamp(cue.EndMs)).Append('\n')
                .Append(text).Append('\n');
        }
        return vtt.ToString();
    }

    /// <summary><c>hh:mm:ss.mmm</c>, as WebVTT requires (hours always present, so any length works).</summary>
    public static string Timestamp(double ms)
    {
        var total = (long)Math.Round(Math.Max(0, ms), MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"{total / 3_600_000:00}:{total / 60_000 % 60:00}:{total / 1000 % 60:00}.{total % 1000:000}");
    }

    /// <summary>
    /// Cue text is a tiny markup language: &amp; and &lt; start entities and tags, and "--&gt;" or a blank line would end
    /// the cue, so escape the three characters and fold line breaks into single lines.
    /// </summary>
    private static string Escape(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join('\n', lines)
            .Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }
}
