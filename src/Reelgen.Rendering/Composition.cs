using System.Globalization;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>
/// A still picture drawn once with SkiaSharp: a run of consecutive still tracks (image, text, presenter) merged
/// into one PNG. A scene's base picture is full-frame and opaque (the scene colour behind); a picture above a video
/// is transparent and cut to the tracks' bounding box.
/// </summary>
/// <remarks>
/// With <see cref="Reveal"/>, the picture is a sheet of cells stacked top to bottom, each the text track drawn with
/// only its first so many characters: the steps of a typewriter entrance, shown one after another by a crop.
/// </remarks>
internal sealed record StillPicture(string Name, int X, int Y, int Width, int Height, string? Background, IReadOnlyList<TimedTrack> Tracks, TypewriterSheet? Reveal = null);

/// <summary>A typewriter's cells: each <see cref="CellHeight"/> pixels tall, showing the number of characters in <see cref="Counts"/>.</summary>
internal sealed record TypewriterSheet(int CellHeight, IReadOnlyList<int> Counts);

/// <summary>Something laid over a scene's base, in z-order; frames are counted from the scene start, end exclusive.</summary>
internal abstract record SceneLayer(long FromFrame, long ToFrame)
{
    /// <summary>How the layer enters and leaves; null when it simply appears and disappears.</summary>
    public LayerMotion? Motion { get; init; }
}

/// <summary>
/// A track's entrance and exit in frames: the entrance plays over the first <see cref="InFrames"/> frames the
/// layer shows, the exit over its last <see cref="OutFrames"/>, each at most half the layer, so they never overlap.
/// </summary>
internal sealed record LayerMotion(string? In, string? Out, long InFrames, long OutFrames)
{
    public static LayerMotion? Of(Track track, long frames, int fps)
    {
        if (track.Animation is not { } animation || (animation.In is null && animation.Out is null))
            return null;
        // The validator holds durationMs to half the time a request shows; where only speech or a clip tells the
        // track's length, the animation is shortened to fit rather than the render failing.
        var wanted = Math.Max(1, (long)Math.Round((animation.DurationMs ?? CreativeRules.DefaultAnimationMs) * fps / 1000.0, MidpointRounding.AwayFromZero));
        var ramp = Math.Min(wanted, frames / 2);
        if (ramp < 1)
            return null;
        return new LayerMotion(animation.In, animation.Out, animation.In is null ? 0 : ramp, animation.Out is null ? 0 : ramp);
    }
}

/// <summary>
/// A text or image track with an entrance or an exit: drawn once into its box and moved, faded or scaled by ffmpeg;
/// a typewriter entrance shows the cells of <see cref="Reveal"/> first, then the whole picture.
/// </summary>
internal sealed record AnimatedLayer(StillPicture Picture, TimedTrack Track, long FromFrame, long ToFrame, StillPicture? Reveal = null) : SceneLayer(FromFrame, ToFrame);

internal sealed record StillLayer(StillPicture Picture, long FromFrame, long ToFrame) : SceneLayer(FromFrame, ToFrame);

internal sealed record VideoLayer(TimedTrack Track, long FromFrame, long ToFrame) : SceneLayer(FromFrame, ToFrame);

/// <summary>An image with a Ken Burns effect: drawn once into its box, moved by ffmpeg frame by frame.</summary>
internal sealed record KenBurnsLayer(StillPicture Picture, TimedTrack Track, long FromFrame, long ToFrame) : SceneLayer(FromFrame, ToFrame);

/// <summary>
/// A presenter: its body (and backdrop) is a still picture drawn once; its head is a run of small pictures, one per
/// distinct pose, that ffmpeg switches by time and sways (see <see cref="PresenterSprites"/>).
/// </summary>
internal sealed record PresenterLayer(TimedTrack Track, StillPicture Body, long FromFrame, long ToFrame) : SceneLayer(FromFrame, ToFrame);

/// <summary>A stretch of a scene's base during which the same base picture shows.</summary>
internal sealed record BaseSegment(StillPicture Picture, long Frames);

/// <summary>A scene on the frame clock; <see cref="Transition"/> overlaps its last frames with the next scene's first.</summary>
internal sealed record ScenePlan(int Index, long StartFrame, long Frames, IReadOnlyList<BaseSegment> Base, IReadOnlyList<SceneLayer> Layers, TransitionPlan? Transition = null)
{
    public long EndFrame => StartFrame + Frames;

    /// <summary>
    /// For a slice of a scene (see <see cref="Slices"/>), the scene frame it starts at; null for a whole scene. A slice
    /// keeps the scene's layers with their frames counted from the scene start, so its graph shows exactly the
    /// frames the whole scene shows over that stretch.
    /// </summary>
    public long? SliceFrom { get; init; }

    /// <summary>Unique among the scenes and slices of one render: names the slice's labels in a filter graph.</summary>
    public string Tag => SliceFrom is { } from ? string.Create(CultureInfo.InvariantCulture, $"{Index}_{from}") : Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The scene cut in time into the fewest slices of at most <paramref name="maxFrames"/> frames, of equal length,
    /// each encoded on its own (so two can be encoded at once: one ffmpeg uses about one and a half cores, its
    /// filter graph running on one). Only scenes of still pictures and presenters are cut, whose every layer is a
    /// function of the scene's clock; a scene with clips, Ken Burns pictures, animations or a transition stays whole.
    /// </summary>
    public IReadOnlyList<ScenePlan> Slices(long maxFrames)
    {
        var count = maxFrames <= 0 ? 1 : (int)Math.Min(Frames / 2, (Frames + maxFrames - 1) / maxFrames);
        if (count < 2 || Transition is not null || !Layers.All(l => l is StillLayer or PresenterLayer { Motion: null }))
            return [this];
        var slices = new List<ScenePlan>(count);
        for (var k = 0; k < count; k++)
        {
            var (from, to) = (Frames * k / count, Frames * (k + 1) / count);
            slices.Add(this with
            {
                StartFrame = StartFrame + from,
                Frames = to - from,
                Base = CutBase(from, to),
                Layers = Layers.Where(l => l.FromFrame < to && l.ToFrame > from).ToList(),
                SliceFrom = from,
            });
        }
        return slices;
    }

    /// <summary>The base pictures that show from scene frame <paramref name="from"/> to <paramref name="to"/>.</summary>
    private List<BaseSegment> CutBase(long from, long to)
    {
        var cut = new List<BaseSegment>();
        long at = 0;
        foreach (var b in Base)
        {
            var (start, end) = (Math.Max(at, from), Math.Min(at + b.Frames, to));
            if (end > start)
                cut.Add(b with { Frames = end - start });
            at += b.Frames;
        }
        return cut;
    }
}

/// <summary>A transition into the next scene (the API's name for it) and how many frames the two scenes share.</summary>
internal sealed record TransitionPlan(string Type, long Frames)
{
    /// <summary>
    /// The ffmpeg <c>xfade</c> transition: three of the API's names are renamed, the rest are xfade's own. A
    /// <c>fade</c> is a crossfade of the two scenes each faded to black over half the overlap (xfade's fadeblack
    /// drops the first picture to black within a fifth of the time, which looks like a cut).
    /// </summary>
    public string Xfade => Type switch
    {
        "fade" or "crossfade" => "fade",
        "zoom" => "zoomin",
        _ => Type,
    };
}

/// <summary>
/// How a timeline becomes one ffmpeg run: each scene is a base (still pictures repeated inside the filter graph)
/// with videos and transparent still pictures overlaid only while they show; the scenes are concatenated, and every
/// sound is mixed on the video's clock.
/// </summary>
internal sealed record CompositionPlan(int Width, int Height, int Fps, long Frames, IReadOnlyList<ScenePlan> Scenes, IReadOnlyList<TimedTrack> Sounds)
{
    public IEnumerable<StillPicture> Pictures =>
        Scenes.SelectMany(s => s.Base.Select(b => b.Picture)
            .Concat(s.Layers.OfType<StillLayer>().Select(l => l.Picture))
            .Concat(s.Layers.OfType<PresenterLayer>().Select(l => l.Body))
            .Concat(s.Layers.OfType<KenBurnsLayer>().Select(l => l.Picture))
            .Concat(s.Layers.OfType<AnimatedLayer>().SelectMany(l => l.Reveal is null ? [l.Picture] : new[] { l.Reveal, l.Picture })));

    public IEnumerable<PresenterLayer> Presenters => Scenes.SelectMany(s => s.Layers.OfType<PresenterLayer>());

    /// <summary>
    /// A transition blends neighbouring scenes in one filter graph, so such a video is composed in one piece, never
    /// from scenes encoded on their own.
    /// </summary>
    public bool HasTransitions => Scenes.Any(s => s.Transition is not null);

    public double Seconds => Frames / (double)Fps;
}

internal static class CompositionPlanner
{
    /// <summary>Video tracks, presenters and animated tracks move; every other visual track is a still drawn once.</summary>
    public static bool Moves(Track track) =>
        track.Type is TrackTypes.Video or TrackTypes.Actor || (track.Type == TrackTypes.Image && track.Effect is not null)
        || track.Animation is { In: not null } or { Out: not null };

    /// <summary>Most typewriter steps: one per frame of the entrance up to this many.</summary>
    internal const int MaxTypewriterSteps = 40;

    /// <summary>Most pixels of a typewriter's sheet of steps (fewer, larger steps for a large box).</summary>
    internal const long MaxTypewriterPixels = 4_000_000;

    public static CompositionPlan Plan(Timeline timeline)
    {
        var scenes = new List<ScenePlan>();
        foreach (var scene in timeline.Scenes)
        {
            var first = timeline.FrameAt(scene.StartMs);
            var frames = timeline.FrameAt(scene.EndMs) - first;
            // Visual tracks with their frames within the scene; tracks that never show are dropped.
            var visual = new List<(TimedTrack Track, long From, long To)>();
            foreach (var track in scene.Tracks.Where(t => CreativeRules.IsVisual(t.Track)))
            {
                var from = Math.Clamp(timeline.FrameAt(track.StartMs) - first, 0, frames);
                var to = Math.Clamp(timeline.FrameAt(track.EndMs) - first, 0, frames);
                if (to > from && OnScreen(track, timeline.Width, timeline.Height))
                    visual.Add((track, from, to));
            }

            var firstVideo = visual.FindIndex(v => Moves(v.Track.Track));
            var bottom = firstVideo < 0 ? visual : visual[..firstVideo];
            var segments = new List<BaseSegment>();
            foreach (var (from, to, shown) in Intervals(bottom, 0, frames))
            {
                var name = Name("base", scene.Index, segments.Count);
                segments.Add(new BaseSegment(new StillPicture(name, 0, 0, timeline.Width, timeline.Height, scene.BackgroundColor, shown), to - from));
            }

            var layers = new List<SceneLayer>();
            var group = new List<(TimedTrack Track, long From, long To)>();
            var groupNumber = 0;
            void FlushGroup()
            {
                if (group.Count == 0)
                    return;
                var lo = group.Min(g => g.From);
                var hi = group.Max(g => g.To);
                var part = 0;
                foreach (var (from, to, shown) in Intervals(group, lo, hi))
                {
                    if (shown.Count == 0)
                        continue;
                    var (x, y, w, h) = Bounds(shown, timeline.Width, timeline.Height);
                    layers.Add(new StillLayer(new StillPicture(Name($"over{groupNumber}", scene.Index, part++), x, y, w, h, null, shown), from, to));
                }
                groupNumber++;
                group.Clear();
            }
            foreach (var v in firstVideo < 0 ? [] : visual[firstVideo..])
            {
                var motion = LayerMotion.Of(v.Track.Track, v.To - v.From, timeline.Fps);
                if (v.Track.Track.Type == TrackTypes.Actor)
                {
                    FlushGroup();
                    var (x, y, w, h) = Bounds([v.Track], timeline.Width, timeline.Height);
                    var body = new StillPicture(Name($"actor{v.Track.TrackIndex}", scene.Index, 0), x, y, w, h, null, [v.Track]);
                    layers.Add(new PresenterLayer(v.Track, body, v.From, v.To) { Motion = motion });
                }
                else if (v.Track.Track.Type == TrackTypes.Image && v.Track.Track.Effect is not null)
                {
                    FlushGroup();
                    var picture = new StillPicture(Name("kenburns", scene.Index, layers.Count), v.Track.X, v.Track.Y, v.Track.Width, v.Track.Height, null, [v.Track]);
                    layers.Add(new KenBurnsLayer(picture, v.Track, v.From, v.To) { Motion = motion });
                }
                else if (v.Track.Track.Type == TrackTypes.Video)
                {
                    FlushGroup();
                    layers.Add(new VideoLayer(v.Track, v.From, v.To) { Motion = motion });
                }
                else if (Moves(v.Track.Track))
                {
                    FlushGroup();
                    var (x, y, w, h) = Bounds([v.Track], timeline.Width, timeline.Height);
                    var name = Name("animated", scene.Index, layers.Count);
                    var picture = new StillPicture(name, x, y, w, h, null, [v.Track]);
                    var reveal = motion is { In: "typewriter" } ? Typewriter(name + "-steps", picture, motion.InFrames) : null;
                    layers.Add(new AnimatedLayer(picture, v.Track, v.From, v.To, reveal) { Motion = motion });
                }
                else
                {
                    group.Add(v);
                }
            }
            FlushGroup();
            // The frames the scene shares with the next: from the next one's start to this one's end.
            var transition = scene.Transition is { } t && scene.Index + 1 < timeline.Scenes.Count
                ? new TransitionPlan(t.Type, first + frames - timeline.FrameAt(timeline.Scenes[scene.Index + 1].StartMs))
                : null;
            scenes.Add(new ScenePlan(scene.Index, first, frames, segments, layers, transition));
        }
        var sounds = timeline.Tracks.Where(t => t.Track.Type is TrackTypes.Actor or TrackTypes.Audio or TrackTypes.Video).ToList();
        return new CompositionPlan(timeline.Width, timeline.Height, timeline.Fps, timeline.FrameCount, scenes, sounds);
    }

    /// <summary>
    /// The sheet of a typewriter entrance: as many steps as it has frames (at most <see cref="MaxTypewriterSteps"/>,
    /// at most one per character, fewer for a large box), the first showing nothing and each next one more of the
    /// text's characters (spaces cost no time), evenly over the entrance. Cells are an even number of pixels tall,
    /// so a crop of one falls on whole chroma rows.
    /// </summary>
    private static StillPicture? Typewriter(string name, StillPicture picture, long frames)
    {
        var text = picture.Tracks[0].Track.Text ?? "";
        var characters = TypewriterCharacters(text);
        if (characters == 0 || frames < 1)
            return null;
        var cell = picture.Height + (picture.Height % 2);
        var byPixels = Math.Max(1, MaxTypewriterPixels / Math.Max(1L, (long)picture.Width * cell));
        var steps = (int)Math.Min(Math.Min(frames, characters), Math.Min(MaxTypewriterSteps, byPixels));
        var counts = Enumerable.Range(0, steps).Select(j => (int)Math.Round(characters * (double)j / steps, MidpointRounding.AwayFromZero)).ToList();
        return picture with { Name = name, Height = cell * steps, Reveal = new TypewriterSheet(cell, counts) };
    }

    /// <summary>The characters a typewriter types: the text's text elements, whitespace not counted.</summary>
    internal static int TypewriterCharacters(string text)
    {
        var count = 0;
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            if (!string.IsNullOrWhiteSpace(e.GetTextElement()))
                count++;
        }
        return count;
    }

    /// <summary>Cuts [from, to) wherever a track starts or stops; each piece lists the tracks showing throughout it, bottom first.</summary>
    private static IEnumerable<(long From, long To, List<TimedTrack> Shown)> Intervals(List<(TimedTrack Track, long From, long To)> tracks, long from, long to)
    {
        var cuts = new SortedSet<long> { from, to };
        foreach (var t in tracks)
        {
            cuts.Add(Math.Clamp(t.From, from, to));
            cuts.Add(Math.Clamp(t.To, from, to));
        }
        var points = cuts.ToList();
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var (a, b) = (points[i], points[i + 1]);
            yield return (a, b, tracks.Where(t => t.From <= a && t.To >= b).Select(t => t.Track).ToList());
        }
    }

    private static bool OnScreen(TimedTrack t, int width, int height) =>
        t.Width > 0 && t.Height > 0 && t.X < width && t.Y < height && t.X + t.Width > 0 && t.Y + t.Height > 0;

    /// <summary>The tracks' union box, clipped to the frame.</summary>
    private static (int X, int Y, int W, int H) Bounds(List<TimedTrack> tracks, int width, int height)
    {
        var x0 = Math.Max(0, tracks.Min(t => t.X));
        var y0 = Math.Max(0, tracks.Min(t => t.Y));
        var x1 = Math.Min(width, tracks.Max(t => t.X + t.Width));
        var y1 = Math.Min(height, tracks.Max(t => t.Y + t.Height));
        return (x0, y0, x1 - x0, y1 - y0);
    }

    private static string Name(string kind, int scene, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"s{scene:D3}-{kind}-{part:D3}");
}
