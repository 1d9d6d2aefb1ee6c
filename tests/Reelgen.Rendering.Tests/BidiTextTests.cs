using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>
/// Right-to-left text among left-to-right text, digits and brackets draws in the order the Unicode Bidirectional
/// Algorithm gives. Each test draws a line with <see cref="TextPainter"/>, cuts the ink into letters (runs of
/// columns with ink) and names each letter by the one, drawn alone, it looks most like.
/// </summary>
public sealed class BidiTextTests
{
    private const int Width = 640;
    private const int Height = 100;

    private static readonly TextStyle Left = new() { FontSize = 56 };
    private static readonly TextStyle Right = new() { FontSize = 56, Align = "right" };

    [Fact]
    public void Hebrew_after_Latin_stands_right_of_it_with_alef_rightmost()
    {
        var letters = Letters(Draw("abc אבג", Left));

        Assert.Equal(6, letters.Count);
        Assert.Equal(["a", "b", "c"], letters.Take(3).Select(l => Name(l, ["a", "b", "c"])));
        Assert.Equal(["ג", "ב", "א"], letters.Skip(3).Select(l => Name(l, ["א", "ב", "ג"])));
    }

    [Fact]
    public void Digits_in_a_right_to_left_line_stand_left_of_the_Hebrew_and_read_left_to_right()
    {
        var ink = Draw("שלום 123", Right);
        var letters = Letters(ink);

        Assert.Equal(7, letters.Count);
        Assert.Equal(["1", "2", "3"], letters.Take(3).Select(l => Name(l, ["1", "2", "3"])));
        Assert.Equal(["ם", "ו", "ל", "ש"], letters.Skip(3).Select(l => Name(l, ["ש", "ל", "ו", "ם"])));
        Assert.True(Columns(ink).Max() > Width - 10, "right-aligned text still ends at the box's right edge");
    }

    [Fact]
    public void Brackets_around_Latin_in_a_right_to_left_line_mirror_and_the_Latin_reads_left_to_right()
    {
        var letters = Letters(Draw("שלום (abc)", Right));

        Assert.Equal(["(", "a", "b", "c", ")"], letters.Take(5).Select(l => Name(l, ["(", ")", "a", "b", "c"])));
    }

    [Fact]
    public void Arabic_after_Latin_joins_as_it_does_alone()
    {
        var mixed = Draw("Grüße, مرحبا", Right);
        var alone = Draw("مرحبا", Right);
        var columns = Columns(alone);
        var (from, to) = (columns.Min(), columns.Max());

        var differ = 0;
        var inked = 0;
        for (var x = from; x <= to; x++)
        {
            for (var y = 0; y < Height; y++)
            {
                differ += mixed[x, y] != alone[x, y] ? 1 : 0;
                inked += alone[x, y] ? 1 : 0;
            }
        }
        Assert.True(differ < inked / 20, $"the Arabic word differs from itself drawn alone in {differ} of {inked} pixels");
        // Five letters, joined: م to ر, and ح to ب to ا, leave at most three separate pieces of ink.
        Assert.True(Letters(alone).Count <= 3, $"مرحبا shows {Letters(alone).Count} separate pieces");
    }

    [Fact]
    public void A_wrapped_line_keeps_its_paragraphs_direction()
    {
        var style = new TextStyle { FontSize = 40 };
        using (var painter = new TextPainter())
            Assert.Equal(["שלום", "world!"], painter.Lines("שלום world!", 200, style).Select(l => l.Text));
        var ink = Draw("שלום world!", style, boxWidth: 200);
        // The second line, moved up one line height (48 px) to where the letters it is compared with are drawn.
        var second = new bool[Width, Height];
        for (var x = 0; x < Width; x++)
        {
            for (var y = 50; y < Height; y++)
                second[x, y - 48] = ink[x, y];
        }

        // The paragraph is right-to-left (its first strong letter is Hebrew), so the "!" of its second line stands left of "world".
        Assert.Equal(["!", "w"], Letters(second).Take(2).Select(l => Name(l, ["!", "w", "o"], style)));
    }

    [Fact]
    public void A_right_to_left_mark_makes_a_Latin_paragraph_right_to_left_and_is_not_drawn()
    {
        var letters = Letters(Draw("\u200Fabc!", Left));

        Assert.Equal(["!", "a", "b", "c"], letters.Select(l => Name(l, ["!", "a", "b", "c"])));
    }

    [Fact]
    public void A_typewriter_reveals_Arabic_from_the_right_in_its_joined_forms()
    {
        var whole = Draw("مرحبا", Left);
        var typed = Draw("مرحبا", Left, characters: 2);

        var extra = 0;
        var shown = 0;
        for (var x = 0; x < Width; x++)
        {
            for (var y = 0; y < Height; y++)
            {
                shown += typed[x, y] ? 1 : 0;
                extra += typed[x, y] && !whole[x, y] ? 1 : 0;
            }
        }
        Assert.True(shown > 200, "the first two letters show");
        Assert.True(extra < shown / 50, $"{extra} of {shown} typed pixels are not where the whole word has ink");
        Assert.True(Columns(typed).Min() > (Columns(whole).Min() + Columns(whole).Max()) / 2, "the first letters are the word's right end");
    }

    /// <summary>Where white text on black has ink.</summary>
    private static bool[,] Draw(string text, TextStyle style, int? characters = null, int boxWidth = Width)
    {
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var painter = new TextPainter();
            painter.Draw(canvas, new SKRect(0, 0, boxWidth, Height), text, style, characters: characters);
        }
        var ink = new bool[Width, Height];
        for (var x = 0; x < Width; x++)
        {
            for (var y = 0; y < Height; y++)
                ink[x, y] = bitmap.GetPixel(x, y).Red > 128;
        }
        return ink;
    }

    private static List<int> Columns(bool[,] ink) =>
        Enumerable.Range(0, Width).Where(x => Enumerable.Range(0, Height).Any(y => ink[x, y])).ToList();

    /// <summary>The pieces of ink between empty columns, left to right, each cut to its own columns.</summary>
    private static List<bool[,]> Letters(bool[,] ink)
    {
        var letters = new List<bool[,]>();
        var columns = Columns(ink);
        var i = 0;
        while (i < columns.Count)
        {
            var j = i;
            while (j + 1 < columns.Count && columns[j + 1] == columns[j] + 1)
                j++;
            var letter = new bool[columns[j] - columns[i] + 1, Height];
            for (var x = 0; x < letter.GetLength(0); x++)
            {
                for (var y = 0; y < Height; y++)
                    letter[x, y] = ink[columns[i] + x, y];
            }
            letters.Add(letter);
            i = j + 1;
        }
        return letters;
    }

    /// <summary>Which of <paramref name="candidates"/>, each drawn alone, <paramref name="letter"/> looks most like.</summary>
    private static string Name(bool[,] letter, string[] candidates, TextStyle? style = null) =>
        candidates.MinBy(c => Differ(letter, Letters(Draw(c, style ?? Left)).Single()))!;

    private static int Differ(bool[,] a, bool[,] b)
    {
        var differ = 0;
        for (var x = 0; x < Math.Max(a.GetLength(0), b.GetLength(0)); x++)
        {
            for (var y = 0; y < Height; y++)
            {
                var pa = x < a.GetLength(0) && a[x, y];
                var pb = x < b.GetLength(0) && b[x, y];
                differ += pa != pb ? 1 : 0;
            }
        }
        return differ;
    }
}
