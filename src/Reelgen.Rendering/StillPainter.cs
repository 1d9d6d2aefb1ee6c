using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// Draws the still pictures of a render with SkiaSharp, once each: images scaled to fit their box (aspect kept,
/// centred), text tracks, and the still part of presenters (backdrop and body).
/// </summary>
internal sealed class StillPainter(IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media, PresenterCatalog presenters, int frameWidth) : IDisposable
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
        if (picture.Reveal is { } sheet)
        {
            // A typewriter's steps, one cell each, top to bottom.
            for (var j = 0; j < sheet.Counts.Count; j++)
            {
                canvas.Save();
                canvas.Translate(0, j * sheet.CellHeight);
                canvas.ClipRect(new SKRect(0, 0, picture.Width, sheet.CellHeight));
                canvas.Translate(-picture.X, -picture.Y);
                DrawTracks(canvas, picture, sheet.Counts[j]);
                canvas.Restore();
            }
        }
        else
        {
            canvas.Translate(-picture.X, -picture.Y);
            DrawTracks(canvas, picture, null);
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        using var file = File.Create(pngPath);
        // Fast compression: the PNG is read once by ffmpeg moments later, size hardly matters.
        if (!pixmap.Encode(file, new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 1)))
            throw new RenderException("could not write a still picture");
    }

    // characters: how many of a text's characters to draw (a typewriter's step); null for all.
    private void DrawTracks(SKCanvas canvas, StillPicture picture, int? characters)
    {
        foreach (var track in picture.Tracks)
        {
            var box = new SKRect(track.X, track.Y, track.X + track.Width, track.Y + track.Height);
            switch (track.Track.Type)
            {
                case TrackTypes.Image:
                    DrawImage(canvas, box, media[(track.SceneIndex, track.TrackIndex)].Path, track.Track.Fit);
                    break;
                case TrackTypes.Text:
                    lock (_lock)
                        _text.Draw(canvas, box, track.Track.Text ?? "", track.Track.Style, media.TryGetValue((track.SceneIndex, track.TrackIndex), out var font) ? font.Path : null, characters);
                    break;
                case TrackTypes.Actor:
                    var presenter = presenters.Find(track.Track.Actor ?? "") ?? throw new RenderException($"{track.Label}: actor '{track.Track.Actor}' is not known");
                    presenters.Art(presenter.Name).DrawBody(canvas, box, Colors.Parse(presenter.Color), track.Track.RemoveBackground == true,
                        PresenterArt.FacesLeft(box, frameWidth));
                    break;
            }
        }
    }

    /// <summary>An image in its box as <c>fit</c> says: contain (default), cover, stretch, or contain over a blurred cover.</summary>
    private void DrawImage(SKCanvas canvas, SKRect box, string path, string? fit)
    {
        var image = Load(path);
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        SKRect Scaled(float scale)
        {
            var w = image.Width * scale;
            var h = image.Height * scale;
            return SKRect.Create(box.Left + ((box.Width - w) / 2), box.Top + ((box.Height - h) / 2), w, h);
        }
        var containRect = Scaled(Math.Min(box.Width / image.Width, box.Height / image.Height));
        var coverRect = Scaled(Math.Max(box.Width / image.Width, box.Height / image.Height));
        using var paint = new SKPaint { IsAntialias = true };
        canvas.Save();
        canvas.ClipRect(box);
        switch (fit)
        {
            case "stretch":
                canvas.DrawImage(image, box, sampling, paint);
                break;
            case "cover":
                canvas.DrawImage(image, coverRect, sampling, paint);
                break;
            case "contain-blur":
                var sigma = Math.Max(box.Width, box.Height) / 40;
                using (var blurred = new SKPaint { IsAntialias = true, ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp, null) })
                    canvas.DrawImage(image, coverRect, sampling, blurred);
                canvas.DrawImage(image, containRect, sampling, paint);
                break;
            default:
                canvas.DrawImage(image, containRect, sampling, paint);
                break;
        }
        canvas.Restore();
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

    public void Dispose()
    {
        foreach (var image in _images.Values)
            image.Dispose();
        _text.Dispose();
    }
}
