using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>
/// Draws each presenter's head once per distinct pose its track needs, and writes the ffconcat list that shows them
/// in time. A minute of speech needs a hundred or so small pictures, drawn on both cores before ffmpeg starts.
/// </summary>
internal static class HeadSprites
{
    public static async Task<Dictionary<(int Scene, int Track), PresenterSprites>> DrawAsync(
        CompositionPlan plan,
        IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media,
        PresenterCatalog presenters,
        string workDirectory,
        CancellationToken cancellationToken,
        long sliceFrames = 0)
    {
        var result = new Dictionary<(int, int), PresenterSprites>();
        var pictures = new List<(PresenterArt Art, float Scale, PresenterPose Pose, bool Mirrored, string Path)>();
        foreach (var (scene, layer) in plan.Scenes.SelectMany(s => s.Layers.OfType<PresenterLayer>().Select(l => (s, l))))
        {
            var t = layer.Track;
            var presenter = presenters.Find(t.Track.Actor ?? "") ?? throw new RenderException($"{t.Label}: actor '{t.Track.Actor}' is not known");
            var art = presenters.Art(presenter.Name);
            var box = new SKRect(t.X, t.Y, t.X + t.Width, t.Y + t.Height);
            var (_, _, scale) = art.Fit(box);
            var mirrored = PresenterArt.FacesLeft(box, plan.Width);
            media.TryGetValue((t.SceneIndex, t.TrackIndex), out var spoken);
            var seed = Seed($"{presenter.Name}/{t.SceneIndex}/{t.TrackIndex}/{t.Track.Text}");
            var poses = PresenterMotion.Plan(spoken?.Speech, spoken?.Path, t.Track.Text ?? "", layer.ToFrame - layer.FromFrame, plan.Fps, seed);

            var prefix = string.Create(CultureInfo.InvariantCulture, $"head-{t.SceneIndex:D3}-{t.TrackIndex:D3}");
            var runs = new List<(string File, int Frames)>();
            var seen = new HashSet<PresenterPose>();
            foreach (var run in poses)
            {
                var file = $"{prefix}-{run.Pose.Key}.png";
                if (seen.Add(run.Pose))
                    pictures.Add((art, scale, run.Pose, mirrored, Path.Combine(workDirectory, file)));
                runs.Add((file, run.Frames));
            }
            var listPath = Path.Combine(workDirectory, prefix + ".ffconcat");
            await File.WriteAllTextAsync(listPath, List(runs, 0, plan.Fps), cancellationToken);
            // A slice starting after the presenter gets a list of its own, from the pose current at its first frame:
            // ffmpeg then decodes only the poses the slice shows.
            var fromFrame = new Dictionary<long, string>();
            foreach (var slice in scene.Slices(sliceFrames))
            {
                if (slice.SliceFrom is not { } from || from <= layer.FromFrame || from >= layer.ToFrame)
                    continue;
                var path = Path.Combine(workDirectory, string.Create(CultureInfo.InvariantCulture, $"{prefix}-from-{from - layer.FromFrame:D6}.ffconcat"));
                await File.WriteAllTextAsync(path, List(runs, from - layer.FromFrame, plan.Fps), cancellationToken);
                fromFrame[from - layer.FromFrame] = path;
            }
            var sway = PresenterMotion.Sway(seed, art.HeadBounds.Height * scale);
            var origin = art.HeadOrigin(box, mirrored);
            result[(t.SceneIndex, t.TrackIndex)] = new PresenterSprites(listPath, (int)Math.Round(origin.X), (int)Math.Round(origin.Y), sway) { ListsFrom = fromFrame };
        }
        // Most poses differ only in the mouth: each face (head, hair, eyes, brows in one nod) is drawn once, and a pose
        // is its face copied with the mouth drawn over it, which costs a fraction of drawing every part again.
        var faces = pictures.Select(FaceOf).Distinct().ToList();
        var drawn = new Dictionary<(PresenterArt, float, bool, bool, bool, int), SKImage>();
        try
        {
            var images = new SKImage[faces.Count];
            await Parallel.ForAsync(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, (i, _) =>
            {
                var (art, scale, mirrored, eyesClosed, browsUp, nod) = faces[i];
                images[i] = DrawFace(art, scale, new PresenterPose(MouthShape.X, MouthShape.X, 100, eyesClosed, browsUp, nod), mirrored);
                return ValueTask.CompletedTask;
            });
            for (var i = 0; i < faces.Count; i++)
                drawn[faces[i]] = images[i];
            await Parallel.ForEachAsync(pictures, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, (p, _) =>
            {
                Draw(p.Art, p.Scale, p.Pose, p.Mirrored, p.Path, drawn[FaceOf(p)]);
                return ValueTask.CompletedTask;
            });
        }
        finally
        {
            foreach (var image in drawn.Values)
                image.Dispose();
        }
        return result;
    }

    /// <summary>
    /// The ffconcat list of the poses from the layer's frame <paramref name="from"/> on: each pose held for its frames,
    /// the first cut to what is left of it at that frame.
    /// </summary>
    internal static string List(IReadOnlyList<(string File, int Frames)> runs, long from, int fps)
    {
        var list = new StringBuilder("ffconcat version 1.0\n");
        var first = true;
        long end = 0;
        foreach (var (file, frames) in runs)
        {
            end += frames;
            if (end <= from)
                continue;
            // Each change lands half a frame early, so the frame it belongs to never rounds to the pose before.
            var seconds = (first ? end - from - 0.5 : frames) / (double)fps;
            list.Append(CultureInfo.InvariantCulture, $"file {file}\nduration {seconds:0.######}\n");
            first = false;
        }
        return list.ToString();
    }

    private static (PresenterArt, float, bool, bool, bool, int) FaceOf((PresenterArt Art, float Scale, PresenterPose Pose, bool Mirrored, string Path) p) =>
        (p.Art, p.Scale, p.Mirrored, p.Pose.EyesClosed, p.Pose.BrowsUp, p.Pose.Nod);

    /// <summary>A face (<see cref="PresenterArt.DrawFace"/>) as a picture of the sprite's size.</summary>
    private static SKImage DrawFace(PresenterArt art, float scale, PresenterPose pose, bool mirrored)
    {
        var size = art.SpriteSize(scale);
        using var surface = SKSurface.Create(new SKImageInfo(Math.Max(1, size.Width), Math.Max(1, size.Height), SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new RenderException($"could not allocate a {size.Width}x{size.Height} picture");
        surface.Canvas.Clear(SKColors.Transparent);
        art.DrawFace(surface.Canvas, scale, pose, mirrored);
        return surface.Snapshot();
    }

    /// <summary>One pose as a transparent PNG: its face, drawn before, and its mouth.</summary>
    private static void Draw(PresenterArt art, float scale, PresenterPose pose, bool mirrored, string path, SKImage face)
    {
        var size = art.SpriteSize(scale);
        using var surface = SKSurface.Create(new SKImageInfo(Math.Max(1, size.Width), Math.Max(1, size.Height), SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new RenderException($"could not allocate a {size.Width}x{size.Height} picture");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        canvas.DrawImage(face, 0, 0, SKSamplingOptions.Default);
        art.DrawMouth(canvas, scale, pose, mirrored);
        using var image = surface.Snapshot();
        using var pixmap = image.PeekPixels();
        using var file = File.Create(path);
        if (!pixmap.Encode(file, new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 1)))
            throw new RenderException("could not write a presenter picture");
    }

    /// <summary>A seed that is the same in every process (string.GetHashCode is not): FNV-1a over the UTF-8 bytes.</summary>
    internal static int Seed(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 16777619u;
        return (int)(hash & 0x7FFFFFFF);
    }
}
