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

    /// <summary>Bump when the same sound inputs would give another sound.mp4 or loudness (mixing, normalising, encoding changes).</summary>
    private const string SoundFormat = "sound-1";

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
        if (scene.SliceFrom is { } from)
            Line($"slice from frame {from}");
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

    /// <summary>
    /// The key of the whole video's sound (sound.mp4 and the loudness it was normalised to): the renderer's build and
    /// ffmpeg's, and the sound's own ffmpeg command as it would run before its loudness is known (the mix graph, every
    /// input's options, the encoder settings and the length), each input's path replaced by the SHA-256 of its bytes.
    /// The loudness is a function of those same inputs and graph, so it is not part of the key.
    /// </summary>
    public static string SoundKey(string ffmpeg, RenderOptions options, CompositionPlan plan, IReadOnlyDictionary<(int Scene, int Track), TrackMedia> media)
    {
        var command = FfmpegGraph.BuildSound(plan, media, "sound-graph.txt", "sound.mp4", options, loudness: null);
        // Speech is keyed by its samples (its timings hash does not cover them); fetched media by the bytes fetched.
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in media.Values)
            hashes.TryAdd(m.Path, m.Speech is not null || m.ContentHash.Length == 0 ? FileHash(m.Path) : m.ContentHash);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{SoundFormat}|{RendererVersion}|{ffmpeg}\n");
        foreach (var argument in command.Arguments)
            text.Append(hashes.TryGetValue(argument, out var hash) ? "sha256:" + hash : argument).Append('\n');
        text.Append(command.FilterGraph);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string FileHash(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
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

    /// <summary>
    /// Copies a kept sound to <paramref name="soundPath"/> and returns it with its loudness; null when there is none.
    /// The MP4 is the marker (copied first, deleted first), its loudness the companion written before it.
    /// </summary>
    public KeptSound? TryGetSound(string key, string soundPath)
    {
        if (!TryGet(key, soundPath))
            return null;
        try
        {
            return JsonSerializer.Deserialize<KeptSound>(File.ReadAllBytes(Path.Combine(directory, key + ".json")), Json);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // Evicted between the two reads, or left by another version: encode it again.
            return null;
        }
    }

    public void StoreSound(string key, string soundPath, KeptSound sound)
    {
        Directory.CreateDirectory(directory);
        var loudness = Path.Combine(directory, key + ".json");
        var temporary = CacheFiles.TemporaryPath(loudness);
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(sound, Json));
        File.Move(temporary, loudness, overwrite: true);
        Store(key, soundPath);
    }

    /// <summary>
    /// Copies the poster kept beside a scene's segment (the video's frame 1 s in, which lies inside its first scene)
    /// to <paramref name="jpegPath"/>; false when there is none.
    /// </summary>
    public bool TryGetThumbnail(string key, string jpegPath)
    {
        try
        {
            File.Copy(Path.Combine(directory, key + ".jpg"), jpegPath, overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Keeps the poster beside its scene's segment, only while the segment is there (eviction takes both).</summary>
    public void StoreThumbnail(string key, string jpegPath)
    {
        if (!File.Exists(EntryPath(key)))
            return;
        var poster = Path.Combine(directory, key + ".jpg");
        var temporary = CacheFiles.TemporaryPath(poster);
        File.Copy(jpegPath, temporary, overwrite: true);
        File.Move(temporary, poster, overwrite: true);
    }

    private string EntryPath(string key) => Path.Combine(directory, key + ".mp4");
}

/// <summary>A kept sound's loudness as measured before it was normalised; null when nothing in the video sounds.</summary>
internal sealed record KeptSound(Loudness? Loudness);
