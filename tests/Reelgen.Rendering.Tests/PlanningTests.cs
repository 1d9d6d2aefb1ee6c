using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Pure planning: timeline (section 6.6 and 6.7), composition into stills and layers, and the ffmpeg graph.</summary>
public sealed class PlanningTests
{
    private static VideoCreative Creative(params Scene[] scenes) => new()
    {
        Settings = new VideoSettings { VideoSize = new VideoSize(320, 240), Fps = 25 },
        Scenes = [.. scenes],
    };

    [Fact]
    public void A_continued_clip_sets_its_scene_to_the_rest_of_the_clip()
    {
        var clip = Track.VideoTrack("https://example.com/c.mp4");
        clip.SequentialBlendId = "v";
        var again = Track.VideoTrack("https://example.com/c.mp4");
        again.SequentialBlendId = "v";
        var timeline = TimelinePlanner.Plan(Creative(
            new Scene { Duration = 1000, Tracks = [clip] },
            new Scene { Tracks = [again] }), (_, _) => 3000);

        Assert.Equal(1000, timeline.Scenes[0].DurationMs);
        Assert.Equal(2000, timeline.Scenes[1].DurationMs);
        var continued = Assert.Single(timeline.Scenes[1].Tracks);
        Assert.Equal(1000, continued.MediaOffsetMs);
        Assert.Equal(3000, continued.EndMs);
    }

    [Fact]
    public void A_clip_that_stops_before_its_scene_end_does_not_continue()
    {
        var clip = Track.VideoTrack("https://example.com/c.mp4");
        clip.SequentialBlendId = "v";
        clip.EndTimeGap = 200;
        var again = Track.VideoTrack("https://example.com/c.mp4");
        again.SequentialBlendId = "v";
        var timeline = TimelinePlanner.Plan(Creative(
            new Scene { Duration = 1000, Tracks = [clip] },
            new Scene { Duration = 1000, Tracks = [again] }), (_, _) => 3000);
        Assert.Equal(0, timeline.Scenes[1].Tracks[0].MediaOffsetMs);
    }

    [Fact]
    public void Scene_length_wraps_the_referenced_track_and_its_gaps()
    {
        var actor = Track.ActorTrack("ryan", "hi");
        actor.ReferenceId = "a";
        actor.StartTimeGap = 500;
        actor.EndTimeGap = 250;
        var music = Track.AudioTrack("https://example.com/m.mp3");
        var timeline = TimelinePlanner.Plan(Creative(new Scene { IntrinsicDurationTrackReference = "a", Tracks = [actor, music] }), (_, t) => t == 0 ? 2000 : 10_000);
        Assert.Equal(2760, timeline.Scenes[0].DurationMs); // 2750 rounded up to whole frames (40 ms)
        Assert.Equal(500, timeline.Scenes[0].Tracks[0].StartMs);
        Assert.Equal(2510, timeline.Scenes[0].Tracks[0].EndMs); // the presenter stays to the scene end less its end gap
        Assert.Equal(2760, timeline.Scenes[0].Tracks[1].EndMs); // cut at the scene end
        Assert.Equal(69, timeline.FrameCount);
    }

    [Fact]
    public void A_presenter_stays_in_picture_after_speaking_and_continues_into_the_next_scene()
    {
        Track Presenter(string text)
        {
            var t = Track.ActorTrack("ryan", text);
            t.SequentialBlendId = "p";
            return t;
        }
        var clip = Track.VideoTrack("https://example.com/c.mp4");
        clip.ReferenceId = "clip";
        var timeline = TimelinePlanner.Plan(Creative(
            new Scene { IntrinsicDurationTrackReference = "clip", Tracks = [clip, Presenter("short")] },
            new Scene { Tracks = [Presenter("next")] }), (s, t) => s == 0 && t == 0 ? 4000 : 1000);

        var first = timeline.Scenes[0].Tracks[1];
        Assert.Equal(4000, first.EndMs);
        var second = Assert.Single(timeline.Scenes[1].Tracks);
        Assert.Equal(1000, timeline.Scenes[1].DurationMs);
        Assert.True(second.MediaOffsetMs > 0, "the presenter continues");
    }

    [Fact]
    public void Stills_below_the_first_video_merge_into_base_pictures_cut_where_tracks_start_and_stop()
    {
        var background = Track.ImageTrack("https://example.com/bg.png");
        var title = Track.TextTrack("Title", new Position(10, 10), new Size(100, 40));
        title.StartTimeGap = 400;
        var clip = Track.VideoTrack("https://example.com/c.mp4", new Position(160, 120), new Size(160, 120));
        var caption = Track.TextTrack("Caption", new Position(300, 200), new Size(100, 100));
        caption.Duration = 600;
        var timeline = TimelinePlanner.Plan(Creative(new Scene { Duration = 1000, Tracks = [background, title, clip, caption] }), (_, _) => 5000);

        var plan = CompositionPlanner.Plan(timeline);
        var scene = Assert.Single(plan.Scenes);
        Assert.Equal(25, scene.Frames);
        Assert.Collection(scene.Base,
            b => { Assert.Equal(10, b.Frames); Assert.Equal([0], b.Picture.Tracks.Select(t => t.TrackIndex)); },
            b => { Assert.Equal(15, b.Frames); Assert.Equal([0, 1], b.Picture.Tracks.Select(t => t.TrackIndex)); });
        Assert.All(scene.Base, b => Assert.Equal((0, 0, 320, 240), (b.Picture.X, b.Picture.Y, b.Picture.Width, b.Picture.Height)));
        Assert.Collection(scene.Layers,
            l => Assert.Equal((0L, 25L, 2), (l.FromFrame, l.ToFrame, Assert.IsType<VideoLayer>(l).Track.TrackIndex)),
            l =>
            {
                var still = Assert.IsType<StillLayer>(l);
                Assert.Equal((0L, 15L), (still.FromFrame, still.ToFrame));
                // Cut to the part of the box inside the frame.
                Assert.Equal((300, 200, 20, 40), (still.Picture.X, still.Picture.Y, still.Picture.Width, still.Picture.Height));
                Assert.Null(still.Picture.Background);
            });
    }

    [Fact]
    public void The_ffmpeg_graph_repeats_stills_inside_the_graph_and_reads_only_local_files()
    {
        var clip = Track.VideoTrack("https://example.com/c.mp4", new Position(0, 0), new Size(160, 120));
        clip.RemoveBackground = true;
        var speech = Track.ActorTrack("ryan", "hello", position: new Position(200, 0), size: new Size(100, 100));
        var music = Track.AudioTrack("https://example.com/m.mp3", volume: 0.5, loop: true);
        var timeline = TimelinePlanner.Plan(Creative(
            new Scene { Duration = 2000, Tracks = [Track.TextTrack("a"), clip, speech, music] }), (_, t) => 1000);
        var plan = CompositionPlanner.Plan(timeline);
        var media = new Dictionary<(int, int), TrackMedia>
        {
            [(0, 1)] = new("/w/clip.mp4", new MediaInfo(1000, true, true, 160, 120), "00FF00"),
            [(0, 2)] = new("/w/speech.wav", new MediaInfo(1000, false, true, 0, 0)),
            [(0, 3)] = new("/w/music.mp3", new MediaInfo(1000, false, true, 0, 0)),
        };
        var sprites = new Dictionary<(int, int), PresenterSprites> { [(0, 2)] = new("/w/head-000-002.ffconcat", 230, 10, new HeadSway(2, 5, 0, 1, 4, 0)) };
        var invocation = FfmpegGraph.Build(plan, n => $"/w/{n}.png", media, "/w/graph.txt", "/w/out.mp4", new RenderOptions(), presenters: sprites);
        var args = string.Join(' ', invocation.Arguments);
        var graph = invocation.FilterGraph;

        // Every input names its demuxer and reads local files only; these are per-input options.
        var inputs = invocation.Arguments.Select((a, i) => (a, i)).Where(x => x.a == "-i").Select(x => x.i).ToList();
        Assert.Equal(7, inputs.Count);
        Assert.All(inputs, i => Assert.Equal(["-f", "-protocol_whitelist", "file"], [invocation.Arguments[i - 4], .. invocation.Arguments.Skip(i - 2).Take(2)]));
        var demuxers = inputs.Select(i => (Path: invocation.Arguments[i + 1], Demuxer: invocation.Arguments[i - 3])).Distinct().Order().ToList();
        Assert.Equal(
            [("/w/clip.mp4", "mp4"), ("/w/head-000-002.ffconcat", "concat"), ("/w/music.mp3", "mp3"), ("/w/s000-actor2-000.png", "png_pipe"),
                ("/w/s000-base-000.png", "png_pipe"), ("/w/speech.wav", "wav")],
            demuxers);
        Assert.DoesNotContain("-loop 1", args);
        Assert.Contains("-framerate 25 -f png_pipe -protocol_whitelist file -i /w/s000-base-000.png", args);
        Assert.Contains("loop=loop=49:size=1", graph);
        Assert.Contains("colorkey=0x00FF00", graph);
        Assert.Contains("enable='between(t\\,0\\,0.98)'", graph);  // the clip shows for its 1 s (25 frames)
        Assert.Contains("-stream_loop -1", args);
        // The presenter: its body still, then its head's pose pictures from a concat list of local files, swaying.
        Assert.Contains("-i /w/s000-actor2-000.png", args);
        Assert.Contains("-safe 1 -f concat -protocol_whitelist file -i /w/head-000-002.ffconcat", args);
        Assert.Contains("overlay=x='230+2*sin(2*PI*(t-0)/5+0)':y='10+1*sin(2*PI*(t-0)/4+0)'", graph);
        Assert.Contains("volume=0.5", graph);
        Assert.Contains("amix=inputs=4", graph);                    // silence, clip sound, speech, music
        Assert.Contains("-t 2 ", args);
        Assert.Contains("-movflags +faststart", args);
        Assert.Contains("-pix_fmt yuv420p", args);
    }
}
