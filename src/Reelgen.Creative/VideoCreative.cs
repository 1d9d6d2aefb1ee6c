using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Reelgen.Creative;

/// <summary>The body of <c>POST /video-generation-jobs</c>.</summary>
public sealed class VideoGenerationJobRequest
{
    /// <summary>The video to render.</summary>
    public VideoCreative? VideoCreative { get; set; }

    /// <summary>Values for the <c>{name}</c> tokens in actor scripts and on-screen text; also copied into the callback body.</summary>
    public Dictionary<string, JsonElement>? DynamicVariables { get; set; }

    /// <summary>URL that receives a signed POST when the job ends.</summary>
    public string? Callback { get; set; }

    /// <summary>Keys copied flat into the callback body.</summary>
    public JsonObject? CallbackPayload { get; set; }
}

/// <summary>The description of a video: settings and scenes played back to back.</summary>
public sealed class VideoCreative
{
    /// <summary>Output settings.</summary>
    public VideoSettings? Settings { get; set; }

    /// <summary>Scenes, played in order.</summary>
    public List<Scene>? Scenes { get; set; }

    /// <summary>Accepted here too (older documentation puts it inside the creative); merged under the job's own.</summary>
    public Dictionary<string, JsonElement>? DynamicVariables { get; set; }
}

/// <summary>Output settings of a video.</summary>
public sealed class VideoSettings
{
    /// <summary>Name of the generated video.</summary>
    public string? Name { get; set; }

    /// <summary>Frame size in pixels; both sides even, at most 3840x2160. Default 1280x720.</summary>
    public VideoSize? VideoSize { get; set; }

    /// <summary>Frames per second, 1 to 60. Default 25.</summary>
    public int? Fps { get; set; }

    /// <summary>Colour behind every scene, <c>#RRGGBB</c>. Default black.</summary>
    public string? BackgroundColor { get; set; }

    /// <summary>Accepted for compatibility; Reelgen always writes an opaque MP4.</summary>
    public bool? AlphaChannel { get; set; }

    /// <summary>Captions drawn into the picture (the same word-timed cues as <c>captionsUrl</c>).</summary>
    public SubtitleSettings? Subtitles { get; set; }
}

/// <summary>
/// Subtitles burnt into the picture: the spoken words as captions, timed to the speech. Every field but
/// <see cref="BurnIn"/> is optional.
/// </summary>
public sealed class SubtitleSettings
{
    /// <summary>Draw the captions into the video; default false (captions are then only at <c>captionsUrl</c>).</summary>
    public bool? BurnIn { get; set; }

    /// <summary><c>bottom</c> (default) or <c>top</c> of the frame.</summary>
    public string? Position { get; set; }

    /// <summary>Font size in pixels, 8 to 400; default a 24th of the frame height (30 at 720p).</summary>
    public double? FontSize { get; set; }

    /// <summary>An installed font family; default "DejaVu Sans".</summary>
    public string? FontFamily { get; set; }

    /// <summary><c>normal</c>, <c>bold</c> or a number 100 to 900; default normal.</summary>
    public string? FontWeight { get; set; }

    /// <summary>Text colour <c>#RRGGBB</c> or <c>#RRGGBBAA</c>; default white.</summary>
    public string? Color { get; set; }

    /// <summary>Box behind each line, <c>#RRGGBB</c> or <c>#RRGGBBAA</c>; default black at 70 %. <c>#00000000</c> draws none.</summary>
    public string? BackgroundColor { get; set; }

    /// <summary>A line around each letter; default none (a box is drawn instead).</summary>
    public TextOutline? Outline { get; set; }

    /// <summary>Pixels between the captions and the frame's edge, 0 to 1000; default a 16th of the frame height.</summary>
    public double? Margin { get; set; }
}

/// <summary>A width and height in pixels.</summary>
public sealed record VideoSize(int Width, int Height);

/// <summary>A point in pixels from the top-left corner of the frame.</summary>
public sealed record Position(double X, double Y);

/// <summary>A box size in pixels.</summary>
public sealed record Size(double Width, double Height);

/// <summary>One scene: a stack of tracks; later tracks are drawn on top.</summary>
public sealed class Scene
{
    /// <summary>Free label.</summary>
    public string? Name { get; set; }

    /// <summary>Explicit length in milliseconds.</summary>
    public double? Duration { get; set; }

    /// <summary><c>referenceId</c> of the track whose length the scene adopts.</summary>
    public string? IntrinsicDurationTrackReference { get; set; }

    /// <summary>Colour behind this scene, <c>#RRGGBB</c>; overrides the video's.</summary>
    public string? BackgroundColor { get; set; }

    /// <summary>The tracks, bottom first.</summary>
    public List<Track>? Tracks { get; set; }

    /// <summary>How this scene passes into the next: the two overlap for the transition's length (not on the last scene).</summary>
    public SceneTransition? Transition { get; set; }
}

/// <summary>
/// A transition from a scene into the next one: the end of the one and the start of the other overlap for
/// <see cref="DurationMs"/>, picture and sound, so the video is that much shorter than its scenes together.
/// </summary>
public sealed class SceneTransition
{
    /// <summary><c>fade</c> (through black), <c>crossfade</c>, <c>wipeleft</c>, <c>slideleft</c>, <c>zoom</c>, ... (see the rendering docs for the list).</summary>
    public string? Type { get; set; }

    /// <summary>Milliseconds the two scenes overlap, 40 to 5000; default 500.</summary>
    public double? DurationMs { get; set; }
}

/// <summary>The kinds of track.</summary>
public static class TrackTypes
{
    public const string Actor = "actor";
    public const string Text = "text";
    public const string Image = "image";
    public const string Video = "video";
    public const string Audio = "audio";

    public static readonly IReadOnlyList<string> All = [Actor, Text, Image, Video, Audio];
}

/// <summary>One track of a scene. Which fields apply depends on <see cref="Type"/>.</summary>
public sealed class Track
{
    /// <summary><c>actor</c>, <c>text</c>, <c>image</c>, <c>video</c> or <c>audio</c>.</summary>
    public string? Type { get; set; }

    /// <summary>Top-left corner of the track's box; default (0, 0).</summary>
    public Position? Position { get; set; }

    /// <summary>Size of the track's box; default the whole frame.</summary>
    public Size? Size { get; set; }

    /// <summary>Milliseconds after the scene start before the track appears.</summary>
    public double? StartTimeGap { get; set; }

    /// <summary>Milliseconds before the scene end when the track stops.</summary>
    public double? EndTimeGap { get; set; }

    /// <summary>Explicit length in milliseconds.</summary>
    public double? Duration { get; set; }

    /// <summary>Caller-chosen id, used by <see cref="Scene.IntrinsicDurationTrackReference"/>.</summary>
    public string? ReferenceId { get; set; }

    /// <summary>Tracks with the same id in consecutive scenes continue without restarting.</summary>
    public string? SequentialBlendId { get; set; }

    /// <summary>Image track: the picture (PNG, JPEG, WebP or GIF).</summary>
    public string? ImageUrl { get; set; }

    /// <summary>Video track: the clip.</summary>
    public string? VideoUrl { get; set; }

    /// <summary>Audio track: the sound.</summary>
    public string? AudioUrl { get; set; }

    /// <summary>Video or actor track: key out a solid backdrop.</summary>
    public bool? RemoveBackground { get; set; }

    /// <summary>Actor track: the presenter's name (see <c>GET /assets/actors</c>).</summary>
    public string? Actor { get; set; }

    /// <summary>Actor track: the script spoken; text track: the text shown.</summary>
    public string? Text { get; set; }

    /// <summary>Actor track: the voice (see <c>GET /assets/voices</c>); default the actor's voice.</summary>
    public string? SpeakerId { get; set; }

    /// <summary>Audio or video track: volume, 0 to 4, default 1.</summary>
    public double? Volume { get; set; }

    /// <summary>Image or video track: how the picture fills its box: <c>contain</c> (default), <c>cover</c>, <c>contain-blur</c> or <c>stretch</c>.</summary>
    public string? Fit { get; set; }

    /// <summary>Image track: a slow camera move over the picture (Ken Burns): <c>zoomIn</c>, <c>zoomOut</c>, <c>panLeft</c> or <c>panRight</c>.</summary>
    public string? Effect { get; set; }

    /// <summary>Text, image, video or actor track: how it enters and leaves the picture.</summary>
    public TrackAnimation? Animation { get; set; }

    /// <summary>Audio track: repeat until the track ends.</summary>
    public bool? Loop { get; set; }

    /// <summary>Audio track: milliseconds over which the sound rises from silence at its start; default 0.</summary>
    public double? FadeInMs { get; set; }

    /// <summary>Audio track: milliseconds over which the sound falls to silence before its end; default 0.</summary>
    public double? FadeOutMs { get; set; }

    /// <summary>Audio track: lower the sound while a presenter of the same scene speaks; default true.</summary>
    public bool? Ducking { get; set; }

    /// <summary>Text track: how the text looks.</summary>
    public TextStyle? Style { get; set; }

    /// <summary>Creates a text track.</summary>
    public static Track TextTrack(string text, Position? position = null, Size? size = null, TextStyle? style = null) =>
        new() { Type = TrackTypes.Text, Text = text, Position = position, Size = size, Style = style };

    /// <summary>Creates an image track.</summary>
    public static Track ImageTrack(string imageUrl, Position? position = null, Size? size = null) =>
        new() { Type = TrackTypes.Image, ImageUrl = imageUrl, Position = position, Size = size };

    /// <summary>Creates a video track.</summary>
    public static Track VideoTrack(string videoUrl, Position? position = null, Size? size = null) =>
        new() { Type = TrackTypes.Video, VideoUrl = videoUrl, Position = position, Size = size };

    /// <summary>Creates an audio track.</summary>
    public static Track AudioTrack(string audioUrl, double? volume = null, bool? loop = null) =>
        new() { Type = TrackTypes.Audio, AudioUrl = audioUrl, Volume = volume, Loop = loop };

    /// <summary>Creates an actor track: a presenter speaking a script.</summary>
    public static Track ActorTrack(string actor, string text, string? speakerId = null, Position? position = null, Size? size = null) =>
        new() { Type = TrackTypes.Actor, Actor = actor, Text = text, SpeakerId = speakerId, Position = position, Size = size };
}

/// <summary>
/// How a track enters and leaves the picture (a Reelgen extension): <see cref="In"/> plays from the moment the track
/// appears, <see cref="Out"/> ends as it disappears, each lasting <see cref="DurationMs"/>.
/// </summary>
public sealed class TrackAnimation
{
    /// <summary><c>fade</c>, <c>slide-left</c>, <c>slide-up</c>, <c>pop</c>, or <c>typewriter</c> (text tracks only).</summary>
    public string? In { get; set; }

    /// <summary><c>fade</c>, <c>slide-left</c>, <c>slide-up</c> or <c>pop</c>.</summary>
    public string? Out { get; set; }

    /// <summary>Milliseconds each of the two lasts, 40 to 5000 and at most half the track's time on screen; default 400.</summary>
    public double? DurationMs { get; set; }
}

/// <summary>How a text track looks. Every field is optional.</summary>
public sealed class TextStyle
{
    /// <summary>An installed font family; default "DejaVu Sans".</summary>
    public string? FontFamily { get; set; }

    /// <summary>Font size in pixels; default 48.</summary>
    public double? FontSize { get; set; }

    /// <summary><c>normal</c>, <c>bold</c> or a number 100 to 900; default normal.</summary>
    public string? FontWeight { get; set; }

    /// <summary>Text colour <c>#RRGGBB</c> or <c>#RRGGBBAA</c>; default white.</summary>
    public string? Color { get; set; }

    /// <summary>Box colour behind the text; default transparent.</summary>
    public string? BackgroundColor { get; set; }

    /// <summary><c>left</c>, <c>center</c> or <c>right</c>; default left.</summary>
    public string? Align { get; set; }

    /// <summary>Line height as a multiple of the font size; default 1.2.</summary>
    public double? LineHeight { get; set; }

    /// <summary><c>top</c>, <c>middle</c> or <c>bottom</c>: where the lines sit in the box; default top.</summary>
    public string? VerticalAlign { get; set; }

    /// <summary>Space in pixels between the box edge and the text, inside the background; default 0.</summary>
    public double? Padding { get; set; }

    /// <summary>A TTF, OTF, WOFF or WOFF2 font to draw with, fetched like any asset; wins over <see cref="FontFamily"/>.</summary>
    public string? FontUrl { get; set; }

    /// <summary>Radius in pixels of the background's corners; default 0 (square).</summary>
    public double? BorderRadius { get; set; }

    /// <summary>A line drawn around each letter.</summary>
    public TextOutline? Outline { get; set; }

    /// <summary>A soft shadow behind the letters.</summary>
    public TextShadow? Shadow { get; set; }
}

/// <summary>An outline around each letter: its colour and width in pixels.</summary>
public sealed class TextOutline
{
    /// <summary><c>#RRGGBB</c> or <c>#RRGGBBAA</c>; default black.</summary>
    public string? Color { get; set; }

    /// <summary>Pixels, 0 to 100; default 2.</summary>
    public double? Width { get; set; }
}

/// <summary>A shadow behind the letters (and their outline).</summary>
public sealed class TextShadow
{
    /// <summary><c>#RRGGBB</c> or <c>#RRGGBBAA</c>; default black at 60 %.</summary>
    public string? Color { get; set; }

    /// <summary>Pixels to the right; default 3.</summary>
    public double? OffsetX { get; set; }

    /// <summary>Pixels down; default 3.</summary>
    public double? OffsetY { get; set; }

    /// <summary>Blur radius in pixels, 0 to 100; default 4.</summary>
    public double? Blur { get; set; }
}

/// <summary>JSON settings shared by the server, the renderer and the SDK.</summary>
public static class CreativeJson
{
    /// <summary>camelCase, case-insensitive reading, nulls omitted, numbers as written.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>How a request is parsed before it is typed: trailing commas and comments allowed, a key given twice refused.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false };

    /// <summary>
    /// Where a value of the wrong type sits (<c>videoCreative.scenes[1].tracks[0].x</c>, null when the whole value
    /// was wrong) and what was expected, from the message of a <see cref="JsonException"/> thrown while typing.
    /// </summary>
    public static (string? Path, string Message) TypeError(JsonException ex)
    {
        var cut = ex.Message.IndexOf(" Path:", StringComparison.Ordinal);
        return (ex.Path is { Length: > 2 } p ? p[2..] : null, cut > 0 ? ex.Message[..cut] : ex.Message);
    }
}
