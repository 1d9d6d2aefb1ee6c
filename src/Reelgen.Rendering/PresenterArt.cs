using System.Text.Json;
using System.Text.Json.Serialization;
using SkiaSharp;
using Svg.Skia;

namespace Reelgen.Rendering;

/// <summary>The nine classic mouth shapes (Preston Blair, as Rhubarb Lip Sync names them), X being the mouth at rest.</summary>
public enum MouthShape
{
    /// <summary>At rest: closed and relaxed (pauses, before and after speech).</summary>
    X,

    /// <summary>Closed, lips pressed: M, B, P.</summary>
    A,

    /// <summary>Slightly open, teeth together: most consonants (K, S, T, ...) and EE.</summary>
    B,

    /// <summary>Open: EH, AE, the schwa.</summary>
    C,

    /// <summary>Wide open: AA as in father.</summary>
    D,

    /// <summary>Slightly rounded: AO as in off, ER as in bird.</summary>
    E,

    /// <summary>Puckered: OO as in you, W.</summary>
    F,

    /// <summary>Upper teeth on the lower lip: F, V.</summary>
    G,

    /// <summary>Tongue raised behind the upper teeth: L.</summary>
    H,
}

/// <summary>
/// One drawn state of a presenter's head: the mouth (easing from one shape to the next), eyes, brows and how far
/// into a nod the head is. Two poses that are equal draw the same pixels.
/// </summary>
public readonly record struct PresenterPose(MouthShape From, MouthShape To, int Blend, bool EyesClosed, bool BrowsUp, int Nod)
{
    public static PresenterPose Rest => new(MouthShape.X, MouthShape.X, 100, false, false, 0);

    public static PresenterPose Mouth(MouthShape shape) => new(shape, shape, 100, false, false, 0);

    /// <summary>A name usable as a file name (portable characters only).</summary>
    public string Key => $"{From}{To}{Blend:D3}{(EyesClosed ? "c" : "o")}{(BrowsUp ? "u" : "n")}{Nod}";
}

/// <summary>A presenter art folder that cannot be used, with the file at fault and why.</summary>
public sealed class PresenterArtException(string file, string reason) : Exception($"{file}: {reason}")
{
    public string File { get; } = file;

    public string Reason { get; } = reason;
}

/// <summary>
/// A presenter's art: parts (SVG or PNG) drawn on one shared canvas, and a manifest, <c>presenter.json</c>, naming
/// them and saying where the mouth and the neck are (docs/presenters.md). The body stays still; the head, eyes,
/// brows, mouth and whatever sits in front of the face (glasses, a moustache) move together. Mouths come from the
/// folder when it has all nine, else they are drawn in code at the manifest's mouth.
/// </summary>
public sealed class PresenterArt : IDisposable
{
    public const string ManifestFile = "presenter.json";

    /// <summary>Nods go at most this many steps deep.</summary>
    public const int MaxNod = 3;

    private readonly Part _body;
    private readonly Part _head;
    private readonly Part _eyesOpen;
    private readonly Part _eyesClosed;
    private readonly Part _brows;
    private readonly Part? _front;
    private readonly Dictionary<MouthShape, Part>? _mouths;
    private readonly SKImage? _hair;

    private PresenterArt(PresenterManifest manifest, Part body, Part head, Part eyesOpen, Part eyesClosed, Part brows, Part? front, Dictionary<MouthShape, Part>? mouths)
    {
        Manifest = manifest;
        (_body, _head, _eyesOpen, _eyesClosed, _brows, _front, _mouths) = (body, head, eyesOpen, eyesClosed, brows, front, mouths);
        Width = manifest.Canvas!.Width;
        Height = manifest.Canvas.Height;
        HeadBounds = MeasureHead();
        _hair = manifest.HairColor is { } hair ? HairFill(head, Width, Height, Colors.Parse(hair)) : null;
    }

    public PresenterManifest Manifest { get; }

    /// <summary>The canvas every part is drawn on, in art units.</summary>
    public float Width { get; }

    public float Height { get; }

    /// <summary>Where the moving parts can reach on the canvas (nods and raised brows included), in art units.</summary>
    public SKRect HeadBounds { get; }

    /// <summary>Reads a presenter folder through <paramref name="open"/> (a file name to its bytes, or null when it is missing).</summary>
    /// <exception cref="PresenterArtException">A file is missing or broken; the exception names it.</exception>
    public static PresenterArt Load(Func<string, byte[]?> open)
    {
        var json = open(ManifestFile) ?? throw new PresenterArtException(ManifestFile, "missing");
        PresenterManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PresenterManifest>(json, JsonOptions) ?? throw new JsonException("empty");
        }
        catch (JsonException ex)
        {
            throw new PresenterArtException(ManifestFile, $"not valid JSON ({ex.Message})");
        }
        if (manifest.Canvas is not { Width: > 0 and <= 10000, Height: > 0 and <= 10000 })
            throw new PresenterArtException(ManifestFile, "canvas: width and height must be between 1 and 10000");
        if (manifest.Parts is not { } parts)
            throw new PresenterArtException(ManifestFile, "parts: missing");
        if (manifest.HairColor is { } hairColor && (hairColor.Length != 7 || !Creative.CreativeRules.IsColor(hairColor)))
            throw new PresenterArtException(ManifestFile, "hairColor: must be a colour written #RRGGBB");
        if (manifest.Mouth is not { Width: > 0 } mouth || mouth.X < 0 || mouth.Y < 0 || mouth.X > manifest.Canvas.Width || mouth.Y > manifest.Canvas.Height)
            throw new PresenterArtException(ManifestFile, "mouth: x and y must lie on the canvas and width must be positive");
        var size = new SKSize(manifest.Canvas.Width, manifest.Canvas.Height);
        Part Required(string? file, string field) =>
            file is null ? throw new PresenterArtException(ManifestFile, $"parts.{field}: missing") : Part.Load(file, open(file), size);
        var body = Required(parts.Body, "body");
        var head = Required(parts.Head, "head");
        var eyesOpen = Required(parts.EyesOpen, "eyesOpen");
        var eyesClosed = Required(parts.EyesClosed, "eyesClosed");
        var brows = Required(parts.Brows, "brows");
        var front = parts.Front is null ? null : Part.Load(parts.Front, open(parts.Front), size);
        Dictionary<MouthShape, Part>? mouths = null;
        if (parts.Mouths is { Count: > 0 })
        {
            mouths = [];
            foreach (var shape in Enum.GetValues<MouthShape>())
            {
                if (!parts.Mouths.TryGetValue(shape.ToString(), out var file))
                    throw new PresenterArtException(ManifestFile, $"parts.mouths: {shape} is missing (give all nine shapes, X and A to H, or none)");
                mouths[shape] = Part.Load(file, open(file), size);
            }
        }
        return new PresenterArt(manifest, body, head, eyesOpen, eyesClosed, brows, front, mouths);
    }

    /// <summary>The still part: the backdrop (unless transparent) and the body, fitted in <paramref name="box"/>.</summary>
    public void DrawBody(SKCanvas canvas, SKRect box, SKColor backdrop, bool transparent, bool mirrored = false)
    {
        canvas.Save();
        canvas.ClipRect(box);
        if (!transparent)
        {
            // A soft studio backdrop: the presenter's colour, lit from behind the head.
            var fit = Fit(box);
            var centre = new SKPoint(box.MidX, fit.Top + (HeadBounds.MidY * fit.Scale));
            using var fill = new SKPaint
            {
                Shader = SKShader.CreateRadialGradient(centre, Math.Max(box.Width, box.Height) * 0.9f,
                    [Mix(backdrop, SKColors.White, 0.62f), Mix(backdrop, SKColors.White, 0.3f)], SKShaderTileMode.Clamp),
            };
            canvas.DrawRect(box, fill);
        }
        var (left, top, scale) = Fit(box);
        canvas.Translate(left, top);
        canvas.Scale(scale);
        if (mirrored)
            canvas.Scale(-1, 1, Width / 2, 0);
        _body.Draw(canvas);
        canvas.Restore();
    }

    /// <summary>Where the canvas lands in a box: as large as fits, centred across and standing on the box's bottom.</summary>
    public (float Left, float Top, float Scale) Fit(SKRect box)
    {
        var scale = Math.Min(box.Width / Width, box.Height / Height);
        return (box.Left + ((box.Width - (Width * scale)) / 2), box.Bottom - (Height * scale), scale);
    }

    /// <summary>
    /// Presenters face the middle of the picture: art drawn facing right is mirrored when its box lies in the right
    /// half, so a presenter beside the content looks towards it.
    /// </summary>
    public static bool FacesLeft(SKRect box, int frameWidth) => box.MidX > frameWidth / 2f;

    /// <summary>Where the head picture's top-left corner lands in a box, mirrored or not.</summary>
    public SKPoint HeadOrigin(SKRect box, bool mirrored)
    {
        var (left, top, scale) = Fit(box);
        return new SKPoint(left + ((mirrored ? Width - HeadBounds.Right : HeadBounds.Left) * scale), top + (HeadBounds.Top * scale));
    }

    /// <summary>The size in pixels of a head picture at <paramref name="scale"/> pixels per art unit.</summary>
    public SKSizeI SpriteSize(float scale) =>
        new((int)Math.Ceiling(HeadBounds.Width * scale), (int)Math.Ceiling(HeadBounds.Height * scale));

    /// <summary>Draws the moving part in one pose on a transparent picture of <see cref="SpriteSize"/>.</summary>
    public void DrawHead(SKCanvas canvas, float scale, PresenterPose pose, bool mirrored = false)
    {
        canvas.Clear(SKColors.Transparent);
        DrawFace(canvas, scale, pose, mirrored);
        DrawMouth(canvas, scale, pose, mirrored);
    }

    /// <summary>
    /// The parts of a pose under the mouth (head, hair, eyes, brows), which many poses share: a render draws each
    /// such face once and only the mouth and what lies over it per pose (<see cref="DrawMouth"/>).
    /// </summary>
    public void DrawFace(SKCanvas canvas, float scale, PresenterPose pose, bool mirrored = false)
    {
        canvas.Save();
        PlaceHead(canvas, scale, pose, mirrored);
        // Parts are immutable pictures: heads of one presenter are drawn on both cores at once.
        _head.Draw(canvas);
        if (_hair is not null)
            canvas.DrawImage(_hair, SKRect.Create(Width, Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        (pose.EyesClosed ? _eyesClosed : _eyesOpen).Draw(canvas);
        canvas.Save();
        if (pose.BrowsUp)
            canvas.Translate(0, -Manifest.Mouth!.Width * 0.16f);
        _brows.Draw(canvas);
        canvas.Restore();
        canvas.Restore();
    }

    /// <summary>The mouth of a pose and the parts drawn over it, over the face <see cref="DrawFace"/> drew.</summary>
    public void DrawMouth(SKCanvas canvas, float scale, PresenterPose pose, bool mirrored = false)
    {
        canvas.Save();
        PlaceHead(canvas, scale, pose, mirrored);
        if (_mouths is not null)
            _mouths[pose.Blend >= 50 ? pose.To : pose.From].Draw(canvas);
        else
            MouthPainter.Draw(canvas, Manifest.Mouth!, pose.From, pose.To, pose.Blend / 100f);
        _front?.Draw(canvas);
        canvas.Restore();
    }

    /// <summary>The art's coordinates on a sprite: scaled, the head's bounds at the origin, mirrored, nodding.</summary>
    private void PlaceHead(SKCanvas canvas, float scale, PresenterPose pose, bool mirrored)
    {
        canvas.Scale(scale);
        if (mirrored)
        {
            canvas.Translate(-(Width - HeadBounds.Right), -HeadBounds.Top);
            canvas.Scale(-1, 1, Width / 2, 0);
        }
        else
        {
            canvas.Translate(-HeadBounds.Left, -HeadBounds.Top);
        }
        // A nod tips the head forward about the neck and lowers it a little.
        if (pose.Nod > 0 && Manifest.Neck is { } neck)
        {
            canvas.Translate(0, pose.Nod * Height * 0.004f);
            canvas.RotateDegrees(pose.Nod * 1.3f, neck.X, neck.Y);
        }
    }

    /// <summary>The moving parts' bounds, found from their pixels (a part may be drawn anywhere on the canvas), with room to nod and raise the brows.</summary>
    private SKRect MeasureHead()
    {
        const float scale = 0.25f;
        var w = (int)Math.Ceiling(Width * scale);
        var h = (int)Math.Ceiling(Height * scale);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.Scale(scale);
            foreach (var part in new[] { _head, _eyesOpen, _eyesClosed, _brows, _front })
                part?.Draw(canvas);
            foreach (var mouth in _mouths?.Values.ToList() ?? [])
                mouth.Draw(canvas);
            if (_mouths is null)
                MouthPainter.Draw(canvas, Manifest.Mouth!, MouthShape.D, MouthShape.D, 1);
        }
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                if (pixels[(((y * w) + x) * 4) + 3] == 0)
                    continue;
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
            }
        }
        if (x1 < 0)
            throw new PresenterArtException(Manifest.Parts!.Head!, "draws nothing");
        var pad = Math.Max(Width, Height) * 0.04f;
        var bounds = new SKRect((x0 / scale) - pad, (y0 / scale) - pad, ((x1 + 1) / scale) + pad, ((y1 + 1) / scale) + (pad * 1.5f));
        bounds.Intersect(new SKRect(-pad, -pad, Width + pad, Height + pad));
        return bounds;
    }

    /// <summary>
    /// The head's solid black hair in <paramref name="color"/>, as a picture over the canvas: the head's black drawn
    /// once, thin ink lines (face, ears, strands) taken away by an opening (erode, then dilate) so only the masses
    /// stay, those shrunk by an ink line's width so a dark rim remains. Drawn over the head, every line stays black.
    /// </summary>
    private static SKImage HairFill(Part head, float width, float height, SKColor color)
    {
        // At most 1024 pixels on the long side; the ink of the built-in art is about 10 units wide on 704.
        var scale = Math.Min(1f, 1024f / Math.Max(width, height));
        var (w, h) = ((int)Math.Ceiling(width * scale), (int)Math.Ceiling(height * scale));
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.Scale(scale);
            head.Draw(canvas);
        }
        var pixels = bitmap.GetPixelSpan();
        var dark = new bool[w * h];
        for (var i = 0; i < dark.Length; i++)
            dark[i] = pixels[(i * 4) + 3] > 200 && pixels[i * 4] + pixels[(i * 4) + 1] + pixels[(i * 4) + 2] < 150;
        var unit = width / 704f * scale;
        var line = Math.Max(1, (int)Math.Round(9 * unit));
        var rim = Math.Max(1, (int)Math.Round(5 * unit));
        var fill = Morph(Morph(Morph(dark, w, h, line, erode: true), w, h, line, erode: false), w, h, rim, erode: true);
        using var result = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        var output = result.GetPixelSpan();
        var premultiplied = color.WithAlpha(255);
        for (var i = 0; i < fill.Length; i++)
        {
            if (!fill[i])
                continue;
            (output[i * 4], output[(i * 4) + 1], output[(i * 4) + 2], output[(i * 4) + 3]) = (premultiplied.Red, premultiplied.Green, premultiplied.Blue, 255);
        }
        return SKImage.FromBitmap(result);
    }

    /// <summary>Erosion or dilation of a mask by a square of side 2r+1, as two passes of a running count.</summary>
    private static bool[] Morph(bool[] mask, int w, int h, int r, bool erode)
    {
        var window = (2 * r) + 1;
        bool Keep(int count) => erode ? count == window : count > 0;
        var across = new bool[mask.Length];
        for (var y = 0; y < h; y++)
        {
            var count = 0;
            for (var x = -r; x < w + r; x++)
            {
                if (x + r < w && mask[(y * w) + x + r])
                    count++;
                if (x - r - 1 >= 0 && mask[(y * w) + x - r - 1])
                    count--;
                if (x >= 0 && x < w)
                    across[(y * w) + x] = Keep(count);
            }
        }
        var result = new bool[mask.Length];
        for (var x = 0; x < w; x++)
        {
            var count = 0;
            for (var y = -r; y < h + r; y++)
            {
                if (y + r < h && across[((y + r) * w) + x])
                    count++;
                if (y - r - 1 >= 0 && across[((y - r - 1) * w) + x])
                    count--;
                if (y >= 0 && y < h)
                    result[(y * w) + x] = Keep(count);
            }
        }
        return result;
    }

    private static SKColor Mix(SKColor a, SKColor b, float t) => new(
        (byte)(a.Red + ((b.Red - a.Red) * t)),
        (byte)(a.Green + ((b.Green - a.Green) * t)),
        (byte)(a.Blue + ((b.Blue - a.Blue) * t)));

    public void Dispose()
    {
        foreach (var part in new[] { _body, _head, _eyesOpen, _eyesClosed, _brows, _front })
            part?.Dispose();
        foreach (var mouth in _mouths?.Values.ToList() ?? [])
            mouth.Dispose();
        _hair?.Dispose();
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>One part: an SVG picture or a PNG, either stretched over the whole canvas.</summary>
    private sealed class Part : IDisposable
    {
        private readonly SKPicture? _picture;
        private readonly SKImage? _image;
        private readonly SKSize _canvas;

        private Part(SKPicture? picture, SKImage? image, SKSize canvas) => (_picture, _image, _canvas) = (picture, image, canvas);

        public static Part Load(string file, byte[]? bytes, SKSize canvas)
        {
            if (bytes is null)
                throw new PresenterArtException(file, "missing");
            if (file.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            {
                SKPicture? picture;
                try
                {
                    using var stream = new MemoryStream(bytes);
                    using var svg = SKSvg.CreateFromStream(stream);
                    picture = svg?.Picture;
                    // The picture outlives the SKSvg that made it: keep it by serialising and reading it back.
                    if (picture is not null)
                    {
                        using var data = picture.Serialize();
                        picture = SKPicture.Deserialize(data);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    throw new PresenterArtException(file, $"not a readable SVG ({ex.Message})");
                }
                if (picture is null || picture.CullRect.Width <= 0 || picture.CullRect.Height <= 0)
                    throw new PresenterArtException(file, "not a readable SVG (no size: give it a viewBox or width and height)");
                return new Part(picture, null, canvas);
            }
            if (file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                var image = SKImage.FromEncodedData(bytes) ?? throw new PresenterArtException(file, "not a readable PNG");
                return new Part(null, image, canvas);
            }
            throw new PresenterArtException(file, "parts must be .svg or .png files");
        }

        /// <summary>Draws the part over the canvas (0, 0)-(width, height), whatever its own size.</summary>
        public void Draw(SKCanvas canvas)
        {
            if (_picture is not null)
            {
                var r = _picture.CullRect;
                canvas.Save();
                canvas.Scale(_canvas.Width / r.Width, _canvas.Height / r.Height);
                canvas.Translate(-r.Left, -r.Top);
                canvas.DrawPicture(_picture);
                canvas.Restore();
            }
            else if (_image is not null)
            {
                using var paint = new SKPaint { IsAntialias = true };
                canvas.DrawImage(_image, SKRect.Create(_canvas), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
            }
        }

        public void Dispose()
        {
            _picture?.Dispose();
            _image?.Dispose();
        }
    }
}

/// <summary>The JSON manifest of a presenter folder, <c>presenter.json</c> (docs/presenters.md).</summary>
public sealed class PresenterManifest
{
    /// <summary>Shown to people; a custom presenter's folder name when missing.</summary>
    public string? DisplayName { get; set; }

    /// <summary><c>Male</c> or <c>Female</c>.</summary>
    public string? Gender { get; set; }

    /// <summary>The voice used when a track names none.</summary>
    public string? DefaultVoice { get; set; }

    /// <summary>The backdrop colour when the background is kept, <c>#RRGGBB</c>.</summary>
    public string? Backdrop { get; set; }

    /// <summary>Optional, <c>#RRGGBB</c>: the head's solid black hair is drawn in this colour, its ink lines kept black.</summary>
    public string? HairColor { get; set; }

    public CanvasSize? Canvas { get; set; }

    public PartFiles? Parts { get; set; }

    public MouthPlace? Mouth { get; set; }

    public NeckPlace? Neck { get; set; }

    public sealed class CanvasSize
    {
        public int Width { get; set; }

        public int Height { get; set; }
    }

    public sealed class PartFiles
    {
        public string? Body { get; set; }

        public string? Head { get; set; }

        public string? EyesOpen { get; set; }

        public string? EyesClosed { get; set; }

        public string? Brows { get; set; }

        public string? Front { get; set; }

        /// <summary>Optional: all nine shapes by letter (<c>X</c>, <c>A</c> ... <c>H</c>), or none to have them drawn.</summary>
        public Dictionary<string, string>? Mouths { get; set; }
    }

    /// <summary>The mouth's centre and width on the canvas; <c>Lips</c> and <c>Line</c> colour the drawn mouths.</summary>
    public sealed class MouthPlace
    {
        public float X { get; set; }

        public float Y { get; set; }

        public float Width { get; set; }

        [JsonPropertyName("line")]
        public string? Line { get; set; }
    }

    public sealed class NeckPlace
    {
        public float X { get; set; }

        public float Y { get; set; }
    }
}
