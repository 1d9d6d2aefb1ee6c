using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// Draws the nine mouth shapes in code, in the line style of the built-in art (black outline, dark mouth, white
/// teeth, pink tongue), at a presenter's mouth. Each shape is a handful of numbers, so a mouth easing from one
/// shape to the next is drawn by mixing them.
/// </summary>
internal static class MouthPainter
{
    /// <summary>The numbers behind a shape, in mouth widths: how wide and open, how round, which teeth and tongue show.</summary>
    private readonly record struct Look(float Width, float Open, float Round, float UpperTeeth, float LowerTeeth, float Tongue, float TongueUp, float Smile)
    {
        public static Look Mix(Look a, Look b, float t) => new(
            L(a.Width, b.Width, t), L(a.Open, b.Open, t), L(a.Round, b.Round, t), L(a.UpperTeeth, b.UpperTeeth, t),
            L(a.LowerTeeth, b.LowerTeeth, t), L(a.Tongue, b.Tongue, t), L(a.TongueUp, b.TongueUp, t), L(a.Smile, b.Smile, t));

        private static float L(float a, float b, float t) => a + ((b - a) * t);
    }

    private static Look Of(MouthShape shape) => shape switch
    {
        MouthShape.X => new(0.92f, 0, 0, 0, 0, 0, 0, 0.12f),
        MouthShape.A => new(0.78f, 0, 0, 0, 0, 0, 0, 0.02f),
        MouthShape.B => new(0.95f, 0.17f, 0.15f, 1, 1, 0, 0, 0.06f),
        MouthShape.C => new(0.95f, 0.36f, 0.3f, 1, 0, 0.5f, 0, 0.04f),
        MouthShape.D => new(1.05f, 0.62f, 0.45f, 1, 0.3f, 0.7f, 0, 0.02f),
        MouthShape.E => new(0.74f, 0.42f, 0.75f, 0.6f, 0, 0.45f, 0, 0),
        MouthShape.F => new(0.44f, 0.27f, 1, 0, 0, 0.25f, 0, 0),
        MouthShape.G => new(0.86f, 0.16f, 0.2f, 1, 0, 0, 0, 0.04f),
        MouthShape.H => new(0.92f, 0.38f, 0.35f, 1, 0, 0, 1, 0.03f),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static readonly SKColor Inside = new(0x3A, 0x10, 0x12);
    private static readonly SKColor Tongue = new(0xF0, 0x7C, 0x82);

    public static void Draw(SKCanvas canvas, PresenterManifest.MouthPlace place, MouthShape from, MouthShape to, float blend)
    {
        var look = Look.Mix(Of(from), Of(to), Math.Clamp(blend, 0, 1));
        var w = place.Width;
        var line = place.Line is { } c && SKColor.TryParse(c, out var parsed) ? parsed : SKColors.Black;
        canvas.Save();
        canvas.Translate(place.X, place.Y);
        var half = look.Width * w / 2;
        var lift = look.Smile * w;
        if (look.Open < 0.04f)
        {
            // Closed: one line, its corners lifted for the relaxed smile at rest, straighter and firmer when pressed.
            using var stroke = new SKPaint
            {
                IsAntialias = true,
                Style = SKPaintStyle.Stroke,
                Color = line,
                StrokeCap = SKStrokeCap.Round,
                StrokeWidth = w * (look.Smile < 0.05f ? 0.12f : 0.09f),
            };
            using var builder = new SKPathBuilder();
            builder.MoveTo(-half, -lift);
            builder.CubicTo(-half * 0.45f, lift * 0.55f, half * 0.45f, lift * 0.55f, half, -lift);
            using var closed = builder.Detach();
            canvas.DrawPath(closed, stroke);
            canvas.Restore();
            return;
        }

        // Open: the jaw drops, so the lower lip travels twice as far as the upper one. A cubic whose two control
        // points sit 4/3 of the depth out peaks at exactly that depth; pulling them towards the corners rounds it.
        var top = look.Open * w * 0.34f;
        var bottom = look.Open * w * 0.66f;
        var inset = (1 - look.Round) * half * 0.66f;
        using var shape = new SKPathBuilder();
        shape.MoveTo(-half, -lift);
        shape.CubicTo(-half + inset, -top * 4 / 3, half - inset, -top * 4 / 3, half, -lift);
        shape.CubicTo(half - inset, bottom * 4 / 3, -half + inset, bottom * 4 / 3, -half, -lift);
        shape.Close();
        using var mouth = shape.Detach();
        using (var fill = new SKPaint { IsAntialias = true, Color = Inside })
            canvas.DrawPath(mouth, fill);

        canvas.Save();
        canvas.ClipPath(mouth, antialias: true);
        using (var paint = new SKPaint { IsAntialias = true })
        {
            if (look.Tongue > 0.01f)
            {
                paint.Color = Tongue;
                canvas.DrawOval(new SKPoint(0, bottom * 0.95f), new SKSize(half * 0.62f, bottom * 0.55f * look.Tongue + 0.5f), paint);
            }
            if (look.TongueUp > 0.01f)
            {
                paint.Color = Tongue;
                canvas.DrawOval(new SKPoint(0, (-top * 0.2f) + (bottom * 0.25f)), new SKSize(half * 0.5f * look.TongueUp, (top + bottom) * 0.32f * look.TongueUp), paint);
            }
            paint.Color = SKColors.White;
            var teeth = Math.Min(top + bottom, w * 0.15f);
            if (look.UpperTeeth > 0.01f)
                canvas.DrawRect(new SKRect(-half, -top * 1.4f, half, -top + (teeth * look.UpperTeeth)), paint);
            if (look.LowerTeeth > 0.01f)
                canvas.DrawRect(new SKRect(-half, bottom - (teeth * look.LowerTeeth), half, bottom * 1.4f), paint);
            if (look.UpperTeeth > 0.5f && look.LowerTeeth > 0.5f)
            {
                // Teeth together: the line where they meet.
                paint.Color = Inside;
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = w * 0.03f;
                canvas.DrawLine(-half, (bottom - top) / 2, half, (bottom - top) / 2, paint);
            }
        }
        canvas.Restore();

        using var outline = new SKPaint
        {
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            Color = line,
            StrokeWidth = w * 0.085f,
            StrokeJoin = SKStrokeJoin.Round,
            StrokeCap = SKStrokeCap.Round,
        };
        canvas.DrawPath(mouth, outline);
        canvas.Restore();
    }
}
