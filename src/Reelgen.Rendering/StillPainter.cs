using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// Draws the still pictures of a render with SkiaSharp, once each: images scaled to fit their box (aspect kept,
/// centred), text tracks, and the presenter placeholder of actor tracks.
/// </summary>
internal sealed class StillPainter(IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media) : IDisposable
{
    private readonly TextPainter _text = new();
    private readonly Dictionary<string, SKImage> _images = [];
    private readonly Lock _lock = new();

    public void Paint(StillPicture picture, string pngPath)
    {
        var info = new SKImageInfo(picture.Width, picture.Height, SKColorType.Rgba8888, picture.Background is null ? SKAlphaType.Premul : SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info) ?? throw new RenderException($"could not allocate a {picture.Width}x{picture.Height} picture");
        var canvas = surface.Canvas;
        canvas.Clear(picture.Background is { } bg ? Colors.Parse(bg).WithAlpha(255) : SKColors.Transparent);
        canvas.Translate(-picture.X, -picture.Y);
        foreach (var track in picture.Tracks)
        {
            var box = new SKRect(track.X, track.Y, track.X + track.Width, track.Y + track.Height);
            switch (track.Track.Type)
            {
                case TrackTypes.Image:
                    DrawImage(canvas, box, media[(track.SceneIndex, track.TrackIndex)].Path);
                    break;
                case TrackTypes.Text:
                    lock (_lock)
                        _text.Draw(canvas, box, track.Track.Text ?? "", track.Track.Style, media.TryGetValue((track.SceneIndex, track.TrackIndex), out var font) ? font.Path : null);
                    break;
                case TrackTypes.Actor:
                    lock (_lock)
                        DrawPresenter(canvas, box, Actors.Find(track.Track.Actor ?? ""), track.Track.RemoveBackground == true);
                    break;
            }
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        using var file = File.Create(pngPath);
        // Fast compression: the PNG is read once by ffmpeg moments later, size hardly matters.
        if (!pixmap.Encode(file, new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 1)))
            throw new RenderException("could not write a still picture");
    }

    private void DrawImage(SKCanvas canvas, SKRect box, string path)
    {
        var image = Load(path);
        var scale = Math.Min(box.Width / image.Width, box.Height / image.Height);
        var w = image.Width * scale;
        var h = image.Height * scale;
        var dest = SKRect.Create(box.Left + ((box.Width - w) / 2), box.Top + ((box.Height - h) / 2), w, h);
        using var paint = new SKPaint { IsAntialias = true };
        canvas.DrawImage(image, dest, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
    }

    /// <summary>Decodes a picture once per render (a GIF's first frame), upright as its EXIF orientation says.</summary>
    private SKImage Load(string path)
    {
        lock (_lock)
        {
            if (_images.TryGetValue(path, out var cached))
                return cached;
            using var codec = SKCodec.Create(path) ?? throw new RenderException($"{Path.GetFileName(path)} could not be decoded");
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            using var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
                throw new RenderException($"a picture could not be decoded ({result})");
            using var upright = Orient(bitmap, codec.EncodedOrigin);
            var image = SKImage.FromBitmap(upright);
            _images[path] = image;
            return image;
        }
    }

    private static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
            return bitmap.Copy();
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var rotated = new SKBitmap(swap ? bitmap.Height : bitmap.Width, swap ? bitmap.Width : bitmap.Height, bitmap.ColorType, bitmap.AlphaType);
        using var canvas = new SKCanvas(rotated);
        var (w, h) = (bitmap.Width, bitmap.Height);
        // Each EXIF orientation as the transform that brings the stored pixels upright.
        switch (origin)
        {
            case SKEncodedOrigin.TopRight:
                canvas.Translate(w, 0);
                canvas.Scale(-1, 1);
                break;
            case SKEncodedOrigin.BottomRight:
                canvas.Translate(w, h);
                canvas.RotateDegrees(180);
                break;
            case SKEncodedOrigin.BottomLeft:
                canvas.Translate(0, h);
                canvas.Scale(1, -1);
                break;
            case SKEncodedOrigin.LeftTop:
                canvas.Scale(-1, 1);
                canvas.RotateDegrees(90);
                break;
            case SKEncodedOrigin.RightTop:
                canvas.Translate(h, 0);
                canvas.RotateDegrees(90);
                break;
            case SKEncodedOrigin.RightBottom:
                canvas.Translate(h, w);
                canvas.Scale(1, -1);
                canvas.RotateDegrees(90);
                break;
            case SKEncodedOrigin.LeftBottom:
                canvas.Translate(0, w);
                canvas.RotateDegrees(270);
                break;
        }
        using var source = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(source, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return rotated;
    }

    /// <summary>
    /// The presenter placeholder: the actor's colour filling the box (unless removeBackground), a head-and-shoulders
    /// silhouette in a lighter tint, and the actor's name on a band at the bottom. Lip sync is a later feature.
    /// </summary>
    internal static void DrawPresenter(SKCanvas canvas, SKRect box, ActorInfo? actor, bool transparent)
    {
        var colour = Colors.Parse(actor?.Color ?? "#607D8B");
        canvas.Save();
        canvas.ClipRect(box);
        if (!transparent)
        {
            using var fill = new SKPaint
            {
                Shader = SKShader.CreateLinearGradient(new SKPoint(box.Left, box.Top), new SKPoint(box.Left, box.Bottom),
                    [Mix(colour, SKColors.White, 0.15f), Mix(colour, SKColors.Black, 0.25f)], SKShaderTileMode.Clamp),
            };
            canvas.DrawRect(box, fill);
        }
        var unit = Math.Min(box.Width, box.Height * 0.9f);
        var cx = box.MidX;
        using var body = new SKPaint { IsAntialias = true, Color = transparent ? colour : Mix(colour, SKColors.White, 0.6f) };
        var headRadius = unit * 0.17f;
        var headY = box.Top + (box.Height * 0.38f);
        var shoulders = unit * 0.78f;
        var shouldersTop = headY + (headRadius * 1.25f);
        canvas.DrawRoundRect(new SKRect(cx - (shoulders / 2), shouldersTop, cx + (shoulders / 2), box.Bottom + (shoulders * 0.5f)), shoulders * 0.4f, shoulders * 0.4f, body);
        canvas.DrawRect(new SKRect(cx - (headRadius * 0.45f), headY, cx + (headRadius * 0.45f), shouldersTop + 2), body);
        using var head = new SKPaint { IsAntialias = true, Color = transparent ? Mix(colour, SKColors.White, 0.25f) : Mix(colour, SKColors.White, 0.75f) };
        canvas.DrawCircle(cx, headY, headRadius, head);

        var name = actor?.DisplayName ?? "Presenter";
        var textSize = Math.Max(10f, box.Height * 0.075f);
        using var typeface = SKFontManager.Default.MatchFamily(TextPainter.DefaultFamily, SKFontStyle.Bold) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, textSize);
        var band = new SKRect(box.Left, box.Bottom - (textSize * 1.8f), box.Right, box.Bottom);
        using var bandPaint = new SKPaint { Color = new SKColor(0, 0, 0, 140) };
        canvas.DrawRect(band, bandPaint);
        using var label = new SKPaint { IsAntialias = true, Color = SKColors.White };
        canvas.DrawText(name, band.MidX, band.Bottom - (textSize * 0.55f), SKTextAlign.Center, font, label);
        canvas.Restore();
    }

    private static SKColor Mix(SKColor a, SKColor b, float t) => new(
        (byte)(a.Red + ((b.Red - a.Red) * t)),
        (byte)(a.Green + ((b.Green - a.Green) * t)),
        (byte)(a.Blue + ((b.Blue - a.Blue) * t)));

    public void Dispose()
    {
        foreach (var image in _images.Values)
            image.Dispose();
        _text.Dispose();
    }
}
