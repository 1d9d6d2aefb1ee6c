using System.Globalization;
using System.Text;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// Draws the still pictures of a render with SkiaSharp, once each: images scaled to fit their box (aspect kept,
/// centred), text tracks, and the still part of presenters (backdrop and body).
/// </summary>
internal sealed class StillPainter(IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media, PresenterCatalog presenters, int frameWidth, DecodedImages images) : IDisposable
{
    private readonly TextPainter _text = new();
    private readonly Lock _lock = new();

    /// <summary>
    /// Pays, ahead of time, what the first pictures of a render would otherwise pay before ffmpeg can start: reading
    /// the presenters' art, font matching and fallbacks for the creative's texts, the shaping, drawing and PNG code.
    /// Run while the scripts are spoken, it uses the core speech leaves free; nothing it draws is kept.
    /// </summary>
    public static void WarmUp(VideoCreative creative, PresenterCatalog presenters, CancellationToken ct)
    {
        using var surface = SKSurface.Create(new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (surface is null)
            return;
        var canvas = surface.Canvas;
        using var text = new TextPainter();
        foreach (var track in (creative.Scenes ?? []).SelectMany(s => s.Tracks ?? []))
        {
            ct.ThrowIfCancellationRequested();
            var box = new SKRect(0, 0, (float)(track.Size?.Width ?? 640), (float)(track.Size?.Height ?? 360));
            if (track.Type == TrackTypes.Actor && presenters.Find(track.Actor ?? "") is { } presenter)
            {
                var art = presenters.Art(presenter.Name);
                art.DrawBody(canvas, box, Colors.Parse(presenter.Color), track.RemoveBackground == true);
                var pose = new PresenterPose(MouthShape.X, MouthShape.A, 50, EyesClosed: false, BrowsUp: false, Nod: 0);
                art.DrawFace(canvas, 0.1f, pose);
                art.DrawMouth(canvas, 0.1f, pose);
            }
            else if (track.Type == TrackTypes.Text && track.Style?.FontUrl is null)
            {
                text.Draw(canvas, box, track.Text ?? "", track.Style);
            }
        }
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        using var png = new MemoryStream();
        pixmap.Encode(png, new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 1));
    }

    /// <summary>
    /// What a picture shows, whatever its name and times: its box, background and typewriter cells, and for each
    /// track (the same resolved track of the same render) its place and box. Two pictures with the same key draw
    /// the same pixels.
    /// </summary>
    public static string ContentKey(StillPicture picture)
    {
        var key = new StringBuilder();
        key.Append(CultureInfo.InvariantCulture, $"{picture.X},{picture.Y},{picture.Width}x{picture.Height}|{picture.Background}|");
        if (picture.Reveal is { } reveal)
            key.Append(CultureInfo.InvariantCulture, $"{reveal.CellHeight}:{string.Join(',', reveal.Counts)}|");
        foreach (var t in picture.Tracks)
            key.Append(CultureInfo.InvariantCulture, $"{t.SceneIndex}.{t.TrackIndex}@{t.X},{t.Y},{t.Width}x{t.Height};");
        return key.ToString();
    }

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
        var image = images.Get(path);
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

    public void Dispose()
    {
        _text.Dispose();
    }
}
