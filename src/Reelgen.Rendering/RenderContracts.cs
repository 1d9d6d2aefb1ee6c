using System.ComponentModel.DataAnnotations;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>The two phases a render reports, matching the job statuses.</summary>
public enum RenderStage
{
    /// <summary>Fetching assets, synthesising speech, drawing static layers.</summary>
    Preprocessing,

    /// <summary>ffmpeg encoding.</summary>
    Generating,
}

/// <summary>
/// How far a render is: the stage and the fraction of that stage done (0 to 1), and from the start of encoding the
/// video's length in seconds (0 before it is known).
/// </summary>
public readonly record struct RenderProgress(RenderStage Stage, double Fraction, double VideoSeconds = 0);

/// <summary>
/// What a finished render wrote. <c>Captions</c>: what is said when, from the timeline that was rendered (each cue
/// from the moment a presenter starts speaking until its speech ends); empty when nothing is spoken.
/// </summary>
public sealed record RenderResult(string OutputPath, double DurationSeconds, long SizeBytes, int Width, int Height, IReadOnlyList<CaptionCue> Captions)
{
    /// <summary>What the render did and reused, and how long it took.</summary>
    public RenderStats Stats { get; init; } = new(0, 0, 0, 0);

    /// <summary>The scene cache's key of the first scene when the poster's frame lies inside it; see <see cref="VideoRenderer.ExtractThumbnailAsync(RenderResult, string, CancellationToken)"/>.</summary>
    internal string? PosterScene { get; init; }
}

/// <summary>
/// A render's figures: scenes encoded and scenes taken from the scene cache, scripts whose speech came from the
/// speech cache, the render's wall time in seconds, and whether the whole video's sound came from the scene cache.
/// </summary>
public sealed record RenderStats(int ScenesRendered, int ScenesReused, int SpeechReused, double Seconds, bool SoundReused = false);

/// <summary>A render that cannot succeed, with a reason a person can act on ("scene 2, track 1: imageUrl answered 404").</summary>
public sealed class RenderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Settings of the renderer (the server binds them from <c>Reelgen:Render</c>). Every value has a working default.</summary>
public sealed class RenderOptions
{
    private const string Positive = "must be more than zero and at most {2}.";

    /// <summary>ffmpeg executable.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>ffprobe executable.</summary>
    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Longest a short ffmpeg or ffprobe run (probing an asset, sampling a colour, drawing the thumbnail) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Positive)]
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>libx264 preset.</summary>
    [Required, RegularExpression("^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow)$", ErrorMessage = "is not a libx264 preset; use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower or veryslow.")]
    public string Preset { get; set; } = "veryfast";

    /// <summary>libx264 constant rate factor.</summary>
    [Range(0, 51)]
    public int Crf { get; set; } = 23;

    /// <summary>AAC bit rate in kbit/s.</summary>
    [Range(32, 512)]
    public int AudioBitrateKbps { get; set; } = 160;

    /// <summary>Let asset URLs reach private, loopback and link-local addresses.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Largest asset accepted, in bytes.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "must be at least 1.")]
    public long MaxAssetBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>
    /// How much one job may ask for: the render checks what only the media shows (a clip's size, frame rate and
    /// length, a picture's size, how long speech lasts, the whole video's length). The server sets it from <c>Reelgen:Limits</c>.
    /// </summary>
    public JobLimits Limits { get; set; } = new();

    /// <summary>Time allowed to open a connection for an asset.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = Positive)]
    public TimeSpan AssetConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for one asset download, redirects included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Positive)]
    public TimeSpan AssetTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Redirects followed per asset, each one checked again.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Scenes of still pictures and presenters longer than this are encoded in slices of at most this many seconds,
    /// each its own segment (a keyframe at its start), so <see cref="ParallelEncodes"/> can share a long scene.
    /// </summary>
    [Range(1, 3600)]
    public double SliceSeconds { get; set; } = 30;

    /// <summary>
    /// ffmpeg runs encoding one video's scenes at once. One run keeps about one and a half cores busy (its filter
    /// graph works on one), so two use a two-core machine fully; 1 encodes every scene in one run.
    /// </summary>
    [Range(1, 16)]
    public int ParallelEncodes { get; set; } = 2;

    /// <summary>Downloads running at once.</summary>
    [Range(1, 64)]
    public int ParallelDownloads { get; set; } = 4;

    /// <summary>
    /// Where spoken scripts (a <c>speech</c> folder inside) and encoded scenes (<c>scenes</c>) are kept for reuse by
    /// later renders; none when null.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Most bytes of speech kept; the least recently used go first.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "must be at least 1.")]
    public long SpeechCacheBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most bytes of encoded scenes kept; the least recently used go first.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "must be at least 1.")]
    public long SceneCacheBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}
