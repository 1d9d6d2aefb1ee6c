namespace Reelgen.Creative;

/// <summary>A creative with every scene and track placed on one clock, in milliseconds from the video start.</summary>
public sealed record Timeline(int Width, int Height, int Fps, string BackgroundColor, IReadOnlyList<TimedScene> Scenes)
{
    /// <summary>Total length in milliseconds.</summary>
    public double DurationMs => Scenes.Count == 0 ? 0 : Scenes[^1].EndMs;

    /// <summary>The frame at which a moment starts; scenes cut on whole frames so the sum stays within one frame.</summary>
    public long FrameAt(double ms) => (long)Math.Round(ms * Fps / 1000.0, MidpointRounding.AwayFromZero);

    /// <summary>Number of frames in the whole video.</summary>
    public long FrameCount => FrameAt(DurationMs);

    /// <summary>Every track of every scene, bottom first within each scene.</summary>
    public IEnumerable<TimedTrack> Tracks => Scenes.SelectMany(s => s.Tracks);
}

/// <summary>
/// A scene on the video clock. <see cref="Transition"/> is how it passes into the next scene: the next one starts
/// that long before this one ends, so the two overlap; none on the last scene.
/// </summary>
public sealed record TimedScene(int Index, double StartMs, double DurationMs, string BackgroundColor, IReadOnlyList<TimedTrack> Tracks, TimedTransition? Transition = null)
{
    public double EndMs => StartMs + DurationMs;
}

/// <summary>A transition into the next scene: its kind and how long the scenes overlap (whole frames).</summary>
public sealed record TimedTransition(string Type, double DurationMs);

/// <summary>
/// A track on the video clock. <see cref="MediaOffsetMs"/> is how far into its media the track starts: zero,
/// except for a track that continues the same media from the previous scene (<c>sequentialBlendId</c>).
/// </summary>
public sealed record TimedTrack(int SceneIndex, int TrackIndex, Track Track, double StartMs, double EndMs, double MediaOffsetMs, int X, int Y, int Width, int Height)
{
    public double DurationMs => Math.Max(0, EndMs - StartMs);

    /// <summary>"scene 2, track 1" as a person counts them.</summary>
    public string Label => $"scene {SceneIndex + 1}, track {TrackIndex + 1}";
}

/// <summary>
/// Resolves section 6.6 of the contract: a scene lasts its <c>duration</c>, else the length of the track named by
/// <c>intrinsicDurationTrackReference</c>, else that of its one track with a length of its own. A track starts
/// <c>startTimeGap</c> after the scene start and ends at the first of: its own <c>duration</c>, the end of its media
/// (a clip or a sound that does not loop; a presenter stays after its speech), the scene end less <c>endTimeGap</c>.
/// Nothing runs past the scene end. A scene with a transition overlaps the next by the transition's length, rounded
/// to whole frames: the next scene starts that much earlier, so the video is that much shorter.
/// </summary>
public static class TimelinePlanner
{
    /// <param name="creative">A validated creative, variables already applied.</param>
    /// <param name="intrinsicMs">Length of a track's own media (speech, clip, sound) by (scene, track) index; null when it has none.</param>
    public static Timeline Plan(VideoCreative creative, Func<int, int, double?> intrinsicMs)
    {
        var settings = creative.Settings ?? new VideoSettings();
        var width = settings.VideoSize?.Width ?? CreativeRules.DefaultWidth;
        var height = settings.VideoSize?.Height ?? CreativeRules.DefaultHeight;
        var fps = settings.Fps ?? CreativeRules.DefaultFps;
        var background = settings.BackgroundColor ?? CreativeRules.DefaultBackground;
        var scenes = new List<TimedScene>();
        var start = 0.0;
        // How far this scene's start overlaps the previous scene's end (its transition).
        var overlap = 0.0;
        // A sequentialBlendId chain continues when the previous scene's track with that id ran to its scene end.
        var blends = new Dictionary<string, (Track Track, double MediaEndMs, double EndMs)>(StringComparer.Ordinal);

        var sceneList = creative.Scenes ?? [];
        for (var s = 0; s < sceneList.Count; s++)
        {
            var scene = sceneList[s];
            var tracks = scene.Tracks ?? [];
            // Where each track's media starts: zero, or where the same media stopped in the previous scene when a
            // sequentialBlendId chain continues (same id and media, the earlier track ran to its scene end, this one
            // starts at the scene start).
            var offsets = new double[tracks.Count];
            for (var t = 0; t < tracks.Count; t++)
            {
                var track = tracks[t];
                // Across a transition the media goes on from where it was when the transition began, so the two
                // scenes show (and play) the same moment while they overlap and the chain stays seamless.
                if (track.SequentialBlendId is { } blendId && (track.StartTimeGap ?? 0) == 0
                    && blends.TryGetValue(blendId, out var previous) && SameMedia(previous.Track, track)
                    && Math.Abs(previous.EndMs - (start + overlap)) < 0.5)
                {
                    offsets[t] = Math.Max(0, previous.MediaEndMs - overlap);
                }
            }
            // A continued clip or sound has only its remainder left; a continued presenter speaks a new script.
            double? Own(int t)
            {
                var track = tracks[t];
                if (!CreativeRules.HasIntrinsicDuration(track) || intrinsicMs(s, t) is not { } media)
                    return null;
                return track.Type is TrackTypes.Video or TrackTypes.Audio ? Math.Max(0, media - offsets[t]) : media;
            }
            var length = SceneLength(scene, s, tracks, Own);
            // Cut scenes on whole frames: the video's length then equals the sum of frame-rounded scene lengths.
            var frames = Math.Max(1, Math.Round(length * fps / 1000.0, MidpointRounding.AwayFromZero));
            var end = Math.Round((start * fps / 1000.0) + frames) * 1000.0 / fps;
            var timed = new List<TimedTrack>();
            var nextBlends = new Dictionary<string, (Track, double, double)>(StringComparer.Ordinal);
            for (var t = 0; t < tracks.Count; t++)
            {
                var track = tracks[t];
                var trackStart = start + (track.StartTimeGap ?? 0);
                var trackEnd = end - (track.EndTimeGap ?? 0);
                // A presenter stays in picture to the scene end after it has spoken (its speech still sets the
                // track's intrinsic length for the scene); a clip or sound ends with its media.
                if (track.Duration is { } d)
                    trackEnd = Math.Min(trackEnd, trackStart + d);
                else if (track.Type != TrackTypes.Actor && Own(t) is { } own)
                    trackEnd = Math.Min(trackEnd, trackStart + own);
                var offset = offsets[t];
                if (track.SequentialBlendId is { } id && trackEnd >= end - 0.5)
                    nextBlends[id] = (track, offset + (trackEnd - trackStart), trackEnd);
                var x = (int)Math.Round(track.Position?.X ?? 0);
                var y = (int)Math.Round(track.Position?.Y ?? 0);
                var w = (int)Math.Round(track.Size?.Width ?? width);
                var h = (int)Math.Round(track.Size?.Height ?? height);
                if (trackEnd > trackStart)
                    timed.Add(new TimedTrack(s, t, track, trackStart, trackEnd, offset, x, y, w, h));
            }
            blends.Clear();
            foreach (var (key, value) in nextBlends)
                blends[key] = value;
            TimedTransition? transition = null;
            if (scene.Transition is { } wanted && s < sceneList.Count - 1)
            {
                var ms = wanted.DurationMs ?? CreativeRules.DefaultTransitionMs;
                var overlapFrames = Math.Max(1, Math.Round(ms * fps / 1000.0, MidpointRounding.AwayFromZero));
                transition = new TimedTransition(wanted.Type ?? "crossfade", overlapFrames * 1000.0 / fps);
            }
            scenes.Add(new TimedScene(s, start, end - start, scene.BackgroundColor ?? background, timed, transition));
            overlap = transition?.DurationMs ?? 0;
            // The next scene starts on a whole frame: the end is one, and so is the overlap.
            start = transition is null ? end : Math.Round((end - overlap) * fps / 1000.0) * 1000.0 / fps;
        }
        return new Timeline(width, height, fps, background, scenes);
    }

    private static double SceneLength(Scene scene, int s, List<Track> tracks, Func<int, double?> intrinsicMs)
    {
        if (scene.Duration is { } explicitMs)
            return explicitMs;
        var index = scene.IntrinsicDurationTrackReference is { } reference
            ? tracks.FindIndex(t => t.ReferenceId == reference)
            : tracks.FindIndex(t => t.Duration is not null || CreativeRules.HasIntrinsicDuration(t));
        if (index < 0)
            throw new InvalidOperationException($"scene {s + 1} has no length (the validator should have refused it)");
        var track = tracks[index];
        var own = track.Duration ?? intrinsicMs(index)
            ?? throw new InvalidOperationException($"scene {s + 1}, track {index + 1} has no length of its own");
        // The scene wraps the track, gaps included: a track that waits 500 ms and speaks for 2 s makes a 2.5 s scene.
        return (track.StartTimeGap ?? 0) + own + (track.EndTimeGap ?? 0);
    }

    private static bool SameMedia(Track a, Track b) => a.Type == b.Type && a.Type switch
    {
        TrackTypes.Video => a.VideoUrl == b.VideoUrl,
        TrackTypes.Actor => a.Actor == b.Actor,
        TrackTypes.Image => a.ImageUrl == b.ImageUrl,
        TrackTypes.Audio => a.AudioUrl == b.AudioUrl,
        _ => false,
    };
}
