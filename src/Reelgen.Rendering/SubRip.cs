using System.Text;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>Writes SubRip (<c>.srt</c>), the captions format most editors and players import.</summary>
public static class SubRip
{
    public static string Write(IEnumerable<CaptionCue> cues)
    {
        var srt = new StringBuilder();
        var number = 0;
        foreach (var cue in cues)
        {
            // A blank line ends a cue, so the text keeps its line breaks but never an empty line.
            var lines = cue.Text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length == 0 || cue.EndMs <= cue.StartMs)
                continue;
            if (number > 0)
                srt.Append('\n');
            srt.Append(++number).Append('\n')
                .Append(Timestamp(cue.StartMs)).Append(" --> ").Append(Timestamp(cue.EndMs)).Append('\n')
                .Append(string.Join('\n', lines)).Append('\n');
        }
        return srt.ToString();
    }

    /// <summary><c>hh:mm:ss,mmm</c> (a comma before the milliseconds, unlike WebVTT).</summary>
    public static string Timestamp(double ms) => WebVtt.Timestamp(ms).Replace('.', ',');
}
