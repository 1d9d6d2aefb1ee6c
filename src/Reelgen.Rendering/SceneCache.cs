using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>
/// Encoded scenes kept across renders: a scene whose picture was encoded before with the same settings is copied
/// from here instead of being drawn and encoded again. An entry is one MP4 (picture only, a keyframe first, closed
/// GOPs) named by the SHA-256 of everything its frames are made of (see <see cref="Key"/>). It is written under a
/// temporary name and renamed into place, so a reader (in this process, another worker, or another machine on
/// shared storage) finds a whole segment or none. Reading an entry touches it, and the least recently used entries
/// are deleted once the directory holds more than the configured bytes.
/// </summary>
internal sealed class SceneCache(string directory, long maxBytes)
{
    /// <summary>Bump when the same inputs would give other frames or other bytes (graph, drawing, encoding changes).</summary>
    private const string Format = "scene-1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The renderer's build (its version with the source revision): drawing code and built-in art change with it.</summary>
    private static readonly string RendererVersion =
        typeof(SceneCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly Lock _evicting = new();

    /// <summary>
    /// The key of a scene's segment: the renderer's build and ffmpeg's, the frame size and rate and the encoder
    /// settings; the scene's place (a presenter's idle motion is seeded by it), length and background; how the scene
    /// is cut into layers, frame by frame; and each track as resolved (variables applied) with its timing inside the
    /// scene, its box, and the SHA-256 of the media behind it: the fetched bytes (not the URL), the speech timings a
    /// mouth follows, the files a custom presenter is drawn from. Sound is not part of a segment, so it is not here
    /// beyond the tracks' own fields.
    /// </summary>
    public static string Key(
        string ffmpeg,
        RenderOptions options,
        CompositionPlan plan,
        ScenePlan scene,
        TimedScene timed,
        IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media,
        PresenterCatalog presenters)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"{Format}|{RendererVersion}|{ffmpeg}");
        Line($"{plan.Width}x{plan.Height}@{plan.Fps}|libx264|{options.Preset}|crf {options.Crf}|yuv420p");
        Line($"scene {scene.Index}|{scene.Frames} frames|{timed.BackgroundColor}");
        foreach (var b in scene.Base)
            Line($"base {b.Frames}|{Tracks(b.Picture)}");
        foreach (var layer in scene.Layers)
        {
            var picture = layer switch
            {
                StillLayer s => s.Picture,
                PresenterLayer p => p.Body,
                KenBurnsLayer k => k.Picture,
                AnimatedLayer a => a.Picture,
                _ => null,
            };
            Line($"{layer.GetType().Name} {layer.FromFrame}-{layer.ToFrame}|{(picture is null ? "" : $"{picture.X},{picture.Y},{picture.Width}x{picture.Height}|{Tracks(picture)}")}");
        }
        foreach (var t in timed.Tracks)
        {
            media.TryGetValue((t.SceneIndex, t.TrackIndex), out var m);
            var presenter = t.Track.Type == TrackTypes.Actor ? presenters.Fingerprint(t.Track.Actor ?? "") : "";
            Line($"track {t.TrackIndex}|{t.StartMs - timed.StartMs:0.###}-{t.EndMs - timed.StartMs:0.###}|offset {t.MediaOffsetMs:0.###}|{t.X},{t.Y},{t.Width}x{t.Height}|{m?.ContentHash}|{presenter}");
            text.Append(JsonSerializer.Serialize(t.Track, Json)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Tracks(StillPicture picture) => string.Join(",", picture.Tracks.Select(t => t.TrackIndex));

    /// <summary>Copies the entry to <paramref name="segmentPath"/>; false when there is none.</summary>
    public bool TryGet(string key, string segmentPath)
    {
        var entry = EntryPath(key);
        try
        {
            File.Copy(entry, segmentPath, overwrite: true);
            File.SetLastWriteTimeUtc(entry, DateTime.UtcNow);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Never written, or evicted meanwhile: encode it again.
            return false;
        }
    }

    public void Store(string key, string segmentPath)
    {
        Directory.CreateDirectory(directory);
        var entry = EntryPath(key);
        var temporary = CacheFiles.TemporaryPath(entry);
        File.Copy(segmentPath, temporary, overwrite: true);
        File.Move(temporary, entry, overwrite: true);
        if (!_evicting.TryEnter())
            return;
        try
        {
            CacheFiles.Evict(directory, maxBytes, ".mp4");
        }
        finally
        {
            _evicting.Exit();
        }
    }

    private string EntryPath(string key) => Path.Combine(directory, key + ".mp4");
}
