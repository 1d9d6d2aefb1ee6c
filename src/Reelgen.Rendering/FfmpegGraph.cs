using System.Globalization;
using System.Text;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>
/// The local media behind a track: a fetched asset or synthesised speech (with its word and phoneme timings), and for
/// a video with removeBackground the backdrop colour to key out (<c>RRGGBB</c>). <c>ContentHash</c>: the SHA-256 of
/// the downloaded bytes, or of the speech's timings (what a presenter's mouth follows); the scene cache keys on it,
/// so new bytes behind the same URL are a new scene.
/// </summary>
internal sealed record TrackMedia(string Path, MediaInfo Info, string? KeyColor = null, SpeechTimings? Speech = null, string ContentHash = "");

/// <summary>What the first pass measured: integrated loudness (LUFS) and true peak (dBTP), handed to the second.</summary>
internal sealed record Loudness(double Integrated, double TruePeak)
{
    /// <summary>
    /// Reads the summary ebur128 logs when it closes (the last <c>I:</c> and <c>Peak:</c> lines of its stderr);
    /// null when there is none.
    /// </summary>
    public static Loudness? Parse(string stderr)
    {
        var summary = stderr.LastIndexOf("Summary:", StringComparison.Ordinal);
        if (summary < 0)
            return null;
        double? integrated = null, peak = null;
        foreach (var raw in stderr[summary..].Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("I:", StringComparison.Ordinal))
                integrated = Number(line[2..]);
            else if (line.StartsWith("Peak:", StringComparison.Ordinal))
                peak = Number(line[5..]);
        }
        return integrated is { } i ? new Loudness(i, peak ?? 0) : null;
    }

    // "  -20.6 LUFS", "-inf dBFS": the first word, where -inf (silence) reads as very quiet.
    private static double Number(string text)
    {
        var word = text.Trim().Split(' ')[0];
        return double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : -99;
    }
}

/// <summary>
/// A presenter's head for ffmpeg: an ffconcat list of the pose pictures with how long each shows (from the layer's
/// start), where the picture's top-left corner sits when the head is still, and how it sways.
/// </summary>
internal sealed record PresenterSprites(string ListPath, int X, int Y, HeadSway Sway)
{
    /// <summary>Lists that start later in the layer, by the layer frame they start at: one per slice starting after it.</summary>
    public IReadOnlyDictionary<long, string> ListsFrom { get; init; } = new Dictionary<long, string>();
}

/// <summary>An ffmpeg command line and the filter graph it reads from <c>-filter_complex_script</c>.</summary>
internal sealed record FfmpegInvocation(IReadOnlyList<string> Arguments, string FilterGraph);

/// <summary>
/// Builds the single ffmpeg run for a <see cref="CompositionPlan"/>. Still pictures are single-frame inputs: a base
/// is repeated inside the graph (<c>loop</c>), never re-read (<c>-loop 1</c> would decode the PNG on every frame), and
/// an overlay picture is held by <c>overlay</c> itself. Every input is opened with its demuxer named and the protocol
/// whitelist <c>file</c> (both are per-input options), so ffmpeg reads exactly the local files it is given.
/// </summary>
internal static partial class FfmpegGraph
{
    public static FfmpegInvocation Build(
        CompositionPlan plan,
        Func<string, string> picturePath,
        IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media,
        string filterScriptPath,
        string outputPath,
        RenderOptions options,
        Loudness? loudness = null,
        IReadOnlyDictionary<(int Scene, int Track), PresenterSprites>? presenters = null,
        SubtitleSprites? subtitles = null)
    {
        var inputs = new Inputs();
        var args = inputs.Args;
        var graph = new StringBuilder();
        var fps = plan.Fps;
        var sceneLabels = plan.Scenes.Select(scene => AppendScene(graph, inputs, fps, scene, picturePath, media, presenters)).ToList();
        AppendJoin(graph, plan, sceneLabels, video: true, subtitles is null ? "vout" : "scenes");
        if (subtitles is not null)
        {
            // Burnt-in captions over everything, across scene cuts: one picture per cue (a transparent one in
            // between) from a list written by the renderer, held by overlay until the next.
            var i = inputs.AddList(subtitles.ListPath);
            graph.Append(CultureInfo.InvariantCulture,
                $"[scenes][{i}:v]overlay=x={subtitles.X}:y={subtitles.Y}:eof_action=pass:eval=init[vout];\n");
        }

        var total = Sec(plan.Seconds);
        var mix = AppendSound(graph, plan, media, inputs.Add);
        graph.Append(CultureInfo.InvariantCulture, $"[{mix}]{Normalise(loudness)}[aout]");

        args.AddRange(["-filter_complex_script", filterScriptPath, "-map", "[vout]", "-map", "[aout]"]);
        args.AddRange(VideoCodec(options, fps));
        args.AddRange(AudioCodec(options));
        // -t, not -frames:v: a frame limit ends the output before the encoder flushes the last AAC frames.
        args.AddRange(["-t", total, "-movflags", "+faststart"]);
        args.AddRange(BitExact);
        args.AddRange(["-progress", "pipe:1", "-stats_period", "0.5", "-nostats", outputPath]);
        return new FfmpegInvocation(args, graph.ToString());
    }

    /// <summary>
    /// One ffmpeg run that encodes each of <paramref name="scenes"/> on its own into its own file: picture only, the
    /// same graph per scene as the single run, each output its own encoder, so a segment starts on a keyframe, its
    /// GOPs are closed inside it, and its bytes do not depend on which other scenes were encoded beside it. That is
    /// what lets a segment from the scene cache stand in for a freshly encoded one.
    /// </summary>
    public static FfmpegInvocation BuildSegments(
        CompositionPlan plan,
        IReadOnlyList<(ScenePlan Scene, string Path)> scenes,
        Func<string, string> picturePath,
        IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media,
        string filterScriptPath,
        RenderOptions options,
        IReadOnlyDictionary<(int Scene, int Track), PresenterSprites>? presenters)
    {
        var inputs = new Inputs();
        var graph = new StringBuilder();
        var labels = scenes.Select(s => AppendScene(graph, inputs, plan.Fps, s.Scene, picturePath, media, presenters)).ToList();
        var args = inputs.Args;
        args.AddRange(["-filter_complex_script", filterScriptPath, "-progress", "pipe:1", "-stats_period", "0.5", "-nostats"]);
        for (var k = 0; k < scenes.Count; k++)
        {
            args.AddRange(["-map", $"[{labels[k]}]"]);
            args.AddRange(VideoCodec(options, plan.Fps));
            args.AddRange(["-frames:v", scenes[k].Scene.Frames.ToString(CultureInfo.InvariantCulture), "-f", "mp4"]);
            args.AddRange(BitExact);
            args.Add(scenes[k].Path);
        }
        // The graph's last line ends with ";\n", which ffmpeg reads as one more, empty, filter chain.
        return new FfmpegInvocation(args, graph.ToString().TrimEnd().TrimEnd(';'));
    }

    /// <summary>
    /// The sound of the whole video on its own: mixed, normalised and encoded in one pass into an MP4 holding only
    /// AAC, so the sound has no seam at a scene join (AAC priming and padding occur once, at the ends of the video,
    /// as in the single run). It runs beside the encoding of the scenes' pictures, on the other core. With
    /// <paramref name="metered"/> the normalised sound is also measured by <c>ebur128</c> (its summary on stderr), so
    /// what a limiter took is known from the encode itself instead of from a pass of its own.
    /// </summary>
    public static FfmpegInvocation BuildSound(
        CompositionPlan plan,
        IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media,
        string filterScriptPath,
        string soundPath,
        RenderOptions options,
        Loudness? loudness,
        bool metered = false)
    {
        var inputs = metered ? new Inputs("-hide_banner", "-nostdin", "-y", "-v", "info") : new Inputs();
        var graph = new StringBuilder();
        var mix = AppendSound(graph, plan, media, inputs.Add);
        graph.Append(CultureInfo.InvariantCulture, $"[{mix}]{Normalise(loudness)}");
        graph.Append(metered ? ",asplit=2[aout][meter];\n[meter]ebur128=framelog=verbose[metered]" : "[aout]");
        var args = inputs.Args;
        args.AddRange(["-filter_complex_script", filterScriptPath, "-map", "[aout]"]);
        args.AddRange(AudioCodec(options));
        args.AddRange(["-t", Sec(plan.Seconds), "-f", "mp4"]);
        args.AddRange(BitExact);
        args.AddRange(["-progress", "pipe:1", "-stats_period", "0.5", "-nostats", soundPath]);
        if (metered)
            args.AddRange(["-map", "[metered]", "-t", Sec(plan.Seconds), "-f", "null", "-"]);
        return new FfmpegInvocation(args, graph.ToString());
    }

    /// <summary>
    /// The last run of the segment path: the scenes' segments joined by the concat demuxer and the sound encoded by
    /// <see cref="BuildSound"/>, both copied as they are (nothing is decoded or encoded), so it costs a fraction of a
    /// second however long the video.
    /// </summary>
    public static FfmpegInvocation BuildJoin(CompositionPlan plan, string segmentListPath, string soundPath, string outputPath)
    {
        var inputs = new Inputs();
        var video = inputs.AddList(segmentListPath);
        var sound = inputs.Add(soundPath);
        var args = inputs.Args;
        args.AddRange(["-map", $"{video}:v", "-map", $"{sound}:a", "-c", "copy"]);
        args.AddRange(["-t", Sec(plan.Seconds), "-movflags", "+faststart"]);
        args.AddRange(BitExact);
        args.AddRange(["-progress", "pipe:1", "-stats_period", "0.5", "-nostats", outputPath]);
        return new FfmpegInvocation(args, "");
    }

    private static string[] VideoCodec(RenderOptions options, int fps) =>
        ["-c:v", "libx264", "-preset", options.Preset, "-crf", Int(options.Crf), "-pix_fmt", "yuv420p", "-r", Int(fps)];

    /// <summary>
    /// AAC with ffmpeg's fast coder: a third of the CPU time of its default (two-loop) search, which took about 2 s
    /// for a minute of stereo, and at 160 kbit/s no audible difference for speech and music.
    /// </summary>
    private static string[] AudioCodec(RenderOptions options) =>
        ["-c:a", "aac", "-aac_coder", "fast", "-b:a", Int(options.AudioBitrateKbps) + "k", "-ar", "48000", "-ac", "2"];

    /// <summary>
    /// The inputs of one ffmpeg run and their options, numbered in order. Every input is opened with its demuxer
    /// named and local files only.
    /// </summary>
    private sealed class Inputs(params string[] head)
    {
        public List<string> Args { get; } = head.Length > 0 ? [.. head] : ["-hide_banner", "-nostdin", "-y", "-v", "error"];

        public int Count { get; private set; }

        public int Add(string path, params string[] inputArgs)
        {
            Args.AddRange(inputArgs);
            Args.AddRange(MediaSniffer.InputOptions(path));
            Args.AddRange(["-i", path]);
            return Count++;
        }

        /// <summary>
        /// An ffconcat list written by the renderer (the only kind ffmpeg is given; downloads carrying one are
        /// refused), naming only files beside it.
        /// </summary>
        public int AddList(string path)
        {
            Args.AddRange(["-safe", "1", "-f", "concat", "-protocol_whitelist", "file", "-i", path]);
            return Count++;
        }
    }

    /// <summary>
    /// One scene's picture: its base (still pictures repeated inside the graph), then each layer overlaid only while
    /// it shows, on the scene's own clock (the scene's first frame at 0). Returns the label of the scene's stream.
    /// </summary>
    private static string AppendScene(
        StringBuilder graph,
        Inputs inputs,
        int fps,
        ScenePlan scene,
        Func<string, string> picturePath,
        IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media,
        IReadOnlyDictionary<(int Scene, int Track), PresenterSprites>? presenters)
    {
        var baseLabels = new List<string>();
        foreach (var segment in scene.Base)
        {
            var i = inputs.Add(picturePath(segment.Picture.Name), "-framerate", Int(fps));
            var label = $"b{i}";
            // Converted once, then the same frame is handed on N times: the cost of a still base is nearly zero.
            graph.Append(CultureInfo.InvariantCulture, $"[{i}:v]format=yuv420p,loop=loop={segment.Frames - 1}:size=1:start=0,setsar=1[{label}];\n");
            baseLabels.Add(label);
        }
        var current = baseLabels[0];
        if (baseLabels.Count > 1)
        {
            current = $"base{scene.Tag}";
            graph.Append(string.Concat(baseLabels.Select(l => $"[{l}]"))).Append(CultureInfo.InvariantCulture, $"concat=n={baseLabels.Count}:v=1:a=0[{current}];\n");
        }

        // A slice's clock starts at its first frame; its layers' frames count from the scene start.
        var offset = scene.SliceFrom ?? 0;
        var layerNumber = 0;
        foreach (var layer in scene.Layers)
        {
            var enable = $"between(t\\,{Sec((layer.FromFrame - offset - 0.5) / fps)}\\,{Sec((layer.ToFrame - offset - 0.5) / fps)})";
            var next = $"s{scene.Tag}l{layerNumber++}";
            if (layer is StillLayer still)
            {
                var i = inputs.Add(picturePath(still.Picture.Name));
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{current}][{i}:v]overlay=x={still.Picture.X}:y={still.Picture.Y}:eof_action=repeat:eval=init:enable='{enable}'[{next}];\n");
            }
            else if (layer is AnimatedLayer animated)
            {
                AppendAnimated(graph, inputs, fps, animated, picturePath, current, next);
            }
            else if (layer is PresenterLayer { Motion: { } motion } moving)
            {
                AppendAnimatedPresenter(graph, inputs, fps, moving, motion, picturePath, presenters!, current, next, enable);
            }
            else if (layer is PresenterLayer presenter)
            {
                var body = inputs.Add(picturePath(presenter.Body.Name));
                var withBody = $"{next}b";
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{current}][{body}:v]overlay=x={presenter.Body.X}:y={presenter.Body.Y}:eof_action=repeat:eval=init:enable='{enable}'[{withBody}];\n");
                var sprites = presenters![(presenter.Track.SceneIndex, presenter.Track.TrackIndex)];
                // The head: one decoded picture per change of pose (a few a second), held by overlay in between
                // and moved by the sway expressions on every frame.
                // A slice that starts after the presenter reads the list that starts at its first frame; without one,
                // the poses before the slice get times before its first frame, and overlay starts on the pose current
                // at that frame.
                var later = offset - presenter.FromFrame;
                var own = later > 0 && sprites.ListsFrom.TryGetValue(later, out var fromSlice) ? fromSlice : null;
                var head = inputs.AddList(own ?? sprites.ListPath);
                var start = (presenter.FromFrame - offset) / (double)fps;
                var (swayX, swayY) = sprites.Sway.Expressions(start);
                var listStart = own is null ? start : 0;
                graph.Append(CultureInfo.InvariantCulture, $"[{head}:v]setpts=PTS-STARTPTS{SignedSec(listStart)}/TB[h{head}];\n");
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{withBody}][h{head}]overlay=x='{sprites.X}+{swayX}':y='{sprites.Y}+{swayY}':eof_action=repeat:eval=frame:enable='{enable}'[{next}];\n");
            }
            else if (layer is KenBurnsLayer kenBurns)
            {
                var i = inputs.Add(picturePath(kenBurns.Picture.Name), "-framerate", Int(fps));
                AppendKenBurns(graph, kenBurns, $"{i}:v", current, next, enable, fps);
            }
            else if (layer is VideoLayer video)
            {
                var t = video.Track;
                var m = media[(t.SceneIndex, t.TrackIndex)];
                var seconds = (layer.ToFrame - layer.FromFrame) / (double)fps;
                // One decoding thread per clip: a long creative opens many clips, and frame-threaded decoders
                // each hold several frames; the encoder, not the decoding, is the bottleneck.
                var i = inputs.Add(m.Path, "-threads", "1", "-an", "-ss", Sec(t.MediaOffsetMs / 1000), "-t", Sec(seconds));
                var clip = $"c{i}";
                var key = m.KeyColor is { } color && t.Track.RemoveBackground == true
                    ? $",format=rgba,colorkey=0x{color}:0.3:0.1"
                    : "";
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{i}:v]setpts=PTS-STARTPTS+{Sec(layer.FromFrame / (double)fps)}/TB,{FitClip(t, key, clip)};\n");
                // Centred in its box; the last frame holds if the clip is shorter than the track.
                var (x, y) = ($"{t.X}+({t.Width}-overlay_w)/2", $"{t.Y}+({t.Height}-overlay_h)/2");
                if (video.Motion is { } clipMotion)
                {
                    // On the output's frames (the clip's own rate may differ), its last frame held to the track's
                    // end so an exit plays on it, then faded or scaled; the overlay's position moves it.
                    var motionLabel = $"{clip}m";
                    var hold = clipMotion.OutFrames > 0 ? $",tpad=stop_mode=clone:stop_duration={Sec(seconds)}" : "";
                    graph.Append(CultureInfo.InvariantCulture,
                        $"[{clip}]format=yuva420p,fps={fps}{hold}{MotionFilters(clipMotion, layer.FromFrame, layer.ToFrame, fps, PopPadding(clipMotion, t.Width, t.Height))}[{motionLabel}];\n");
                    var (mx, my) = MotionPosition(clipMotion, x, y, layer.FromFrame, layer.ToFrame, fps);
                    graph.Append(CultureInfo.InvariantCulture,
                        $"[{current}][{motionLabel}]overlay=x='{mx}':y='{my}':eof_action=pass:eval=frame:enable='{enable}'[{next}];\n");
                }
                else
                {
                    graph.Append(CultureInfo.InvariantCulture,
                        $"[{current}][{clip}]overlay=x={x}:y={y}:eof_action=repeat:eval=init:enable='{enable}'[{next}];\n");
                }
            }
            current = next;
        }
        return current;
    }

    /// <summary>
    /// Output options that make the file a function of its inputs alone: no encoder version strings, no metadata
    /// copied from the inputs, no creation time. libx264 and the AAC encoder are already deterministic for a given
    /// thread count, so the same job rendered twice on one machine gives the same bytes (which the scene and speech
    /// caches and their tests rely on).
    /// </summary>
    internal static readonly string[] BitExact = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"];

    /// <summary>How much closer a Ken Burns zoom ends (or starts), and how far a pan looks in: 15 %.</summary>
    internal const double KenBurnsZoom = 1.15;

    /// <summary>
    /// A Ken Burns move: the picture, drawn once at its box size, is repeated (loop) and each frame is resampled
    /// from a window of the picture that shrinks, grows or slides with the frame number. <c>perspective</c> samples
    /// with bilinear interpolation at fractional source coordinates, so the motion is sub-pixel smooth at any size
    /// (zoompan and crop move in whole pixels and visibly step on slow moves).
    /// </summary>
    private static void AppendKenBurns(StringBuilder graph, KenBurnsLayer layer, string input, string current, string next, string enable, int fps)
    {
        var frames = layer.ToFrame - layer.FromFrame;
        var p = string.Create(CultureInfo.InvariantCulture, $"(on/{Math.Max(1, frames - 1)})");
        var z = KenBurnsZoom.ToString("0.###", CultureInfo.InvariantCulture);
        var zm1 = (KenBurnsZoom - 1).ToString("0.###", CultureInfo.InvariantCulture);
        // The window: left, top, width and height in source pixels, as expressions of the frame number.
        var (left, top, width, height) = layer.Track.Track.Effect switch
        {
            "zoomOut" => ($"(W-W/({z}-{zm1}*{p}))/2", $"(H-H/({z}-{zm1}*{p}))/2", $"W/({z}-{zm1}*{p})", $"H/({z}-{zm1}*{p})"),
            "panLeft" => ($"(W-W/{z})*{p}", $"(H-H/{z})/2", $"W/{z}", $"H/{z}"),
            "panRight" => ($"(W-W/{z})*(1-{p})", $"(H-H/{z})/2", $"W/{z}", $"H/{z}"),
            _ => ($"(W-W/(1+{zm1}*{p}))/2", $"(H-H/(1+{zm1}*{p}))/2", $"W/(1+{zm1}*{p})", $"H/(1+{zm1}*{p})"),
        };
        var right = $"{left}+{width}";
        var bottom = $"{top}+{height}";
        graph.Append(CultureInfo.InvariantCulture,
            $"[{input}]format=yuva420p,loop=loop={frames - 1}:size=1:start=0,");
        graph.Append(CultureInfo.InvariantCulture,
            $"perspective=x0='{left}':y0='{top}':x1='{right}':y1='{top}':x2='{left}':y2='{bottom}':x3='{right}':y3='{bottom}':interpolation=linear:eval=frame,");
        var motion = layer.Motion;
        var pad = motion is null ? 0 : PopPadding(motion, layer.Picture.Width, layer.Picture.Height);
        graph.Append(CultureInfo.InvariantCulture,
            $"setpts=PTS-STARTPTS+{Sec(layer.FromFrame / (double)fps)}/TB{(motion is null ? "" : MotionFilters(motion, layer.FromFrame, layer.ToFrame, fps, pad))}[kb{next}];\n");
        if (motion is null)
        {
            graph.Append(CultureInfo.InvariantCulture,
                $"[{current}][kb{next}]overlay=x={layer.Picture.X}:y={layer.Picture.Y}:eof_action=pass:eval=init:enable='{enable}'[{next}];\n");
            return;
        }
        var (x, y) = MotionPosition(motion, Int(layer.Picture.X - pad), Int(layer.Picture.Y - pad), layer.FromFrame, layer.ToFrame, fps);
        graph.Append(CultureInfo.InvariantCulture,
            $"[{current}][kb{next}]overlay=x='{x}':y='{y}':eof_action=pass:eval=frame:enable='{enable}'[{next}];\n");
    }

    /// <summary>
    /// A clip fitted to its box (<c>fit</c>): inside it keeping its shape (contain, the default), filling it and
    /// cropped (cover), distorted to it (stretch), or inside it over a blurred, filled copy of itself (contain-blur;
    /// the copy is blurred at a quarter of the size, which costs little).
    /// </summary>
    private static string FitClip(TimedTrack t, string key, string output)
    {
        var (w, h) = (t.Width, t.Height);
        var contain = $"scale=w={w}:h={h}:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1{key}";
        return t.Track.Fit switch
        {
            "cover" => $"scale=w={w}:h={h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1{key}[{output}]",
            "stretch" => $"scale=w={w}:h={h},setsar=1{key}[{output}]",
            "contain-blur" => string.Create(CultureInfo.InvariantCulture,
                $"split[{output}f][{output}g];[{output}g]scale=w={Math.Max(2, w / 4)}:h={Math.Max(2, h / 4)}:force_original_aspect_ratio=increase,crop={Math.Max(2, w / 4)}:{Math.Max(2, h / 4)},gblur=sigma=6,scale={w}:{h},setsar=1[{output}b];[{output}f]{contain}[{output}c];[{output}b][{output}c]overlay=x=(W-w)/2:y=(H-h)/2[{output}]"),
            _ => $"{contain}[{output}]",
        };
    }

    /// <summary>
    /// The first pass of loudness normalisation: only the sound of the video, mixed exactly as the render mixes it,
    /// measured by <c>ebur128</c> (integrated loudness and true peak, logged as a summary on stderr). No picture is
    /// decoded or encoded, and ebur128 costs about a fifth of what loudnorm's own analysis does (which resamples the
    /// whole sound to 192 kHz). With <paramref name="normalisedBy"/> the sound is measured after the second pass that
    /// measurement gives (gain and limiter), which tells how much loudness the limiter took.
    /// </summary>
    public static FfmpegInvocation BuildLoudnessProbe(
        CompositionPlan plan, IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media, string filterScriptPath, Loudness? normalisedBy = null)
    {
        var inputs = new Inputs("-hide_banner", "-nostdin", "-v", "info", "-nostats");
        var args = inputs.Args;
        var graph = new StringBuilder();
        var mix = AppendSound(graph, plan, media, inputs.Add);
        var before = normalisedBy is null ? "" : Normalise(normalisedBy) + ",";
        graph.Append(CultureInfo.InvariantCulture, $"[{mix}]{before}ebur128=peak=true:framelog=verbose[aout]");
        args.AddRange(["-filter_complex_script", filterScriptPath, "-map", "[aout]", "-f", "null", "-"]);
        return new FfmpegInvocation(args, graph.ToString());
    }

    /// <summary>Integrated loudness target in LUFS: the level most streaming platforms play speech at.</summary>
    internal const double TargetLoudness = -16;

    /// <summary>True-peak ceiling in dBTP.</summary>
    internal const double PeakCeiling = -1.5;

    /// <summary>Whether the second pass for <paramref name="measured"/> needs the limiter (its gain would lift peaks over the ceiling).</summary>
    internal static bool Limits(Loudness measured) =>
        measured.Integrated > -70 && measured.TruePeak + (TargetLoudness - measured.Integrated) > PeakCeiling;

    /// <summary>
    /// The second pass: one linear gain to the target, so the mix, ducking included, keeps its shape; only when that
    /// gain would push peaks over the ceiling does a look-ahead limiter (delay compensated) hold them under it.
    /// Silence stays silence.
    /// </summary>
    private static string Normalise(Loudness? measured)
    {
        if (measured is not { } m || m.Integrated <= -70)
            return "anull";
        var gain = TargetLoudness - m.Integrated;
        var volume = string.Create(CultureInfo.InvariantCulture, $"volume={gain:0.##}dB");
        if (m.TruePeak + gain <= PeakCeiling)
            return volume;
        // The limiter holds sample peaks; 1 dB under the true-peak ceiling leaves room for the peaks between samples.
        var limit = Math.Pow(10, (PeakCeiling - 1) / 20);
        return string.Create(CultureInfo.InvariantCulture, $"{volume},alimiter=limit={limit:0.####}:level=false:latency=true");
    }

    /// <summary>Music lowers to this fraction (about -14 dB) while someone speaks.</summary>
    internal const double DuckGain = 0.2;

    /// <summary>Seconds over which ducking sets in before the speech starts, and lifts after it ends.</summary>
    internal const double DuckAttack = 0.15;

    internal const double DuckRelease = 0.35;

    /// <summary>
    /// Sound, per scene: silence as long as the scene, with the scene's voices, clips and audio tracks mixed in at
    /// their place, then the scenes' sound concatenated. Every sound lies within its scene (tracks are cut at the
    /// scene end), so no sound is padded with more silence than its own scene has. Scene edges fall on the sample
    /// nearest their frame, so the sound never drifts from the picture. Returns the label of the mixed sound.
    /// </summary>
    private static string AppendSound(StringBuilder graph, CompositionPlan plan, IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media, Func<string, string[], int> addInput)
    {
        var fps = plan.Fps;
        var sceneSounds = new List<string>();
        foreach (var scene in plan.Scenes)
        {
            var firstSample = Sample(scene.StartFrame, fps);
            var samples = Sample(scene.StartFrame + scene.Frames, fps) - firstSample;
            var silence = $"z{scene.Index}";
            graph.Append(CultureInfo.InvariantCulture, $"anullsrc=r=48000:cl=stereo,atrim=end_sample={samples}[{silence}];\n");
            var labels = new List<string> { silence };
            var speech = SpeechIntervals(plan, scene, media);
            foreach (var t in plan.Sounds.Where(t => t.SceneIndex == scene.Index))
            {
                if (!media.TryGetValue((t.SceneIndex, t.TrackIndex), out var m) || !m.Info.HasAudio || t.DurationMs <= 0)
                    continue;
                var volume = t.Track.Volume ?? 1;
                if (volume <= 0)
                    continue;
                var offset = t.Track.Type == TrackTypes.Actor ? 0 : t.MediaOffsetMs;
                var loop = t.Track.Type == TrackTypes.Audio && t.Track.Loop == true;
                if (loop && m.Info.DurationMs > 0)
                    offset %= m.Info.DurationMs;
                var input = new List<string> { "-threads", "1", "-vn" };
                if (loop)
                    input.AddRange(["-stream_loop", "-1"]);
                if (offset > 0)
                    input.AddRange(["-ss", Sec(offset / 1000)]);
                var i = addInput(m.Path, [.. input]);
                var label = $"a{i}";
                var delay = Math.Max(0, (long)Math.Round(t.StartMs * 48.0) - firstSample);
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{i}:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,atrim=duration={Sec(t.DurationMs / 1000)},asetpts=PTS-STARTPTS");
                if (Math.Abs(volume - 1) > 1e-9)
                    graph.Append(CultureInfo.InvariantCulture, $",volume={volume.ToString("0.###", CultureInfo.InvariantCulture)}");
                graph.Append(Fades(plan, t));
                if (delay > 0)
                    graph.Append(CultureInfo.InvariantCulture, $",adelay=delays={delay}S:all=1");
                if (t.Track.Type == TrackTypes.Audio && t.Track.Ducking != false && speech.Count > 0)
                    graph.Append(Ducking(speech));
                graph.Append(CultureInfo.InvariantCulture, $"[{label}];\n");
                labels.Add(label);
            }
            if (labels.Count == 1)
            {
                sceneSounds.Add(silence);
                continue;
            }
            var mixed = $"m{scene.Index}";
            graph.Append(string.Concat(labels.Select(l => $"[{l}]")))
                .Append(CultureInfo.InvariantCulture, $"amix=inputs={labels.Count}:duration=first:dropout_transition=0:normalize=0[{mixed}];\n");
            sceneSounds.Add(mixed);
        }
        AppendJoin(graph, plan, sceneSounds, video: false, "mix");
        return "mix";
    }

    /// <summary>
    /// Joins the scenes' pictures (or sounds) into one stream labelled <paramref name="output"/>: runs of scenes
    /// without a transition are concatenated, and where a scene has one, <c>xfade</c> (<c>acrossfade</c> for the
    /// sound) blends its last frames with the next scene's first. xfade starts at the next scene's start on the
    /// video clock, and acrossfade overlaps exactly the samples between that start and the scene's end, so picture
    /// and sound stay on the same frames. Without transitions this is the single concat it always was.
    /// </summary>
    private static void AppendJoin(StringBuilder graph, CompositionPlan plan, List<string> labels, bool video, string output)
    {
        var streams = video ? "v=1:a=0" : "v=0:a=1";
        var groups = new List<(string Label, int Last)>();
        var run = new List<string>();
        for (var k = 0; k < plan.Scenes.Count; k++)
        {
            run.Add(labels[k]);
            if (plan.Scenes[k].Transition is null && k < plan.Scenes.Count - 1)
                continue;
            var joined = run[0];
            if (run.Count > 1 || !plan.HasTransitions)
            {
                joined = plan.HasTransitions ? $"{(video ? "v" : "a")}run{k}" : output;
                graph.Append(string.Concat(run.Select(l => $"[{l}]"))).Append(CultureInfo.InvariantCulture, $"concat=n={run.Count}:{streams}[{joined}];\n");
            }
            groups.Add((joined, k));
            run.Clear();
        }
        if (!plan.HasTransitions)
            return;
        var fps = plan.Fps;
        string Timebase(string label)
        {
            if (!video)
                return label;
            // xfade needs both inputs on one time base; concat's is microseconds, a single scene's the frame rate's.
            graph.Append(CultureInfo.InvariantCulture, $"[{label}]settb=AVTB[{label}tb];\n");
            return $"{label}tb";
        }
        var current = Timebase(groups[0].Label);
        for (var g = 1; g < groups.Count; g++)
        {
            var before = plan.Scenes[groups[g - 1].Last];
            var next = plan.Scenes[groups[g - 1].Last + 1];
            var transition = before.Transition!;
            var label = g == groups.Count - 1 ? output : $"{(video ? "v" : "a")}x{g}";
            var incoming = Timebase(groups[g].Label);
            if (video)
            {
                if (transition.Type == "fade")
                {
                    // Through black: the outgoing picture is black by the middle of the overlap, the incoming one
                    // black until then (its own clock starts at zero).
                    var half = Sec(transition.Frames / 2.0 / fps);
                    graph.Append(CultureInfo.InvariantCulture, $"[{current}]fade=t=out:st={Sec(next.StartFrame / (double)fps)}:d={half}[{current}f];\n");
                    graph.Append(CultureInfo.InvariantCulture, $"[{incoming}]fade=t=in:st={half}:d={half}[{incoming}f];\n");
                    (current, incoming) = ($"{current}f", $"{incoming}f");
                }
                graph.Append(CultureInfo.InvariantCulture,
                    $"[{current}][{incoming}]xfade=transition={transition.Xfade}:duration={Sec(transition.Frames / (double)fps)}:offset={Sec(next.StartFrame / (double)fps)}[{label}];\n");
            }
            else
            {
                var samples = Sample(before.EndFrame, fps) - Sample(next.StartFrame, fps);
                graph.Append(CultureInfo.InvariantCulture, $"[{current}][{incoming}]acrossfade=ns={samples}:c1=tri:c2=tri[{label}];\n");
            }
            current = label;
        }
    }

    /// <summary>
    /// When presenters speak during the scene, in seconds from the scene start: its own, and across a transition
    /// those of the neighbouring scene while the two overlap (the next scene's speech starting under this scene's
    /// music, the previous scene's speech ending over this one's).
    /// </summary>
    private static List<(double From, double To)> SpeechIntervals(CompositionPlan plan, ScenePlan scene, IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media)
    {
        var sceneStart = scene.StartFrame / (double)plan.Fps;
        var sceneSeconds = scene.Frames / (double)plan.Fps;
        // Without a transition, scenes meet without overlapping: speech that only touches the scene's edge is not
        // in it (a millisecond's grace for rounding).
        const double Touch = 0.001;
        return plan.Sounds
            .Where(t => t.Track.Type == TrackTypes.Actor && media.ContainsKey((t.SceneIndex, t.TrackIndex)))
            .Select(t => (From: (t.StartMs / 1000) - sceneStart, To: ((t.StartMs + Math.Min(t.DurationMs, media[(t.SceneIndex, t.TrackIndex)].Info.DurationMs)) / 1000) - sceneStart))
            .Where(i => i.To > i.From && i.To > Touch && i.From < sceneSeconds - Touch)
            .ToList();
    }

    /// <summary>
    /// Ducking as a volume envelope over the scene's clock: full level, ramping down over <see cref="DuckAttack"/>
    /// to reach <see cref="DuckGain"/> as speech starts, back up over <see cref="DuckRelease"/> after it ends. The
    /// speech intervals are known exactly, so no level detector has to guess (and lag). The envelope is evaluated
    /// on 10 ms frames so the ramps are smooth, not stepped.
    /// </summary>
    private static string Ducking(List<(double From, double To)> speech)
    {
        var shapes = speech.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"clip(min((t-{s.From - DuckAttack:0.####})/{DuckAttack},({s.To + DuckRelease:0.####}-t)/{DuckRelease}),0,1)")).ToList();
        // max() takes two arguments: fold the shapes pairwise. The quotes keep the commas inside the option value.
        var envelope = shapes.Skip(1).Aggregate(shapes[0], (acc, shape) => $"max({acc},{shape})");
        return string.Create(CultureInfo.InvariantCulture, $",asetnsamples=n=480:p=0,volume=volume='1-{1 - DuckGain:0.###}*{envelope}':eval=frame");
    }

    /// <summary>An audio track's fades, on its own clock: in where its sound begins, out where it ends (not where a sequentialBlendId chain goes on).</summary>
    private static string Fades(CompositionPlan plan, TimedTrack t)
    {
        if (t.Track.Type != TrackTypes.Audio)
            return "";
        var fades = new StringBuilder();
        var seconds = t.DurationMs / 1000;
        if (t.Track.FadeInMs is > 0 and var fadeIn && t.MediaOffsetMs == 0)
            fades.Append(CultureInfo.InvariantCulture, $",afade=t=in:st=0:d={Sec(Math.Min(fadeIn / 1000, seconds))}");
        var continues = t.Track.SequentialBlendId is { } id && plan.Sounds.Any(n =>
            n.SceneIndex == t.SceneIndex + 1 && n.Track.SequentialBlendId == id && n.Track.Type == t.Track.Type && n.MediaOffsetMs > 0);
        if (t.Track.FadeOutMs is > 0 and var fadeOut && !continues)
        {
            var d = Math.Min(fadeOut / 1000, seconds);
            fades.Append(CultureInfo.InvariantCulture, $",afade=t=out:st={Sec(seconds - d)}:d={Sec(d)}");
        }
        return fades.ToString();
    }

    private static long Sample(long frame, int fps) => (long)Math.Round(frame * 48000.0 / fps, MidpointRounding.AwayFromZero);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Sec(double seconds) => Math.Max(0, seconds).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Seconds with their sign, to be added in an expression: <c>+1.5</c>, <c>-30</c>, <c>+0</c>.</summary>
    internal static string SignedSec(double seconds) => (seconds < 0 ? "-" : "+") + Math.Abs(seconds).ToString("0.######", CultureInfo.InvariantCulture);
}
