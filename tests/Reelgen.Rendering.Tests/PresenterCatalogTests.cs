using System.Text.Json;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

public sealed class PresenterCatalogTests : IDisposable
{
    private readonly string _dir = TestMedia.NewDirectory();

    [Fact]
    public void Every_built_in_presenter_has_its_art_and_nine_different_mouths()
    {
        using var catalog = new PresenterCatalog();
        Assert.True(catalog.All.Count >= 8);
        Assert.Equal(Actors.BuiltIn.Select(a => a.Name), catalog.All.Select(p => p.Name));
        var sheet = Environment.GetEnvironmentVariable("REELGEN_PRESENTER_SHEETS");
        foreach (var presenter in catalog.All)
        {
            var art = catalog.Art(presenter.Name);
            var mouths = Enum.GetValues<MouthShape>().Select(shape => Pixels(art, PresenterPose.Mouth(shape))).ToList();
            Assert.Equal(9, mouths.Distinct(new BytesComparer()).Count());
            Assert.NotEqual(Pixels(art, PresenterPose.Rest), Pixels(art, PresenterPose.Rest with { EyesClosed = true }), new BytesComparer());
            Assert.NotEqual(Pixels(art, PresenterPose.Rest), Pixels(art, PresenterPose.Rest with { BrowsUp = true }), new BytesComparer());
            if (sheet is not null)
                WriteSheet(art, Path.Combine(sheet, $"{presenter.Name}-mouths.png"));
        }
    }

    [Theory]
    [InlineData("amara", "black")]
    [InlineData("omar", "black")]
    [InlineData("kenji", "black")]
    [InlineData("sofia", "brown")]
    [InlineData("karen", "brown")]
    [InlineData("ryan", "brown")]
    [InlineData("lena", "blond")]
    [InlineData("marc", "red")]
    [InlineData("grace", "grey")]
    [InlineData("samuel", "grey")]
    public void Each_built_in_presenter_draws_its_hair_in_its_own_colour(string name, string family)
    {
        using var catalog = new PresenterCatalog();
        var art = catalog.Art(name);
        var size = art.SpriteSize(0.5f);
        using var bitmap = new SKBitmap(size.Width, size.Height);
        using (var canvas = new SKCanvas(bitmap))
            art.DrawHead(canvas, 0.5f, PresenterPose.Rest);
        if (family is "black" or "grey")
        {
            // Open Peeps draws these itself: black hair in solid ink, grey hair as a light grey fill.
            Assert.Null(art.Manifest.HairColor);
            if (family == "grey")
                Assert.True(Count(bitmap, c => c.Alpha == 255 && Family(c) == "grey" && Lightness(c) > 50) > 2000, name);
            return;
        }
        Assert.NotNull(art.Manifest.HairColor);
        var hair = SKColor.Parse(art.Manifest.HairColor);
        Assert.Equal(family, Family(hair));

        // The head as a render draws it shows that colour over a hair-sized area (thousands of pixels at half size).
        var count = Count(bitmap, c => c.Alpha == 255 && Math.Abs(c.Red - hair.Red) + Math.Abs(c.Green - hair.Green) + Math.Abs(c.Blue - hair.Blue) <= 6);
        Assert.True(count > 2000, $"{name}: {count} pixels of {art.Manifest.HairColor}");
    }

    private static int Count(SKBitmap bitmap, Func<SKColor, bool> match)
    {
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                if (match(bitmap.GetPixel(x, y)))
                    count++;
            }
        }
        return count;
    }

    private static float Lightness(SKColor c)
    {
        c.ToHsl(out _, out _, out var lightness);
        return lightness;
    }

    /// <summary>The family a hair colour reads as: grey (no hue), blond (light), red (saturated, towards red), or brown.</summary>
    private static string Family(SKColor c)
    {
        c.ToHsl(out var hue, out var saturation, out var lightness);
        if (saturation < 12)
            return "grey";
        if (lightness > 55)
            return "blond";
        return hue < 18 && saturation > 55 ? "red" : "brown";
    }

    [Fact]
    public void A_broken_custom_presenter_is_reported_with_its_file_and_the_others_still_load()
    {
        WriteCustom("nadia");
        WriteCustom("badjson");
        File.WriteAllText(Path.Combine(_dir, "badjson", "presenter.json"), "{ not json");
        WriteCustom("nohead");
        File.Delete(Path.Combine(_dir, "nohead", "head.png"));
        WriteCustom("badsvg");
        File.WriteAllText(Path.Combine(_dir, "badsvg", "brows.svg"), "<svg this is not");
        WriteCustom("nogender", m => m.Gender = null);
        WriteCustom("karen");

        using var catalog = new PresenterCatalog(_dir);

        var nadia = catalog.Find("NADIA");
        Assert.NotNull(nadia);
        Assert.Equal(("Nadia", "Female", "en-GB-SoniaNeural", true), (nadia.DisplayName, nadia.Gender, nadia.DefaultVoice, nadia.Custom));
        Assert.Equal("nadia", catalog.All[^1].Name);
        var problems = catalog.Problems.ToDictionary(p => p.Name);
        Assert.Equal(5, problems.Count);
        Assert.Equal(Path.Combine(_dir, "badjson", "presenter.json"), problems["badjson"].File);
        Assert.Contains("not valid JSON", problems["badjson"].Reason);
        Assert.Equal((Path.Combine(_dir, "nohead", "head.png"), "missing"), (problems["nohead"].File, problems["nohead"].Reason));
        Assert.Equal(Path.Combine(_dir, "badsvg", "brows.svg"), problems["badsvg"].File);
        Assert.Contains("SVG", problems["badsvg"].Reason);
        Assert.Contains("gender", problems["nogender"].Reason);
        Assert.Contains("built-in", problems["karen"].Reason);
        Assert.False(catalog.Exists("badjson"));
        Assert.False(catalog.Find("karen")!.Custom);

        // The custom presenter draws: a preview with its PNG body and head.
        using var preview = SKBitmap.Decode(catalog.PreviewPng("nadia", 240, 270));
        Assert.Equal((240, 270), (preview.Width, preview.Height));
        Assert.Equal(new SKColor(0x33, 0x66, 0x99), preview.GetPixel(120, 260));   // the body's colour, at the bottom
    }

    /// <summary>A small custom presenter made of PNG parts (an SVG for the brows) on a 200x240 canvas.</summary>
    private void WriteCustom(string name, Action<PresenterManifest>? change = null)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        void Png(string file, Action<SKCanvas, SKPaint> draw)
        {
            using var bitmap = new SKBitmap(200, 240);
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { IsAntialias = true })
            {
                canvas.Clear(SKColors.Transparent);
                draw(canvas, paint);
            }
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(dir, file), data.ToArray());
        }
        Png("body.png", (c, p) => { p.Color = new SKColor(0x33, 0x66, 0x99); c.DrawRect(30, 170, 140, 70, p); });
        Png("head.png", (c, p) => { p.Color = new SKColor(0xD0, 0x8B, 0x5B); c.DrawCircle(100, 100, 60, p); });
        Png("eyes-open.png", (c, p) => { p.Color = SKColors.Black; c.DrawCircle(80, 90, 6, p); c.DrawCircle(120, 90, 6, p); });
        Png("eyes-closed.png", (c, p) => { p.Color = SKColors.Black; c.DrawRect(74, 89, 12, 3, p); c.DrawRect(114, 89, 12, 3, p); });
        File.WriteAllText(Path.Combine(dir, "brows.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 240\"><path d=\"M70 72 L90 70 M110 70 L130 72\" stroke=\"#000\" stroke-width=\"4\"/></svg>");
        var manifest = new PresenterManifest
        {
            DisplayName = char.ToUpperInvariant(name[0]) + name[1..],
            Gender = "Female",
            DefaultVoice = "en-GB-SoniaNeural",
            Canvas = new() { Width = 200, Height = 240 },
            Parts = new() { Body = "body.png", Head = "head.png", EyesOpen = "eyes-open.png", EyesClosed = "eyes-closed.png", Brows = "brows.svg" },
            Mouth = new() { X = 100, Y = 130, Width = 30 },
            Neck = new() { X = 100, Y = 165 },
        };
        change?.Invoke(manifest);
        File.WriteAllText(Path.Combine(dir, "presenter.json"), JsonSerializer.Serialize(manifest, PresenterArt.JsonOptions));
    }

    private static byte[] Pixels(PresenterArt art, PresenterPose pose)
    {
        var size = art.SpriteSize(0.5f);
        using var bitmap = new SKBitmap(size.Width, size.Height);
        using (var canvas = new SKCanvas(bitmap))
            art.DrawHead(canvas, 0.5f, pose);
        return bitmap.Bytes;
    }

    /// <summary>The nine mouths side by side, large, for docs/presenters.md.</summary>
    private static void WriteSheet(PresenterArt art, string path)
    {
        var size = art.SpriteSize(0.5f);
        var shapes = Enum.GetValues<MouthShape>();
        var crop = SKRectI.Create((int)((art.Manifest.Mouth!.X - art.HeadBounds.Left - 90) * 0.5f), (int)((art.Manifest.Mouth.Y - art.HeadBounds.Top - 110) * 0.5f), 90, 110);
        using var sheet = new SKBitmap(crop.Width * shapes.Length, crop.Height);
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(SKColors.White);
        for (var i = 0; i < shapes.Length; i++)
        {
            using var head = new SKBitmap(size.Width, size.Height);
            using (var c = new SKCanvas(head))
                art.DrawHead(c, 0.5f, PresenterPose.Mouth(shapes[i]));
            using var image = SKImage.FromBitmap(head);
            canvas.DrawImage(image, crop, SKRect.Create(i * crop.Width, 0, crop.Width, crop.Height), new SKSamplingOptions(SKFilterMode.Linear), null);
        }
        using var data = sheet.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
