namespace Reelgen.Creative;

/// <summary>One caption on the video clock: the text shown from <see cref="StartMs"/> until <see cref="EndMs"/>.</summary>
public sealed record CaptionCue(double StartMs, double EndMs, string Text);

/// <summary>Captions from the scripts: one cue per actor track that speaks, for as long as it is on screen.</summary>
public static class SpokenCaptions
{
    /// <summary>
    /// A cue for every actor track with a script, in video order. The times are the track's on the timeline, so they are
    /// exactly as good as the speech lengths the timeline was planned with.
    /// </summary>
    public static IReadOnlyList<CaptionCue> FromTimeline(Timeline timeline) =>
        timeline.Tracks
            .Where(t => t.Track.Type == TrackTypes.Actor && !string.IsNullOrWhiteSpace(t.Track.Text) && t.EndMs > t.StartMs)
            .OrderBy(t => t.StartMs)
            .Select(t => new CaptionCue(t.StartMs, t.EndMs, t.Track.Text!.Trim()))
            .ToList();
}
