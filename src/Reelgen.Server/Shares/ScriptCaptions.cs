using Reelgen.Creative;

namespace Reelgen.Server.Shares;

/// <summary>
/// Scene-level captions planned from the scripts, for a render that did not report its own timings
/// (<c>RenderResult.Captions</c>). An actor track in a scene with a <c>duration</c> speaks for the whole scene (less
/// its gaps), which is exact; elsewhere its length is estimated from the script at a typical speaking rate, so the cue
/// can drift from the voice by a second or so. Cues never run past the end of the video.
/// </summary>
public static class ScriptCaptions
{
    /// <summary>Words a minute of a typical text-to-speech voice.</summary>
    private const double WordsPerMinute = 160;

    /// <summary>Length assumed for clips and sounds, whose own length only the renderer knows.</summary>
    private const double UnknownMediaMs = 2000;

    /// <param name="creative">The creative with its variables applied.</param>
    /// <param name="videoDurationMs">Length of the rendered video.</param>
    public static IReadOnlyList<CaptionCue> Estimate(VideoCreative creative, double videoDurationMs)
    {
        var scenes = creative.Scenes ?? [];
        if (!scenes.Any(s => (s.Tracks ?? []).Any(t => t.Type == TrackTypes.Actor && !string.IsNullOrWhiteSpace(t.Text))))
            return [];
        var timeline = TimelinePlanner.Plan(creative, (s, t) => EstimateMs(scenes[s], scenes[s].Tracks![t]));
        return SpokenCaptions.FromTimeline(timeline)
            .Where(c => c.StartMs < videoDurationMs)
            .Select(c => c with { EndMs = Math.Min(c.EndMs, videoDurationMs) })
            .ToList();
    }

    private static double EstimateMs(Scene scene, Track track) =>
        scene.Duration ?? (track.Type == TrackTypes.Actor ? SpeechMs(track.Text) : UnknownMediaMs);

    private static double SpeechMs(string? script)
    {
        var words = (script ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return Math.Max(1000, words * 60_000 / WordsPerMinute);
    }
}
