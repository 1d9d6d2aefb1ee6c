using System.Globalization;
using System.Text;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// Burnt-in subtitles for ffmpeg: an ffconcat list that shows each caption's picture while it is spoken and a
/// transparent one in between, all the same size, laid over the finished picture at (<see cref="X"/>, <see cref="Y"/>).
/// </summary>
internal sealed record SubtitleSprites(string ListPath, int X, int Y);

/// <summary>
/// Draws the caption cues (the same ones written to the VTT and SRT files) once each as a transparent picture the
/// width of the frame: each line centred on its own box (or outlined), the block standing on the bottom margin or
/// hanging from the top one. A minute of speech is a dozen or so pictures; ffmpeg switches them by time.
/// </summary>
internal static class SubtitlePainter
{
    public const string DefaultBackground = "#000000B3";
    public const string DefaultFamily = "DejaVu Sans";

    /// <summary>Null when the creative does not burn its captions in, or nothing is spoken.</summary>
    public static async Task<SubtitleSprites?> DrawAsync(
        SubtitleSettings? settings, IReadOnlyList<CaptionCue> cues, CompositionPlan plan, string workDirectory, CancellationToken ct)
    {
        if (settings?.BurnIn != true || cues.Count == 0)
            return null;
        var shortSide = Math.Min(plan.Width, plan.Height);
        var size = (float)(settings.FontSize ?? Math.Round(shortSide / 22.0));
        var margin = (float)(settings.Margin ?? Math.Round(plan.Height / 16.0));
        var outlineWidth = settings.Outline is { } o ? (float)(o.Width ?? TextPainter.DefaultOutlineWidth) : 0;
        var background = Colors.Parse(settings.BackgroundColor ?? DefaultBackground);
        var style = new TextStyle
        {
            FontFamily = settings.FontFamily ?? DefaultFamily,
            FontSize = size,
            FontWeight = settings.FontWeight,
            Color = settings.Color ?? "#FFFFFF",
            Outline = settings.Outline,
            Align = "center",
            VerticalAlign = "middle",
        };
        var lineHeight = size * 1.35f;
        var padX = size * 0.45f;
        // Room around the lines for an outline's stroke, which reaches past the glyphs.
        var bleed = MathF.Ceiling(outlineWidth * 2) + 2;
        var maxWidth = (plan.Width * 0.9f) - (2 * padX);

        using var painter = new TextPainter();
        var laidOut = cues.Select(c => painter.Lines(c.Text, maxWidth, style)).ToList();
        var rows = Math.Max(1, laidOut.Max(l => l.Count));
        var width = plan.Width;
        var height = (int)MathF.Ceiling((rows * lineHeight) + (2 * bleed));
        var top = settings.Position == "top";
        var y = top ? (int)margin - (int)bleed : plan.Height - (int)margin - height + (int)bleed;

        var prefix = "subtitle";
        var files = new List<string>();
        for (var c = 0; c < cues.Count; c++)
        {
            ct.ThrowIfCancellationRequested();
            var file = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{c:D4}.png");
            Draw(painter, laidOut[c], style, background, width, height, lineHeight, padX, bleed, top, Path.Combine(workDirectory, file));
            files.Add(file);
        }
        var blank = $"{prefix}-none.png";
        Draw(painter, [], style, background, width, height, lineHeight, padX, bleed, top, Path.Combine(workDirectory, blank));

        // Each cue shows on the frames whose time lies in [start, end); every change lands half a frame early, so a
        // frame never rounds to the picture before.
        var list = new StringBuilder("ffconcat version 1.0\n");
        var at = 0L;
        var first = true;
        void Show(string file, long frames)
        {
            if (frames <= 0)
                return;
            var seconds = (frames - (first ? 0.5 : 0)) / plan.Fps;
            list.Append(CultureInfo.InvariantCulture, $"file {file}\nduration {seconds:0.######}\n");
            first = false;
            at += frames;
        }
        for (var c = 0; c < cues.Count; c++)
        {
            var from = Math.Max(at, FrameAt(cues[c].StartMs, plan.Fps));
            var to = Math.Min(plan.Frames, FrameAt(cues[c].EndMs, plan.Fps));
            if (to <= from)
                continue;
            Show(blank, from - at);
            Show(files[c], to - from);
        }
        Show(blank, Math.Max(1, plan.Frames - at));
        var listPath = Path.Combine(workDirectory, prefix + ".ffconcat");
        await File.WriteAllTextAsync(listPath, list.ToString(), ct);
        return new SubtitleSprites(listPath, 0, y);
    }

    private static long FrameAt(double ms, int fps) => (long)Math.Ceiling((ms * fps / 1000) - 1e-6);

    private static void Draw(
        TextPainter painter, List<(string Text, float Width, bool RightToLeft)> lines, TextStyle style, SKColor background,
        int width, int height, float lineHeight, float padX, float bleed, bool top, string path)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new RenderException($"could not allocate a {width}x{height} picture");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        var firstTop = top ? bleed : height - bleed - (lines.Count * lineHeight);
        using var fill = new SKPaint { Color = background, IsAntialias = true };
        var radius = lineHeight * 0.18f;
        for (var i = 0; i < lines.Count; i++)
        {
            var (text, textWidth, rightToLeft) = lines[i];
            var boxWidth = textWidth + (2 * padX);
            var box = SKRect.Create((width - boxWidth) / 2, firstTop + (i * lineHeight), boxWidth, lineHeight);
            if (background.Alpha > 0)
                canvas.DrawRoundRect(box, radius, radius, fill);
            // Centred in a box that leaves room for the outline; the lines were wrapped to fit, so none wraps again.
            var textBox = new SKRect(box.Left - bleed, box.Top - bleed, box.Right + bleed, box.Bottom + bleed);
            painter.Draw(canvas, textBox, text, style, rightToLeft: rightToLeft);
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        using var file = File.Create(path);
        if (!pixmap.Encode(file, new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 1)))
            throw new RenderException("could not write a subtitle picture");
    }
}
