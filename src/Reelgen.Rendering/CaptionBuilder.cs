using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>
/// Captions from speech: the script's own words (after variables, punctuation kept) grouped into cues of at most
/// <see cref="MaxLines"/> lines of about <see cref="LineLength"/> characters, cut at word boundaries, each cue shown
/// from its first word's start to its last word's end as the engine timed them.
/// </summary>
public static class CaptionBuilder
{
    public const int LineLength = 42;
    public const int MaxLines = 2;

    /// <summary>A cue closes after a sentence once it holds this many characters...</summary>
    private const int SentenceBreakAfter = 20;

    /// <summary>... and before a pause in the speech this long.</summary>
    private const double PauseBreakMs = 700;

    /// <summary>A cue stays up until the next one when the gap between them is shorter than this (no flicker).</summary>
    private const double BridgeMs = 600;

    /// <summary>
    /// The cues of one script spoken from <paramref name="startMs"/> on the video clock, none past <paramref name="endMs"/>
    /// (where the track stops). Without word timings the text is spread over the speech by its length.
    /// </summary>
    public static List<CaptionCue> Build(string script, SpeechTimings speech, double startMs, double endMs)
    {
        var tokens = Tokens(script);
        if (tokens.Count == 0)
            return [];
        TimeTokens(tokens, speech);

        var cues = new List<(List<List<Token>> Lines, double Start, double End)>();
        List<List<Token>> lines = [[]];
        var lineLength = 0;
        void Close()
        {
            var timed = lines.SelectMany(l => l).Where(t => t.StartMs is not null).ToList();
            if (timed.Count > 0)
                cues.Add((lines, timed.Min(t => t.StartMs!.Value), timed.Max(t => t.EndMs!.Value)));
            else if (cues.Count > 0)
                cues[^1].Lines[^1].AddRange(lines.SelectMany(l => l)); // untimed leftovers join the cue before
            lines = [[]];
            lineLength = 0;
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var needed = lineLength == 0 ? token.Text.Length : lineLength + 1 + token.Text.Length;
            if (lineLength > 0 && needed > LineLength)
            {
                if (lines.Count == MaxLines)
                    Close();
                else
                    lines.Add([]);
                lineLength = 0;
            }
            lines[^1].Add(token);
            lineLength = lineLength == 0 ? token.Text.Length : lineLength + 1 + token.Text.Length;

            var next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            var held = lines.Sum(l => l.Sum(t => t.Text.Length + 1));
            var sentenceEnd = token.Text[^1] is '.' or '!' or '?' or '…' or '。' or '！' or '？';
            var pause = next?.StartMs is { } nextStart && token.EndMs is { } end && nextStart - end >= PauseBreakMs;
            if (next is not null && ((sentenceEnd && held >= SentenceBreakAfter) || pause))
                Close();
        }
        Close();

        var result = new List<CaptionCue>();
        for (var c = 0; c < cues.Count; c++)
        {
            var (cueLines, start, end) = cues[c];
            if (c + 1 < cues.Count && cues[c + 1].Start - end < BridgeMs)
                end = Math.Max(end, cues[c + 1].Start);
            var from = Math.Clamp(startMs + start, startMs, endMs);
            var to = Math.Clamp(startMs + end, startMs, endMs);
            var text = string.Join('\n', cueLines.Where(l => l.Count > 0).Select(l => string.Join(' ', l.Select(t => t.Text))));
            if (to > from && text.Length > 0)
                result.Add(new CaptionCue(from, to, text));
        }
        return result;
    }

    private sealed class Token(string text, int offset)
    {
        public string Text { get; } = text;
        public int Offset { get; } = offset;
        public double? StartMs { get; set; }
        public double? EndMs { get; set; }
    }

    /// <summary>The script's whitespace-separated words, each with its punctuation.</summary>
    private static List<Token> Tokens(string script)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < script.Length)
        {
            while (i < script.Length && char.IsWhiteSpace(script[i]))
                i++;
            var start = i;
            while (i < script.Length && !char.IsWhiteSpace(script[i]))
                i++;
            if (i > start)
                tokens.Add(new Token(script[start..i], start));
        }
        return tokens;
    }

    /// <summary>Each token takes the times of the spoken words inside it; with no words at all, times by length.</summary>
    private static void TimeTokens(List<Token> tokens, SpeechTimings speech)
    {
        if (speech.Words.Count == 0)
        {
            var total = tokens.Sum(t => t.Text.Length + 1.0);
            var at = 0.0;
            foreach (var token in tokens)
            {
                token.StartMs = at / total * speech.DurationMs;
                at += token.Text.Length + 1;
                token.EndMs = at / total * speech.DurationMs;
            }
            return;
        }
        foreach (var token in tokens)
        {
            var end = token.Offset + token.Text.Length;
            foreach (var word in speech.Words)
            {
                if (word.Offset < end && token.Offset < word.Offset + word.Length)
                {
                    token.StartMs = Math.Min(token.StartMs ?? double.MaxValue, word.StartMs);
                    token.EndMs = Math.Max(token.EndMs ?? double.MinValue, word.EndMs);
                }
            }
        }
    }
}
