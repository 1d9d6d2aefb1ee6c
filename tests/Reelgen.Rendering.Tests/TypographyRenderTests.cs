using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Every script draws real glyphs; fonts come from the machine or from a URL; boxes, outlines and shadows show.</summary>
public sealed class TypographyRenderTests(AssetServer server) : RenderTest(server)
{
    private const int Cell = 80;

    /// <summary>A row of cells, one character each, white on black; a character no font has (U+10FFFD) last, as the "missing glyph" box.</summary>
    private async Task<List<bool[]>> DrawCellsAsync(string[] characters, TextStyle? style = null, string? fontUrl = null)
    {
        var tracks = characters.Select((c, i) => Track.TextTrack(c, new Position(i * Cell, 0), new Size(Cell, Cell), new TextStyle
        {
            FontSize = 56,
            Align = "center",
            VerticalAlign = "middle",
            FontFamily = style?.FontFamily,
            FontUrl = fontUrl,
        })).ToArray();
        var output = await RenderAsync(Creative(characters.Length * Cell, Cell, Scene(200, tracks)));
        var frame = TestMedia.Frame(output, 0.04);
        var width = characters.Length * Cell;
        return characters.Select((_, i) =>
        {
            var mask = new bool[Cell * Cell];
            for (var y = 0; y < Cell; y++)
            {
                for (var x = 0; x < Cell; x++)
                    mask[(y * Cell) + x] = frame[(((y * width) + (i * Cell) + x) * 3) + 1] > 128;
            }
            return mask;
        }).ToList();
    }

    private static int Differ(bool[] a, bool[] b) => a.Zip(b).Count(p => p.First != p.Second);

    [Fact]
    public async Task Two_CJK_characters_draw_as_different_glyphs_and_every_script_has_its_own()
    {
        string[] characters = ["你", "好", "한", "글", "ก", "क", "א", "ع", "\U0010FFFD"];
        var cells = await DrawCellsAsync(characters);
        var missing = cells[^1];

        Assert.True(Differ(cells[0], cells[1]) > 150, $"你 and 好 differ by only {Differ(cells[0], cells[1])} pixels");
        for (var i = 0; i < characters.Length - 1; i++)
        {
            Assert.True(cells[i].Count(p => p) > 40, $"{characters[i]} leaves ink");
            Assert.True(Differ(cells[i], missing) > 100, $"{characters[i]} is drawn, not as the missing-glyph box");
        }
    }

    [Fact]
    public async Task A_font_by_URL_draws_the_text_in_TTF_and_WOFF2_alike()
    {
        var ttfPath = TestMedia.Run("fc-match", ["-f", "%{file}", "DejaVu Sans Mono"]).Trim();
        var woff2Path = Path.Combine(Work, "mono.woff2");
        File.Copy(ttfPath, Path.Combine(Work, "mono.ttf"));
        TestMedia.Run("woff2_compress", [Path.Combine(Work, "mono.ttf")]);
        var ttf = Server.Serve("/f/mono.ttf", File.ReadAllBytes(ttfPath));
        var woff2 = Server.Serve("/f/mono.woff2", File.ReadAllBytes(woff2Path));
        string[] text = ["i", "l", "m"];

        var sans = await DrawCellsAsync(text);
        var fromTtf = await DrawCellsAsync(text, fontUrl: ttf);
        var fromWoff2 = await DrawCellsAsync(text, fontUrl: woff2);

        Assert.True(Differ(sans[0], fromTtf[0]) > 30, "the monospaced i is not the proportional one");
        for (var i = 0; i < text.Length; i++)
            Assert.True(Differ(fromTtf[i], fromWoff2[i]) < 10, "WOFF2 draws as its TrueType original");

        var picture = Server.Serve("/f/not-a-font.ttf", TestMedia.Png(8, 8, SkiaSharp.SKColors.Red));
        var error = await Assert.ThrowsAsync<RenderException>(() => DrawCellsAsync(text, fontUrl: picture));
        Assert.Contains("style.fontUrl", error.Message);
        Assert.Contains("not a font", error.Message);
    }

    [Fact]
    public void Installed_families_are_listed_and_aliases_of_them_accepted()
    {
        Assert.Contains("DejaVu Sans", FontCatalog.Families);
        Assert.Contains(FontCatalog.Families, f => f.Contains("CJK", StringComparison.Ordinal));
        Assert.True(FontCatalog.Exists("dejavu sans"));
        Assert.False(FontCatalog.Exists("No Such Font Family"));
    }

    [Fact]
    public async Task A_rounded_box_an_outline_and_a_shadow_show()
    {
        var style = new TextStyle
        {
            FontSize = 60,
            FontWeight = "bold",
            Color = "#FFFFFF",
            BackgroundColor = "#0000FF",
            BorderRadius = 30,
            Padding = 20,
            Outline = new TextOutline { Color = "#FF0000", Width = 4 },
        };
        var shadowed = new TextStyle { FontSize = 60, FontWeight = "bold", Color = "#FFFFFF", Shadow = new TextShadow { Color = "#00FF00", OffsetX = 8, OffsetY = 8, Blur = 0 } };
        var output = await RenderAsync(Creative(320, 240, Scene(200,
            Track.TextTrack("HH", new Position(0, 0), new Size(320, 120), style),
            Track.TextTrack("HH", new Position(0, 120), new Size(320, 120), shadowed))));
        TestMedia.SaveFrame(output, 0.04, Path.Combine(Work, "styled.png"));

        TestMedia.AssertColour(TestMedia.Pixel(output, 0.04, 2, 2), (0, 0, 0), because: "the rounded corner leaves the scene colour");
        TestMedia.AssertColour(TestMedia.Pixel(output, 0.04, 160, 4), (0, 0, 255), because: "the box fills its edge");
        var frame = TestMedia.Frame(output, 0.04);
        int Count(int top, Func<byte, byte, byte, bool> match)
        {
            var n = 0;
            for (var i = top * 320 * 3; i < (top + 120) * 320 * 3; i += 3)
                n += match(frame[i], frame[i + 1], frame[i + 2]) ? 1 : 0;
            return n;
        }
        Assert.True(Count(0, (r, g, b) => r > 180 && g < 80 && b < 80) > 200, "a red outline around the letters");
        Assert.True(Count(120, (r, g, b) => g > 180 && r < 80 && b < 80) > 200, "a green shadow beside the letters");
    }
}
