using System.Globalization;
using System.Text;
using HarfBuzzSharp;
using Reelgen.Creative;
using SkiaSharp;
using SkiaSharp.HarfBuzz;
using Buffer = HarfBuzzSharp.Buffer;

namespace Reelgen.Rendering;

/// <summary>
/// Draws a text track: the style's font (any installed family, falling back per character to a font that has the
/// glyph, and to Noto Color Emoji for emoji), each line laid out by the Unicode Bidirectional Algorithm (right-to-left
/// runs among left-to-right ones, see <see cref="Layout"/>), shaped with HarfBuzz (joined Arabic letters, ligatures,
/// emoji sequences and flags), wrapped at spaces (and between CJK characters) to the box width, long words broken,
/// lines that do not fit the box height clipped.
/// </summary>
internal sealed class TextPainter : IDisposable
{
    public const string DefaultFamily = "DejaVu Sans";
    public const double DefaultFontSize = 48;
    public const double DefaultLineHeight = 1.2;
    public const double DefaultOutlineWidth = 2;

    private readonly SKFontManager _fonts = SKFontManager.Default;
    private readonly Dictionary<(string Family, int Weight), SKTypeface> _typefaces = [];
    private readonly Dictionary<(int CodePoint, int Weight), SKTypeface> _fallbacks = [];
    private readonly Dictionary<SKTypeface, SKFont> _probes = [];
    private readonly Dictionary<SKTypeface, SKShaper> _shapers = [];
    private readonly Dictionary<string, SKTypeface> _files = [];
    private readonly SKTypeface? _emoji;

    public TextPainter()
    {
        var emoji = _fonts.MatchFamily("Noto Color Emoji");
        _emoji = emoji is not null && emoji.FamilyName == "Noto Color Emoji" ? emoji : null;
    }

    // fontPath: a font file fetched for style.fontUrl; it wins over the style's family. characters: draw only the
    // first so many characters (whitespace not counted), each where it sits in the whole text: a typewriter's step.
    // rightToLeft: the paragraphs' direction, for a line wrapped from a longer paragraph by Lines; by default each
    // paragraph's own.
    public void Draw(SKCanvas canvas, SKRect box, string text, TextStyle? style, string? fontPath = null, int? characters = null, bool? rightToLeft = null)
    {
        var remaining = characters ?? int.MaxValue;
        var size = (float)(style?.FontSize ?? DefaultFontSize);
        var lineHeight = (float)(style?.LineHeight ?? DefaultLineHeight) * size;
        var weight = Weight(style?.FontWeight);
        var primary = fontPath is not null ? FileTypeface(fontPath) : Typeface(style?.FontFamily ?? DefaultFamily, weight);
        canvas.Save();
        canvas.ClipRect(box);
        if (style?.BackgroundColor is { } background)
        {
            using var fill = new SKPaint { Color = Colors.Parse(background), IsAntialias = true };
            var radius = (float)(style.BorderRadius ?? 0);
            canvas.DrawRoundRect(box, radius, radius, fill);
        }
        var padding = (float)(style?.Padding ?? 0);
        var inner = new SKRect(box.Left + padding, box.Top + padding, box.Right - padding, box.Bottom - padding);
        using var font = new SKFont(primary, size) { Subpixel = true, Edging = SKFontEdging.SubpixelAntialias };
        var lines = Wrap(text, inner.Width, font, weight, rightToLeft);
        font.GetFontMetrics(out var metrics);
        var glyphHeight = metrics.Descent - metrics.Ascent;
        var blockHeight = lines.Count * lineHeight;
        var top = style?.VerticalAlign switch
        {
            "middle" => inner.Top + ((inner.Height - blockHeight) / 2),
            "bottom" => inner.Bottom - blockHeight,
            _ => inner.Top,
        };
        using var paint = new SKPaint { Color = Colors.Parse(style?.Color ?? "#FFFFFF"), IsAntialias = true };
        using var outline = style?.Outline is { } o && (o.Width ?? DefaultOutlineWidth) > 0
            ? new SKPaint
            {
                Color = Colors.Parse(o.Color ?? "#000000"),
                IsAntialias = true,
                Style = SKPaintStyle.Stroke,
                // The stroke is centred on the glyph's edge and the fill covers its inner half: twice the width shows it whole.
                StrokeWidth = (float)(2 * (o.Width ?? DefaultOutlineWidth)),
                StrokeJoin = SKStrokeJoin.Round,
            }
            : null;
        // A shadow falls from letters and outline together, never from the background: they are drawn into a layer
        // whose drop-shadow filter is applied once when the layer is merged.
        using var shadowLayer = style?.Shadow is { } sh
            ? new SKPaint
            {
                ImageFilter = SKImageFilter.CreateDropShadow(
                    (float)(sh.OffsetX ?? 3), (float)(sh.OffsetY ?? 3), (float)(sh.Blur ?? 4) / 2, (float)(sh.Blur ?? 4) / 2, Colors.Parse(sh.Color ?? "#00000099")),
            }
            : null;
        if (shadowLayer is not null)
            canvas.SaveLayer(shadowLayer);
        for (var i = 0; i < lines.Count; i++)
        {
            var baseline = top + (i * lineHeight) + ((lineHeight - glyphHeight) / 2) - metrics.Ascent;
            if (baseline + metrics.Ascent > box.Bottom)
                break;
            var (pieces, width) = Layout(lines[i].Text, primary, size, weight, lines[i].RightToLeft);
            var x = style?.Align switch
            {
                "center" => inner.Left + ((inner.Width - width) / 2),
                "right" => inner.Right - width,
                _ => inner.Left,
            };
            var typed = TypedLength(lines[i].Text, ref remaining);
            foreach (var piece in pieces)
            {
                using var blob = TypedBlob(piece, size, typed);
                if (blob is null)
                    continue;
                if (outline is not null)
                    canvas.DrawText(blob, x + piece.X, baseline, outline);
                canvas.DrawText(blob, x + piece.X, baseline, paint);
            }
        }
        if (shadowLayer is not null)
            canvas.Restore();
        canvas.Restore();
    }

    /// <summary>
    /// How much of <paramref name="line"/>, from its logical start, holds at most <paramref name="remaining"/>
    /// characters other than whitespace, which it uses up. A typewriter reveals characters in reading order, so a
    /// right-to-left word grows leftwards.
    /// </summary>
    private static int TypedLength(string line, ref int remaining)
    {
        if (remaining == int.MaxValue)
            return line.Length;
        var e = StringInfo.GetTextElementEnumerator(line);
        while (e.MoveNext())
        {
            if (!string.IsNullOrWhiteSpace(e.GetTextElement()))
            {
                if (remaining == 0)
                    return e.ElementIndex;
                remaining--;
            }
        }
        return line.Length;
    }

    /// <summary>
    /// The glyphs of <paramref name="piece"/> whose characters lie before <paramref name="typed"/>; null when none
    /// does. They keep the forms shaped for the whole line, so a typewriter's Arabic letter does not change shape
    /// when its neighbour appears.
    /// </summary>
    private static SKTextBlob? TypedBlob(Piece piece, float size, int typed)
    {
        var glyphs = piece.Glyphs;
        var count = glyphs.Clusters.Count(c => c < typed);
        if (count == 0)
            return null;
        using var font = new SKFont(piece.Typeface, size) { Subpixel = true, Edging = SKFontEdging.SubpixelAntialias };
        using var builder = new SKTextBlobBuilder();
        var run = builder.AllocatePositionedRun(font, count);
        var ids = run.Glyphs;
        var points = run.Positions;
        var j = 0;
        for (var i = 0; i < glyphs.Codepoints.Length; i++)
        {
            if (glyphs.Clusters[i] >= typed)
                continue;
            ids[j] = (ushort)glyphs.Codepoints[i];
            points[j] = glyphs.Points[i];
            j++;
        }
        return builder.Build();
    }

    /// <summary>The lines <paramref name="text"/> wraps into at <paramref name="maxWidth"/> in <paramref name="style"/>'s font, each with its drawn width and its paragraph's direction.</summary>
    public List<(string Text, float Width, bool RightToLeft)> Lines(string text, float maxWidth, TextStyle? style)
    {
        var weight = Weight(style?.FontWeight);
        using var font = new SKFont(Typeface(style?.FontFamily ?? DefaultFamily, weight), (float)(style?.FontSize ?? DefaultFontSize)) { Subpixel = true };
        return Wrap(text, maxWidth, font, weight).Select(line => (line.Text, Measure(line.Text, font, weight, line.RightToLeft), line.RightToLeft)).ToList();
    }

    /// <summary>
    /// Greedy wrapping: words (with their trailing spaces) fill a line until the next would overflow. Each line
    /// keeps the direction of its paragraph (the text up to a <c>\n</c>): <paramref name="rightToLeft"/>, or the one
    /// its first strong character sets.
    /// </summary>
    internal List<(string Text, bool RightToLeft)> Wrap(string text, float maxWidth, SKFont font, int weight, bool? rightToLeft = null)
    {
        var lines = new List<(string Text, bool RightToLeft)>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var rtl = rightToLeft ?? Bidi.StartsRightToLeft(paragraph);
            var line = new StringBuilder();
            var lineWidth = 0f;
            foreach (var word in Words(paragraph))
            {
                var trimmed = word.TrimEnd();
                var wordWidth = Measure(trimmed, font, weight, rtl);
                if (line.Length > 0 && lineWidth + wordWidth > maxWidth)
                {
                    lines.Add((line.ToString().TrimEnd(), rtl));
                    line.Clear();
                    lineWidth = 0;
                }
                if (line.Length == 0 && wordWidth > maxWidth)
                {
                    // A word wider than the box is broken between characters.
                    foreach (var element in Elements(trimmed))
                    {
                        var w = Measure(element, font, weight, rtl);
                        if (line.Length > 0 && lineWidth + w > maxWidth)
                        {
                            lines.Add((line.ToString(), rtl));
                            line.Clear();
                            lineWidth = 0;
                        }
                        line.Append(element);
                        lineWidth += w;
                    }
                    line.Append(word.AsSpan(trimmed.Length));
                    lineWidth = Measure(line.ToString(), font, weight, rtl);
                    continue;
                }
                line.Append(word);
                lineWidth = Measure(line.ToString(), font, weight, rtl);
            }
            lines.Add((line.ToString().TrimEnd(), rtl));
        }
        return lines;
    }

    /// <summary>Splits after spaces, and around CJK characters (which may break anywhere).</summary>
    private static IEnumerable<string> Words(string paragraph)
    {
        var word = new StringBuilder();
        var inSpaces = false;
        foreach (var element in Elements(paragraph))
        {
            var space = element == " " || element == "\t";
            var cjk = IsCjk(char.ConvertToUtf32(element, 0));
            if ((inSpaces && !space) || (cjk && word.Length > 0 && !inSpaces))
            {
                yield return word.ToString();
                word.Clear();
            }
            word.Append(element == "\t" ? " " : element);
            inSpaces = space;
            if (cjk)
            {
                yield return word.ToString();
                word.Clear();
                inSpaces = false;
            }
        }
        if (word.Length > 0)
            yield return word.ToString();
    }

    private static IEnumerable<string> Elements(string text)
    {
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
            yield return e.GetTextElement();
    }

    // Wrapping measures a line exactly as Draw lays it out, so what fits the box when measured fits when drawn.
    private float Measure(string text, SKFont font, int weight, bool rightToLeft) =>
        Layout(text, font.Typeface, font.Size, weight, rightToLeft).Width;

    /// <summary>A piece of a line that one typeface draws in one direction and one script, shaped, <see cref="X"/> from the line's left end.</summary>
    private sealed record Piece(SKTypeface Typeface, SKShaper.Result Glyphs, float X);

    /// <summary>
    /// Lays <paramref name="line"/> out by the Unicode Bidirectional Algorithm: split into runs of one direction
    /// (in a paragraph of the given direction), each run into pieces of one typeface and one script, each piece
    /// shaped in its run's direction (so Arabic joins and brackets mirror in right-to-left runs), and the pieces
    /// placed left to right in visual order. Without ICU the line is one run whose direction HarfBuzz guesses
    /// piece by piece, placed in reading order.
    /// </summary>
    private (List<Piece> Pieces, float Width) Layout(string line, SKTypeface primary, float size, int weight, bool rightToLeft)
    {
        var pieces = new List<Piece>();
        var x = 0f;
        var runs = Bidi.VisualRuns(line, rightToLeft)?.Select(r => (r.Start, r.Length, (bool?)r.RightToLeft)) ?? [(0, line.Length, null)];
        using var font = new SKFont(primary, size) { Subpixel = true };
        foreach (var (start, length, rtl) in runs)
        {
            var parts = Pieces(line, start, length, primary, weight).ToList();
            if (rtl == true)
                parts.Reverse();
            foreach (var (partStart, partLength, typeface) in parts)
            {
                font.Typeface = typeface;
                using var buffer = new Buffer();
                // The whole line goes in as context, so letters join across a change of font, and clusters
                // are indices into the line.
                buffer.AddUtf16(line, partStart, partLength);
                if (rtl is { } r)
                    buffer.Direction = r ? Direction.RightToLeft : Direction.LeftToRight;
                buffer.GuessSegmentProperties();
                var glyphs = Shaper(typeface).Shape(buffer, font);
                pieces.Add(new Piece(typeface, glyphs, x));
                x += glyphs.Width;
            }
        }
        return (pieces, x);
    }

    /// <summary>
    /// Pieces of <c>line[start..start+length]</c> in reading order, each drawn by one typeface and in one script
    /// (HarfBuzz shapes one script at a time); characters of no script (spaces, digits, punctuation, marks) join
    /// the piece they stand in.
    /// </summary>
    private IEnumerable<(int Start, int Length, SKTypeface Typeface)> Pieces(string line, int start, int length, SKTypeface primary, int weight)
    {
        var pieceStart = start;
        SKTypeface? current = null;
        var script = Script.Invalid;
        var e = StringInfo.GetTextElementEnumerator(line.Substring(start, length));
        while (e.MoveNext())
        {
            var element = e.GetTextElement();
            var at = start + e.ElementIndex;
            var typeface = TypefaceFor(element, primary, weight);
            var own = UnicodeFunctions.Default.GetScript(char.ConvertToUtf32(element, 0));
            var scripted = own != Script.Common && own != Script.Inherited && own != Script.Unknown;
            if (current is not null && (typeface != current || (scripted && script != Script.Invalid && own != script)))
            {
                yield return (pieceStart, at - pieceStart, current);
                pieceStart = at;
                script = Script.Invalid;
            }
            current = typeface;
            if (scripted)
                script = own;
        }
        if (current is not null)
            yield return (pieceStart, start + length - pieceStart, current);
    }

    private SKTypeface TypefaceFor(string element, SKTypeface primary, int weight)
    {
        var codePoint = char.ConvertToUtf32(element, 0);
        if (codePoint < 0x80 && element.Length == 1)
            return primary;
        var emoji = IsEmoji(element, codePoint);
        if (emoji && _emoji is not null && Has(_emoji, codePoint))
            return _emoji;
        if (Has(primary, codePoint))
            return primary;
        if (!_fallbacks.TryGetValue((codePoint, weight), out var fallback))
        {
            fallback = _fonts.MatchCharacter(null, new SKFontStyle(weight, (int)SKFontStyleWidth.Normal, SKFontStyleSlant.Upright), null, codePoint) ?? primary;
            _fallbacks[(codePoint, weight)] = fallback;
        }
        return fallback;
    }

    private SKShaper Shaper(SKTypeface typeface)
    {
        if (!_shapers.TryGetValue(typeface, out var shaper))
            _shapers[typeface] = shaper = new SKShaper(typeface);
        return shaper;
    }

    private bool Has(SKTypeface typeface, int codePoint)
    {
        if (!_probes.TryGetValue(typeface, out var font))
            _probes[typeface] = font = new SKFont(typeface);
        return font.ContainsGlyph(codePoint);
    }

    private SKTypeface FileTypeface(string path)
    {
        if (!_files.TryGetValue(path, out var typeface))
            _files[path] = typeface = SKTypeface.FromFile(path) ?? throw new RenderException($"the font {Path.GetFileName(path)} could not be read");
        return typeface;
    }

    private SKTypeface Typeface(string family, int weight)
    {
        if (!_typefaces.TryGetValue((family, weight), out var typeface))
        {
            var style = new SKFontStyle(weight, (int)SKFontStyleWidth.Normal, SKFontStyleSlant.Upright);
            typeface = _fonts.MatchFamily(family, style) ?? _fonts.MatchFamily(DefaultFamily, style) ?? SKTypeface.Default;
            _typefaces[(family, weight)] = typeface;
        }
        return typeface;
    }

    internal static int Weight(string? weight) => weight switch
    {
        null or "normal" => 400,
        "bold" => 700,
        _ => int.TryParse(weight, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 400,
    };

    private static bool IsEmoji(string element, int codePoint) =>
        element.Contains('\uFE0F', StringComparison.Ordinal) || element.Contains('\u200D', StringComparison.Ordinal)
        || codePoint is >= 0x1F000 and <= 0x1FAFF;

    private static bool IsCjk(int cp) =>
        cp is >= 0x3000 and <= 0x9FFF or >= 0xAC00 and <= 0xD7AF or >= 0xF900 and <= 0xFAFF or >= 0xFF00 and <= 0xFFEF or >= 0x20000 and <= 0x2FFFF;

    public void Dispose()
    {
        foreach (var f in _probes.Values)
            f.Dispose();
        foreach (var shaper in _shapers.Values)
            shaper.Dispose();
        foreach (var t in _typefaces.Values.Concat(_fallbacks.Values).Concat(_files.Values).Distinct())
        {
            if (t != SKTypeface.Default)
                t.Dispose();
        }
        _emoji?.Dispose();
    }
}

internal static class Colors
{
    /// <summary><c>#RRGGBB</c> or <c>#RRGGBBAA</c>.</summary>
    public static SKColor Parse(string color)
    {
        var hex = color.TrimStart('#');
        var r = Convert.ToByte(hex[0..2], 16);
        var g = Convert.ToByte(hex[2..4], 16);
        var b = Convert.ToByte(hex[4..6], 16);
        var a = hex.Length >= 8 ? Convert.ToByte(hex[6..8], 16) : (byte)255;
        return new SKColor(r, g, b, a);
    }
}
