using System.Globalization;
using System.Text;

namespace Reelgen.Rendering;

/// <summary>
/// Entrances and exits (a track's <c>animation</c>), all done by ffmpeg on a picture drawn once: a fade is the
/// layer's alpha ramped by <c>fade</c>; a slide is the overlay's position as an expression of time; a pop scales the
/// layer about its centre with <c>perspective</c> (sub-pixel, only on the frames of the entrance or exit) while it
/// fades; a typewriter crops one step at a time out of a sheet of partial texts. An entrance starts from nothing on
/// the layer's first frame and is at rest on the first frame after it; an exit leaves nothing on the layer's last
/// frame.
/// </summary>
internal static partial class FfmpegGraph
{
    /// <summary>A pop starts (and an exit ends) at this fraction of the layer's size.</summary>
    internal const double PopFrom = 0.6;

    /// <summary>How far a pop's ease overshoots (easeOutBack's constant: about 5 % past full size).</summary>
    private const double PopBack = 1.70158;

    /// <summary>The part of a pop over which the layer also fades in (or out).</summary>
    private const double PopFade = 0.4;

    /// <summary>
    /// An animated text or image: with a typewriter entrance, the steps first (cropped from the sheet one after
    /// another, held by overlay between), then the whole picture, looped inside the graph so every frame can be
    /// faded or scaled, placed by the exit's expressions.
    /// </summary>
    private static void AppendAnimated(StringBuilder graph, Inputs inputs, int fps, AnimatedLayer layer, Func<string, string> picturePath, string current, string next)
    {
        var motion = layer.Motion ?? new LayerMotion(null, null, 0, 0);
        var from = layer.FromFrame;
        if (motion.In == "typewriter")
        {
            if (layer.Reveal is { Reveal: { } sheet } reveal)
            {
                var steps = inputs.Add(picturePath(reveal.Name), "-framerate", Int(fps));
                var frames = motion.InFrames;
                var typed = $"{next}t";
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{steps}:v]format=yuva420p,loop=loop={frames - 1}:size=1:start=0,crop=w={reveal.Width}:h={sheet.CellHeight}:x=0:y='{sheet.CellHeight}*floor(n*{sheet.Counts.Count}/{frames})',");
                graph.Append(CultureInfo.InvariantCulture, $"setpts=PTS-STARTPTS+{Sec(from / (double)fps)}/TB[{typed}s];\n");
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{current}][{typed}s]overlay=x={reveal.X}:y={reveal.Y}:eof_action=pass:eval=init:enable='{Enable(from, from + frames, fps)}'[{typed}];\n");
                current = typed;
                from += frames;
            }
            motion = motion with { In = null, InFrames = 0 };
        }
        var picture = layer.Picture;
        var i = inputs.Add(picturePath(picture.Name), "-framerate", Int(fps));
        var enable = Enable(from, layer.ToFrame, fps);
        if (motion.Out is null && motion.In is null)
        {
            graph.Append(CultureInfo.InvariantCulture,
                $"[{current}][{i}:v]overlay=x={picture.X}:y={picture.Y}:eof_action=repeat:eval=init:enable='{enable}'[{next}];\n");
            return;
        }
        var pad = PopPadding(motion, picture.Width, picture.Height);
        graph.Append(CultureInfo.InvariantCulture,
            $"[{i}:v]format=yuva420p,loop=loop={layer.ToFrame - from - 1}:size=1:start=0,setpts=PTS-STARTPTS+{Sec(from / (double)fps)}/TB{MotionFilters(motion, from, layer.ToFrame, fps, pad)}[{next}a];\n");
        var (x, y) = MotionPosition(motion, Int(picture.X - pad), Int(picture.Y - pad), from, layer.ToFrame, fps);
        graph.Append(CultureInfo.InvariantCulture,
            $"[{current}][{next}a]overlay=x='{x}':y='{y}':eof_action=pass:eval=frame:enable='{enable}'[{next}];\n");
    }

    /// <summary>
    /// An animated presenter: the head is laid over the body (looped inside the graph) in a picture of the track's
    /// box, and that picture enters and leaves as one.
    /// </summary>
    private static void AppendAnimatedPresenter(
        StringBuilder graph,
        Inputs inputs,
        int fps,
        PresenterLayer layer,
        LayerMotion motion,
        Func<string, string> picturePath,
        IReadOnlyDictionary<(int Scene, int Track), PresenterSprites> presenters,
        string current,
        string next,
        string enable)
    {
        var body = layer.Body;
        var b = inputs.Add(picturePath(body.Name), "-framerate", Int(fps));
        var sprites = presenters[(layer.Track.SceneIndex, layer.Track.TrackIndex)];
        var head = inputs.AddList(sprites.ListPath);
        var start = Sec(layer.FromFrame / (double)fps);
        var (swayX, swayY) = sprites.Sway.Expressions(layer.FromFrame / (double)fps);
        graph.Append(CultureInfo.InvariantCulture,
            $"[{b}:v]format=yuva420p,loop=loop={layer.ToFrame - layer.FromFrame - 1}:size=1:start=0,setpts=PTS-STARTPTS+{start}/TB[{next}b];\n");
        graph.Append(CultureInfo.InvariantCulture, $"[{head}:v]setpts=PTS-STARTPTS+{start}/TB[h{head}];\n");
        var pad = PopPadding(motion, body.Width, body.Height);
        graph.Append(CultureInfo.InvariantCulture,
            $"[{next}b][h{head}]overlay=x='{sprites.X - body.X}+{swayX}':y='{sprites.Y - body.Y}+{swayY}':eof_action=repeat:eval=frame:format=yuv420{MotionFilters(motion, layer.FromFrame, layer.ToFrame, fps, pad)}[{next}a];\n");
        var (x, y) = MotionPosition(motion, Int(body.X - pad), Int(body.Y - pad), layer.FromFrame, layer.ToFrame, fps);
        graph.Append(CultureInfo.InvariantCulture,
            $"[{current}][{next}a]overlay=x='{x}':y='{y}':eof_action=pass:eval=frame:enable='{enable}'[{next}];\n");
    }

    private static string Enable(long from, long to, int fps) => $"between(t\\,{Sec((from - 0.5) / fps)}\\,{Sec((to - 0.5) / fps)})";

    /// <summary>
    /// Transparent pixels around a popping layer, so its overshoot is not cut at the box's edges and the scaled
    /// picture's surroundings are clear (perspective repeats the edge pixels outside the picture); even, for chroma.
    /// </summary>
    private static int PopPadding(LayerMotion motion, int width, int height)
    {
        if (motion.In != "pop" && motion.Out != "pop")
            return 0;
        var pad = (int)Math.Ceiling(Math.Max(width, height) * 0.04) + 2;
        return pad + (pad % 2);
    }

    /// <summary>
    /// The filters that fade and scale a dense stream on the scene clock whose first frame is
    /// <paramref name="from"/> and whose last is before <paramref name="to"/>; each starts with a comma.
    /// </summary>
    private static string MotionFilters(LayerMotion motion, long from, long to, int fps, int pad)
    {
        var filters = new StringBuilder();
        var start = from / (double)fps;
        var end = to / (double)fps;
        var frame = 1.0 / fps;
        var inSeconds = motion.InFrames / (double)fps;
        var outSeconds = motion.OutFrames / (double)fps;
        if (pad > 0)
            filters.Append(CultureInfo.InvariantCulture, $",pad=w=iw+{2 * pad}:h=ih+{2 * pad}:x={pad}:y={pad}:color=black@0");
        switch (motion.In)
        {
            case "fade":
                filters.Append(CultureInfo.InvariantCulture, $",fade=t=in:st={Sec(start)}:d={Sec(inSeconds)}:alpha=1");
                break;
            case "pop":
                filters.Append(CultureInfo.InvariantCulture, $",fade=t=in:st={Sec(start)}:d={Sec(inSeconds * PopFade)}:alpha=1");
                // perspective's `in` counts the frames it was given, from 1: the k-th frame of the entrance is k-1.
                filters.Append(Scale(Pop(string.Create(CultureInfo.InvariantCulture, $"(in-1)/{motion.InFrames}")), $"lt(t\\,{Sec(start + ((motion.InFrames - 0.5) * frame))})"));
                break;
        }
        switch (motion.Out)
        {
            case "fade":
                filters.Append(CultureInfo.InvariantCulture, $",fade=t=out:st={Sec(end - frame - outSeconds)}:d={Sec(outSeconds)}:alpha=1");
                break;
            case "pop":
                var frames = to - from;
                filters.Append(CultureInfo.InvariantCulture, $",fade=t=out:st={Sec(end - frame - (outSeconds * PopFade))}:d={Sec(outSeconds * PopFade)}:alpha=1");
                filters.Append(Scale(Pop(string.Create(CultureInfo.InvariantCulture, $"({frames}-in)/{motion.OutFrames}")), $"gte(t\\,{Sec(end - ((motion.OutFrames + 0.5) * frame))})"));
                break;
        }
        return filters.ToString();
    }

    /// <summary>
    /// A pop's size at progress <paramref name="p"/> (0 to 1, clipped): easeOutBack from <see cref="PopFrom"/> to
    /// full size, a little past it just before the end.
    /// </summary>
    private static string Pop(string p)
    {
        var c = PopBack.ToString("0.#####", CultureInfo.InvariantCulture);
        var c3 = (PopBack + 1).ToString("0.#####", CultureInfo.InvariantCulture);
        var from = PopFrom.ToString("0.###", CultureInfo.InvariantCulture);
        var range = (1 - PopFrom).ToString("0.###", CultureInfo.InvariantCulture);
        var q = $"(clip({p},0,1)-1)";
        return $"({from}+{range}*(1+{c3}*pow({q},3)+{c}*pow({q},2)))";
    }

    /// <summary>The picture scaled by <paramref name="size"/> about its centre, on the frames <paramref name="enable"/> lets through.</summary>
    private static string Scale(string size, string enable)
    {
        string Lo(string side) => $"{side}/2-{side}/(2*{size})";
        string Hi(string side) => $"{side}/2+{side}/(2*{size})";
        return $",perspective=x0='{Lo("W")}':y0='{Lo("H")}':x1='{Hi("W")}':y1='{Lo("H")}':x2='{Lo("W")}':y2='{Hi("H")}':x3='{Hi("W")}':y3='{Hi("H")}':interpolation=linear:eval=frame:enable='{enable}'";
    }

    /// <summary>
    /// The overlay position of a moving layer: at rest at (<paramref name="x"/>, <paramref name="y"/>); a slide-left
    /// entrance comes in from beyond the frame's right edge, a slide-up one from below its bottom (easing out), and
    /// the exits go on the same way, out past the left or top edge (easing in).
    /// </summary>
    private static (string X, string Y) MotionPosition(LayerMotion motion, string x, string y, long from, long to, int fps)
    {
        var start = from / (double)fps;
        var end = to / (double)fps;
        var inSeconds = motion.InFrames / (double)fps;
        var outSeconds = motion.OutFrames / (double)fps;
        // Progress of the entrance: 0 on the layer's first frame, 1 once it is over; of the exit: 1 on the last frame.
        var p = string.Create(CultureInfo.InvariantCulture, $"clip((t-{Sec(start)})/{Sec(inSeconds)},0,1)");
        var q = string.Create(CultureInfo.InvariantCulture, $"clip((t-{Sec(end - (1.0 / fps) - outSeconds)})/{Sec(outSeconds)},0,1)");
        var (mx, my) = (x, y);
        if (motion.In == "slide-left")
            mx += $"+(W-({x}))*pow(1-{p},3)";
        if (motion.In == "slide-up")
            my += $"+(H-({y}))*pow(1-{p},3)";
        if (motion.Out == "slide-left")
            mx += $"-(({x})+overlay_w)*pow({q},3)";
        if (motion.Out == "slide-up")
            my += $"-(({y})+overlay_h)*pow({q},3)";
        return (mx, my);
    }
}
