using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Reelgen.Creative;
using SkiaSharp;

namespace Reelgen.Rendering.Tests;

/// <summary>
/// Scenes encoded once are reused by later renders, joined without re-encoding: the video is the same bytes, only
/// the scenes that changed are encoded again, new bytes behind an old URL are noticed, and the sound has no seam.
/// </summary>
public sealed class SceneCacheTests(AssetServer server) : RenderTest(server)
{
    private string CacheDirectory => Path.Combine(Work, "cache");

    private RenderOptions Cached(long bytes = 1024L * 1024 * 1024) =>
        new() { AllowPrivateAddresses = true, Preset = "ultrafast", CacheDirectory = CacheDirectory, SceneCacheBytes = bytes };

    private async Task<(string Path, string Hash, RenderStats Stats)> RenderToAsync(VideoCreative creative, RenderOptions options, string name, Dictionary<string, JsonElement>? variables = null)
    {
        var (path, hash, result) = await RenderResultAsync(creative, options, name, variables);
        return (path, hash, result.Stats);
    }

    private async Task<(string Path, string Hash, RenderResult Result)> RenderResultAsync(VideoCreative creative, RenderOptions options, string name, Dictionary<string, JsonElement>? variables = null)
    {
        var output = Path.Combine(Work, name + ".mp4");
        var result = await new VideoRenderer(options).RenderAsync(creative, variables ?? [], output, Path.Combine(Work, name), null, CancellationToken.None);
        await using var file = File.OpenRead(output);
        return (output, Convert.ToHexString(await SHA256.HashDataAsync(file)), result);
    }

    /// <summary>Whether the render called <paramref name="name"/> started the sound's own ffmpeg (it keeps its command in its work folder).</summary>
    private bool EncodedSound(string name) => File.Exists(Path.Combine(Work, name, "sound-args.txt"));

    /// <summary>The template with a tone (served at <paramref name="url"/>) under its first scene, of 2 s.</summary>
    private static VideoCreative Sounding(string url)
    {
        var creative = Template();
        creative.Scenes![0].Duration = 2000;
        creative.Scenes![0].Tracks!.Add(Track.AudioTrack(url));
        return creative;
    }

    private static Dictionary<string, JsonElement> Vars(string name) => new() { ["name"] = JsonSerializer.SerializeToElement(name) };

    /// <summary>Three scenes of their own colours; only the second names the variable.</summary>
    private static VideoCreative Template() => Creative(320, 240,
        Coloured("#FF0000", "Red"), Coloured("#0000FF", "Hello {name}"), Coloured("#00FF00", "Green"));

    private static Scene Coloured(string colour, string text) =>
        new() { Duration = 400, BackgroundColor = colour, Tracks = [Track.TextTrack(text, new Position(10, 10), new Size(300, 60))] };

    [Fact]
    public async Task A_cached_re_render_is_byte_identical_to_a_cold_one()
    {
        var uncached = await RenderToAsync(Template(), Options, "uncached", Vars("Ada"));
        var cold = await RenderToAsync(Template(), Cached(), "cold", Vars("Ada"));
        var warm = await RenderToAsync(Template(), Cached(), "warm", Vars("Ada"));

        Assert.Equal(new RenderStats(3, 0, 0, 0), cold.Stats with { Seconds = 0 });
        Assert.Equal(new RenderStats(0, 3, 0, 0, SoundReused: true), warm.Stats with { Seconds = 0 });
        Assert.Equal(cold.Hash, warm.Hash);
        Assert.Equal(uncached.Hash, cold.Hash);
        // Three scenes and the whole video's sound.
        Assert.Equal(4, Directory.GetFiles(Path.Combine(CacheDirectory, "scenes"), "*.mp4").Length);
    }

    [Fact]
    public async Task Changing_one_variable_re_renders_only_the_scene_that_uses_it()
    {
        var ada = await RenderToAsync(Template(), Cached(), "ada", Vars("Ada"));
        var grace = await RenderToAsync(Template(), Cached(), "grace", Vars("Grace"));
        var adaAgain = await RenderToAsync(Template(), Cached(), "ada-again", Vars("Ada"));
        var graceCold = await RenderToAsync(Template(), Options, "grace-cold", Vars("Grace"));

        Assert.Equal((1, 2), (grace.Stats.ScenesRendered, grace.Stats.ScenesReused));
        Assert.Equal((0, 3), (adaAgain.Stats.ScenesRendered, adaAgain.Stats.ScenesReused));
        Assert.Equal(ada.Hash, adaAgain.Hash);
        Assert.Equal(graceCold.Hash, grace.Hash);
        // The joined video is whole: its length, its frames, and each scene's own picture where it belongs.
        Assert.InRange(TestMedia.Duration(grace.Path), 1.18, 1.22);
        Assert.Equal("30", TestMedia.Probe(grace.Path, "stream=nb_frames", "v:0"));
        TestMedia.AssertColour(TestMedia.Pixel(grace.Path, 0.36, 300, 200), (255, 0, 0), because: "the last frame of scene 1");
        TestMedia.AssertColour(TestMedia.Pixel(grace.Path, 0.40, 300, 200), (0, 0, 255), because: "the first frame of scene 2");
        TestMedia.AssertColour(TestMedia.Pixel(grace.Path, 0.76, 300, 200), (0, 0, 255), because: "the last frame of scene 2");
        TestMedia.AssertColour(TestMedia.Pixel(grace.Path, 0.80, 300, 200), (0, 255, 0), because: "the first frame of scene 3");
    }

    [Fact]
    public async Task New_bytes_behind_the_same_url_are_not_served_from_the_cache()
    {
        var url = Server.Serve("/scene-cache/picture.png", TestMedia.Png(64, 48, SKColors.Red));
        var creative = Creative(320, 240, Scene(400, Track.ImageTrack(url, new Position(0, 0), new Size(320, 240))));
        var red = await RenderToAsync(creative, Cached(), "red");
        Server.Serve("/scene-cache/picture.png", TestMedia.Png(64, 48, SKColors.Blue));
        var blue = await RenderToAsync(creative, Cached(), "blue");

        Assert.Equal((1, 0), (blue.Stats.ScenesRendered, blue.Stats.ScenesReused));
        TestMedia.AssertColour(TestMedia.Pixel(red.Path, 0.2, 160, 120), (255, 0, 0));
        TestMedia.AssertColour(TestMedia.Pixel(blue.Path, 0.2, 160, 120), (0, 0, 255));
    }

    [Fact]
    public async Task A_changed_animation_re_renders_its_scene()
    {
        VideoCreative Animated(string entrance)
        {
            var creative = Template();
            creative.Scenes![1].Tracks![0].Animation = new TrackAnimation { In = entrance, DurationMs = 200 };
            return creative;
        }
        await RenderToAsync(Animated("fade"), Cached(), "fade", Vars("Ada"));
        var slide = await RenderToAsync(Animated("slide-left"), Cached(), "slide", Vars("Ada"));
        var slideAgain = await RenderToAsync(Animated("slide-left"), Cached(), "slide-again", Vars("Ada"));

        Assert.Equal((1, 2), (slide.Stats.ScenesRendered, slide.Stats.ScenesReused));
        Assert.Equal((0, 3), (slideAgain.Stats.ScenesRendered, slideAgain.Stats.ScenesReused));
        Assert.Equal(slide.Hash, slideAgain.Hash);
    }

    [Fact]
    public async Task Two_workers_sharing_the_cache_get_whole_segments()
    {
        var expected = await RenderToAsync(Template(), Options, "expected", Vars("Ada"));
        // Another writer's segment, half written under its temporary name: never read, whatever its name says.
        var scenes = Directory.CreateDirectory(Path.Combine(CacheDirectory, "scenes")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(scenes, $"{new string('0', 64)}.mp4.{Guid.NewGuid():N}.tmp"), new byte[100]);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => RenderToAsync(Template(), Cached(), $"worker{i}", Vars("Ada")))));
        var after = await RenderToAsync(Template(), Cached(), "after", Vars("Ada"));

        Assert.All(results, r => Assert.Equal(expected.Hash, r.Hash));
        Assert.Equal(expected.Hash, after.Hash);
        Assert.Equal(3, after.Stats.ScenesReused);
        Assert.Single(Directory.GetFiles(scenes, "*.tmp"));
    }

    [Fact]
    public async Task A_reader_finds_a_whole_segment_or_none_while_another_writes_it()
    {
        var cache = new SceneCache(Path.Combine(CacheDirectory, "scenes"), long.MaxValue);
        var key = new string('a', 64);
        var segment = Path.Combine(Work, "segment.bin");
        var body = RandomNumberGenerator.GetBytes(4 << 20);
        await File.WriteAllBytesAsync(segment, body);
        var expected = SHA256.HashData(body);
        using var stop = new CancellationTokenSource();

        // One worker stores the same entry again and again (as several would after encoding the same scene); another
        // reads it meanwhile.
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
                cache.Store(key, segment);
        });
        var reads = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            var copy = Path.Combine(Work, "read.bin");
            if (!cache.TryGet(key, copy))
                continue;
            reads++;
            Assert.Equal(expected, SHA256.HashData(await File.ReadAllBytesAsync(copy)));
        }
        await stop.CancelAsync();
        await writer;
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task The_least_recently_used_scenes_are_evicted_beyond_the_bound()
    {
        var first = await RenderToAsync(Template(), Cached(), "first", Vars("Ada"));
        var scenes = Path.Combine(CacheDirectory, "scenes");
        var threeEntries = Directory.GetFiles(scenes).Sum(f => new FileInfo(f).Length);
        // Room for about three entries: storing the new second scene evicts the oldest.
        await RenderToAsync(Template(), Cached(threeEntries * 11 / 10), "second", Vars("Grace"));

        Assert.True(Directory.GetFiles(scenes).Sum(f => new FileInfo(f).Length) <= threeEntries * 11 / 10);
        // Three scenes and the sound were kept, a fourth scene came: at least one entry went.
        Assert.True(Directory.GetFiles(scenes, "*.mp4").Length < 5);
        Assert.True(first.Stats.ScenesRendered == 3);
    }

    [Fact]
    public async Task A_warm_re_render_takes_the_sound_from_the_cache_and_is_byte_identical()
    {
        var tone = Server.Serve("/scene-cache/kept-tone.wav", TestMedia.Tone(Work, 2, frequency: 500));
        var uncached = await RenderToAsync(Sounding(tone), Options, "uncached", Vars("Ada"));
        var cold = await RenderToAsync(Sounding(tone), Cached(), "cold", Vars("Ada"));
        var warm = await RenderToAsync(Sounding(tone), Cached(), "warm", Vars("Ada"));

        Assert.False(cold.Stats.SoundReused);
        Assert.True(EncodedSound("cold"));
        Assert.True(warm.Stats.SoundReused);
        Assert.False(EncodedSound("warm"));
        Assert.False(File.Exists(Path.Combine(Work, "warm", "loudness-graph.txt")), "the loudness was measured again");
        Assert.Equal(uncached.Hash, cold.Hash);
        // Byte-identical to a render without the cache: the kept sound is the normalised one.
        Assert.Equal(cold.Hash, warm.Hash);
    }

    [Fact]
    public async Task A_changed_text_keeps_the_sound()
    {
        var tone = Server.Serve("/scene-cache/text-tone.wav", TestMedia.Tone(Work, 2, frequency: 500));
        await RenderToAsync(Sounding(tone), Cached(), "ada", Vars("Ada"));
        var grace = await RenderToAsync(Sounding(tone), Cached(), "grace", Vars("Grace"));
        var graceCold = await RenderToAsync(Sounding(tone), Options, "grace-cold", Vars("Grace"));

        Assert.Equal((1, 2, true), (grace.Stats.ScenesRendered, grace.Stats.ScenesReused, grace.Stats.SoundReused));
        Assert.False(EncodedSound("grace"));
        Assert.Equal(graceCold.Hash, grace.Hash);
    }

    [Fact]
    public async Task A_changed_sound_behind_the_same_url_is_encoded_again()
    {
        const string path = "/scene-cache/changing-tone.wav";
        var url = Server.Serve(path, TestMedia.Tone(Work, 2, frequency: 500));
        var low = await RenderToAsync(Sounding(url), Cached(), "low", Vars("Ada"));
        Server.Serve(path, TestMedia.Tone(Work, 2, frequency: 2000));
        var high = await RenderToAsync(Sounding(url), Cached(), "high", Vars("Ada"));
        var highCold = await RenderToAsync(Sounding(url), Options, "high-cold", Vars("Ada"));

        // The scene's key names its tracks' bytes too, so the first scene is encoded again with the sound.
        Assert.Equal((1, 2, false), (high.Stats.ScenesRendered, high.Stats.ScenesReused, high.Stats.SoundReused));
        Assert.True(EncodedSound("high"));
        Assert.Equal(highCold.Hash, high.Hash);
        // The new tone is what plays: four times as many zero crossings in the first scene.
        Assert.InRange(ZeroCrossings(Pcm(high.Path)) / (double)ZeroCrossings(Pcm(low.Path)), 3.5, 4.5);
    }

    [Fact]
    public async Task A_warm_video_gets_the_cold_one_s_thumbnail_without_decoding_it_again()
    {
        // The poster is the frame 1 s in, inside a first scene of 2 s.
        VideoCreative Long()
        {
            var creative = Template();
            creative.Scenes![0].Duration = 2000;
            return creative;
        }
        var uncached = await RenderResultAsync(Long(), Options, "uncached", Vars("Ada"));
        var expected = Path.Combine(Work, "uncached.jpg");
        Assert.Null(await new VideoRenderer(Options).ExtractThumbnailAsync(uncached.Result, expected, CancellationToken.None));

        var cold = await RenderResultAsync(Long(), Cached(), "cold", Vars("Ada"));
        Assert.Null(await new VideoRenderer(Cached()).ExtractThumbnailAsync(cold.Result, Path.Combine(Work, "cold.jpg"), CancellationToken.None));
        // Only the second scene changes: the first, and so the poster, come from the cache.
        var warm = await RenderResultAsync(Long(), Cached(), "warm", Vars("Grace"));
        Assert.Equal(2, warm.Result.Stats.ScenesReused);
        // The video is taken away first: a poster still written was not decoded from it.
        File.Move(warm.Path, warm.Path + ".aside");
        Assert.Null(await new VideoRenderer(Cached()).ExtractThumbnailAsync(warm.Result, Path.Combine(Work, "warm.jpg"), CancellationToken.None));

        var poster = await File.ReadAllBytesAsync(expected);
        Assert.Equal(poster, await File.ReadAllBytesAsync(Path.Combine(Work, "cold.jpg")));
        Assert.Equal(poster, await File.ReadAllBytesAsync(Path.Combine(Work, "warm.jpg")));
        TestMedia.AssertColour(TestMedia.Pixel(warm.Path + ".aside", 1.0, 300, 200), (255, 0, 0), because: "the poster's frame is in the red first scene");
    }

    private static int ZeroCrossings(float[] samples) =>
        Enumerable.Range(1, Math.Min(samples.Length, 48000) - 1).Count(i => (samples[i - 1] < 0) != (samples[i] < 0));

    [Fact]
    public async Task Sound_runs_across_scene_joins_without_a_gap_or_a_click()
    {
        // One steady tone played across four scenes (a sequentialBlendId chain), the middle ones from the cache.
        var tone = Server.Serve("/scene-cache/tone.wav", TestMedia.Tone(Work, 3, frequency: 500));
        Track Blended()
        {
            var t = Track.AudioTrack(tone);
            t.SequentialBlendId = "tone";
            return t;
        }
        Scene Sounding(string colour) => new() { Duration = 600, BackgroundColor = colour, Tracks = [Blended()] };
        var creative = Creative(320, 240, Sounding("#FF0000"), Sounding("#00FF00"), Sounding("#0000FF"), Sounding("#FFFFFF"));
        await RenderToAsync(creative, Cached(), "cold");
        var warm = await RenderToAsync(creative, Cached(), "warm");
        Assert.Equal(4, warm.Stats.ScenesReused);

        var samples = Pcm(warm.Path);
        // RMS over 5 ms windows from 0.1 s to 2.3 s: a gap dips, a click jumps; a steady tone stays within 1 dB.
        double Rms(int from, int count) => Math.Sqrt(samples.Skip(from).Take(count).Average(s => (double)s * s));
        var steady = Rms(48000 / 10, 48000 / 10);
        var levels = Enumerable.Range(0, 440).Select(w => Rms((48000 / 10) + (w * 240), 240)).ToList();
        var joins = new[] { 0.6, 1.2, 1.8 };
        Assert.All(levels, level => Assert.InRange(20 * Math.Log10(level / steady), -1, 1));
        // And the largest step between neighbouring samples at each join is that of the tone itself.
        var maxStep = Enumerable.Range(4800, 4800).Max(i => Math.Abs(samples[i + 1] - samples[i]));
        foreach (var join in joins)
        {
            var at = (int)(join * 48000);
            var step = Enumerable.Range(at - 480, 960).Max(i => Math.Abs(samples[i + 1] - samples[i]));
            Assert.True(step <= maxStep * 1.2, $"a step of {step} at the join at {join} s, {maxStep} elsewhere");
        }
    }

    [Fact]
    public async Task A_long_scene_encoded_in_slices_at_once_shows_the_same_frames_as_in_one_piece()
    {
        // A speaking presenter over a picture, and a title that comes in between two slice starts: a slice starting
        // after the presenter must pick up its pose and sway where the scene is; the title must come in on its frame.
        var creative = Creative(320, 240, Scene(3000,
            Track.ImageTrack(Server.Serve("/slice-bg.png", TestMedia.Png(320, 240, new SKColor(40, 80, 160)), "image/png")),
            Track.ActorTrack("karen", "One, two, three, four, five. Are you still here?", position: new Position(170, 40), size: new Size(140, 190)),
            new Track { Type = TrackTypes.Text, Text = "Title", Position = new Position(10, 10), Size = new Size(150, 50), StartTimeGap = 1300 }));
        // Lossless, so equal frames are equal bytes once decoded.
        RenderOptions Lossless(double sliceSeconds) => new() { AllowPrivateAddresses = true, Preset = "ultrafast", Crf = 0, SliceSeconds = sliceSeconds };

        var whole = await RenderResultAsync(creative, Lossless(100), "whole");
        var sliced = await RenderResultAsync(creative, Lossless(1), "sliced");

        Assert.False(File.Exists(Path.Combine(Work, "whole", "segments-args-2.txt")), "one scene, one run");
        Assert.Equal(3, Directory.GetFiles(Path.Combine(Work, "sliced"), "scene-000-*.mp4").Length);
        Assert.True(File.Exists(Path.Combine(Work, "sliced", "segments-args-2.txt")), "the slices were shared between two runs");
        // The slices after the first read the poses from their own first frame on, not the whole list.
        var lists = Directory.GetFiles(Path.Combine(Work, "sliced"), "head-000-001-from-*.ffconcat").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["head-000-001-from-000025.ffconcat", "head-000-001-from-000050.ffconcat"], lists);
        var arguments = string.Join("\n", Directory.GetFiles(Path.Combine(Work, "sliced"), "segments-args*.txt").Select(File.ReadAllText));
        Assert.All(lists, l => Assert.Contains(l!, arguments));
        Assert.Equal(TestMedia.Probe(whole.Path, "stream=nb_frames", "v"), TestMedia.Probe(sliced.Path, "stream=nb_frames", "v"));
        var expected = FrameHashes(whole.Path);
        var actual = FrameHashes(sliced.Path);
        Assert.Equal(75, expected.Count);
        var differing = Enumerable.Range(0, expected.Count).Where(i => expected[i] != actual[i]).ToList();
        Assert.True(differing.Count == 0, $"frames {string.Join(", ", differing)} differ");
        // And the slices are not all one picture: the title is there at the end, not at the start.
        Assert.NotEqual(expected[0], expected[^1]);
    }

    /// <summary>The MD5 of each decoded video frame.</summary>
    private static List<string> FrameHashes(string video) =>
        TestMedia.Run("ffmpeg", ["-v", "error", "-i", video, "-an", "-f", "framemd5", "-"])
            .Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(',')[^1].Trim())
            .ToList();

    /// <summary>The first channel of the file's sound as 48 kHz float samples.</summary>
    private static float[] Pcm(string video)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-i", video, "-vn", "-af", "pan=mono|c0=c0", "-f", "f32le", "-ar", "48000", "pipe:1" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        _ = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        var bytes = ms.ToArray();
        var samples = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
        Assert.True(samples.Length > 48000 * 2, string.Create(CultureInfo.InvariantCulture, $"{samples.Length} samples"));
        return samples;
    }
}
