namespace Reelgen.Creative.Tests;

public sealed class TimelinePlannerTests
{
    private static VideoCreative Creative(params Scene[] scenes) => new()
    {
        Settings = new VideoSettings { VideoSize = new VideoSize(320, 240), Fps = 25 },
        Scenes = [.. scenes],
    };

    private static Track Text(double? start = null, double? end = null, double? duration = null) =>
        new() { Type = TrackTypes.Text, Text = "t", StartTimeGap = start, EndTimeGap = end, Duration = duration };

    private static Track Clip(string url = "http://x/clip.mp4", string? blend = null, string? reference = null) =>
        new() { Type = TrackTypes.Video, VideoUrl = url, SequentialBlendId = blend, ReferenceId = reference };

    [Fact]
    public void An_explicit_scene_duration_wins_and_tracks_fill_it_less_their_gaps()
    {
        var timeline = TimelinePlanner.Plan(Creative(new Scene { Duration = 2000, Tracks = [Text(start: 500, end: 400)] }), (_, _) => null);

        var track = timeline.Tracks.Single();
        Assert.Equal(2000, timeline.DurationMs);
        Assert.Equal(500, track.StartMs);
        Assert.Equal(1600, track.EndMs);
    }

    [Fact]
    public void A_scene_takes_the_length_of_its_one_track_with_a_length_of_its_own()
    {
        var timeline = TimelinePlanner.Plan(Creative(new Scene { Tracks = [Text(), Clip()] }), (_, t) => t == 1 ? 3000 : null);

        Assert.Equal(3000, timeline.DurationMs);
        Assert.All(timeline.Tracks, t => Assert.Equal(3000, t.EndMs));
    }

    [Fact]
    public void A_referenced_track_sets_the_scene_length_gaps_included_and_longer_tracks_are_cut()
    {
        var scene = new Scene
        {
            IntrinsicDurationTrackReference = "voice",
            Tracks = [Clip(reference: null), new Track { Type = TrackTypes.Actor, Actor = "ryan", Text = "hi", ReferenceId = "voice", StartTimeGap = 400 }],
        };

        var timeline = TimelinePlanner.Plan(Creative(scene), (_, t) => t == 0 ? 10_000 : 2000);

        Assert.Equal(2400, timeline.DurationMs);
        Assert.Equal(2400, timeline.Tracks.First().EndMs);
        Assert.Equal(400, timeline.Tracks.Last().StartMs);
    }

    [Fact]
    public void Scenes_play_back_to_back_cut_on_whole_frames()
    {
        var timeline = TimelinePlanner.Plan(Creative(new Scene { Duration = 1010, Tracks = [] }, new Scene { Duration = 1010, Tracks = [] }), (_, _) => null);

        Assert.Equal(1000, timeline.Scenes[0].DurationMs, 3);
        Assert.Equal(1000, timeline.Scenes[1].StartMs, 3);
        Assert.Equal(50, timeline.FrameCount);
    }

    [Fact]
    public void A_clip_with_the_same_blend_id_in_the_next_scene_continues_where_it_stopped()
    {
        var timeline = TimelinePlanner.Plan(
            Creative(new Scene { Duration = 1000, Tracks = [Clip(blend: "b")] }, new Scene { Duration = 1000, Tracks = [Clip(blend: "b")] }),
            (_, _) => 5000);

        var second = timeline.Scenes[1].Tracks.Single();
        Assert.Equal(1000, second.MediaOffsetMs);
        Assert.Equal(1000, second.StartMs);
    }

    [Fact]
    public void A_blend_breaks_when_the_media_differs()
    {
        var timeline = TimelinePlanner.Plan(
            Creative(new Scene { Duration = 1000, Tracks = [Clip(blend: "b")] }, new Scene { Duration = 1000, Tracks = [Clip(url: "http://x/other.mp4", blend: "b")] }),
            (_, _) => 5000);

        Assert.Equal(0, timeline.Scenes[1].Tracks.Single().MediaOffsetMs);
    }

    [Fact]
    public void A_track_with_an_explicit_duration_ends_early()
    {
        var timeline = TimelinePlanner.Plan(Creative(new Scene { Duration = 3000, Tracks = [Text(start: 1000, duration: 500)] }), (_, _) => null);

        Assert.Equal(1500, timeline.Tracks.Single().EndMs);
    }
}
