using System.Collections.Concurrent;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// The pictures of one render, each decoded once and shared by its painters. While a script is being spoken (a
/// second or so for a minute of speech, on one core), the fetched pictures are decoded on the other core, so the
/// drawing that follows the speech does not wait for them; a render whose scripts all come from the speech cache
/// decodes only what it draws, as its scenes may well come from the scene cache.
/// </summary>
internal sealed class DecodedImages : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SKImage>> _images = new();
    private readonly List<string> _fetched = [];
    private readonly List<Task> _ahead = [];
    private readonly Lock _lock = new();
    private bool _decodingAhead;
    private bool _disposed;

    /// <summary>Whether pictures are decoded as they are fetched: some script is being spoken, or there is no scene cache.</summary>
    public bool DecodingAhead
    {
        get
        {
            lock (_lock)
                return _decodingAhead;
        }
    }

    /// <summary>The picture at <paramref name="path"/>, decoded now or before; a picture that cannot be decoded fails each time it is asked for.</summary>
    public SKImage Get(string path) => _images.GetOrAdd(path, p => new Lazy<SKImage>(() => Decode(p))).Value;

    /// <summary>A picture fetched for the render: decoded at once when decoding ahead has begun.</summary>
    public void Fetched(string path)
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _fetched.Add(path);
            if (_decodingAhead)
                Ahead(path);
        }
    }

    /// <summary>Begins decoding every picture fetched so far and from now on, beside the speech that has to be spoken.</summary>
    public void DecodeAhead()
    {
        lock (_lock)
        {
            if (_decodingAhead || _disposed)
                return;
            _decodingAhead = true;
            foreach (var path in _fetched)
                Ahead(path);
        }
    }

    // A picture that fails here fails again, with the same reason, where it is drawn.
    private void Ahead(string path) => _ahead.Add(Task.Run(() =>
    {
        try
        {
            Get(path);
        }
        catch (Exception ex) when (ex is RenderException or IOException or UnauthorizedAccessException)
        {
        }
    }));

    public async ValueTask DisposeAsync()
    {
        Task[] ahead;
        lock (_lock)
        {
            _disposed = true;
            ahead = [.. _ahead];
        }
        await Task.WhenAll(ahead);
        foreach (var image in _images.Values.Where(i => i.IsValueCreated))
            image.Value.Dispose();
    }

    /// <summary>A picture decoded (a GIF's first frame), upright as its EXIF orientation says.</summary>
    private static SKImage Decode(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new RenderException($"{Path.GetFileName(path)} could not be decoded");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new RenderException($"a picture could not be decoded ({result})");
        using var upright = Orient(bitmap, codec.EncodedOrigin);
        return SKImage.FromBitmap(upright);
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
}
