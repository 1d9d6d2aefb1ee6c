using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reelgen.Creative;

namespace Reelgen.Rendering;

/// <summary>
/// Turns a video creative into an MP4 (H.264 yuv420p + AAC 48 kHz stereo, faststart). Preprocessing fetches and
/// checks every asset, speaks every script and draws every still picture once; generating encodes each scene not
/// found in the scene cache as a segment of its own (all in one ffmpeg run that only composes), then joins the
/// segments without re-encoding beside the sound of the whole video, so the cost stays close to ffmpeg's own
/// encoding cost and a scene seen before costs a file copy.
/// </summary>
public sealed partial class VideoRenderer
{
    private readonly RenderOptions _options;
    private readonly VoiceCatalog _voices;
    private readonly SpeechSynthesizer _speech;
    private readonly PresenterCatalog _presenters;
    private readonly ILogger<VideoRenderer> _logger;
    private readonly MediaProbe _probe;
    private readonly TimeProvider _time;
    private readonly SpeechCache? _speechCache;
    private readonly SceneCache? _sceneCache;
    private readonly Lazy<string> _ffmpegIdentity;
    private readonly Counter<long>? _assetFailures;

    // Named as the server's source, so a job's trace shows its preprocess and render steps.
    private static readonly ActivitySource Source = new("Reelgen");

    /// <param name="options">Tools, encoder settings and asset limits.</param>
    /// <param name="voices">The voice catalogue; by default the engines installed on this machine.</param>
    /// <param name="logger">Where preprocessing and ffmpeg steps are logged.</param>
    /// <param name="presenters">The presenters; by default the built-in ones.</param>
    /// <param name="time">The clock of progress reports and time limits; the system's by default.</param>
    /// <param name="meters">Where <c>reelgen.asset.fetch.failures</c> is counted (meter <c>Reelgen</c>); not counted by default.</param>
    public VideoRenderer(RenderOptions options, VoiceCatalog? voices = null, ILogger<VideoRenderer>? logger = null, PresenterCatalog? presenters = null, TimeProvider? time = null, IMeterFactory? meters = null)
    {
        _assetFailures = meters?.Create("Reelgen").CreateCounter<long>("reelgen.asset.fetch.failures", "{asset}", "Assets that could not be fetched or were refused, by kind.");
        _time = time ?? TimeProvider.System;
        _options = options;
        _voices = voices ?? new VoiceCatalog();
        _speech = new SpeechSynthesizer(_voices);
        _presenters = presenters ?? new PresenterCatalog();
        _logger = logger ?? NullLogger<VideoRenderer>.Instance;
        if (!Bidi.Available)
            LogNoBidi(_logger);
        _probe = new MediaProbe(options.FfprobePath, options.ToolTimeout, _time);
        if (options.CacheDirectory is { Length: > 0 } cache)
        {
            _speechCache = new SpeechCache(Path.Combine(cache, "speech"), options.SpeechCacheBytes);
            _sceneCache = new SceneCache(Path.Combine(cache, "scenes"), options.SceneCacheBytes);
        }
        _ffmpegIdentity = new Lazy<string>(() => ToolIdentity(options.FfmpegPath));
    }

    /// <summary>Renders <paramref name="creative"/> to <paramref name="outputPath"/>.</summary>
    /// <param name="creative">The creative as submitted.</param>
    /// <param name="variables">Values for its <c>{tokens}</c>.</param>
    /// <param name="outputPath">Where the MP4 goes.</param>
    /// <param name="workDirectory">Scratch space for this render; the caller deletes it.</param>
    /// <param name="progress">Stage and fraction reports.</param>
    /// <param name="cancellationToken">Stops ffmpeg and every download.</param>
    /// <exception cref="RenderException">The creative cannot be rendered; the message says why, naming the scene and track.</exception>
    public async Task<RenderResult> RenderAsync(
        VideoCreative creative,
        IReadOnlyDictionary<string, JsonElement> variables,
        string outputPath,
        string workDirectory,
        IProgress<RenderProgress>? progress,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var errors = CreativeChecks.Validator(_voices, _presenters, _options.Limits).Validate(creative, variables);
        if (errors.Count > 0)
            throw new RenderException("the creative is not valid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var resolved = DynamicVariables.Apply(creative, variables);
        Directory.CreateDirectory(workDirectory);
        progress?.Report(new RenderProgress(RenderStage.Preprocessing, 0));
        // Ended where preprocessing ends; on a failure, when the method leaves.
        using var preprocess = Source.StartActivity("preprocess");

        var speechReused = new StrongBox<int>();
        await using var images = new DecodedImages();
        // Without a scene cache every picture is drawn, so each is decoded as soon as it is fetched.
        if (_sceneCache is null)
            images.DecodeAhead();
        // Beside the fetching and the speaking, which leave a core free most of the time; on a thread of its own, so
        // the pool's few threads (one per core at first) stay free to start the downloads and the speech at once.
        var warmUp = Task.Factory.StartNew(() => StillPainter.WarmUp(resolved, _presenters, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Dictionary<(int Scene, int Track), TrackMedia> media;
        var fetched = new TaskCompletionSource<Dictionary<(int Scene, int Track), TrackMedia>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var prepared = PrepareMediaAsync(resolved, workDirectory, images, speechReused, fetched, progress, cancellationToken);
        var drawnEarly = DrawWhileSpeakingAsync(resolved, fetched.Task, prepared, images, workDirectory, cancellationToken);
        try
        {
            media = await prepared;
        }
        finally
        {
            // Set by now unless the preparing failed before its fetches started: then nothing is drawn early.
            fetched.TrySetCanceled(CancellationToken.None);
            await WarmedUpAsync(warmUp);
            await WarmedUpAsync(drawnEarly);
        }

        var timeline = TimelinePlanner.Plan(resolved, Lengths(media));
        // The request showed only the explicit durations; with speech and clips measured, the whole length is known.
        if (timeline.DurationMs > _options.Limits.MaxVideoSeconds * 1000.0)
            throw new RenderException($"the video would last {timeline.DurationMs / 1000:0.#} s, more than the {_options.Limits.MaxVideoSeconds} s allowed");
        CheckTransitionsFit(timeline);
        var plan = CompositionPlanner.Plan(timeline);
        // One set of cues: burnt in, and returned for the VTT and SRT files.
        var captions = Captions(timeline, media);
        // Drawing the pictures is part of the render span: only the scenes the cache lacks are drawn.
        preprocess?.Stop();
        using var render = Source.StartActivity("render");
        render?.SetTag("reelgen.video.seconds", plan.Seconds);
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (directory is not null)
            Directory.CreateDirectory(directory);

        // Captions burnt in and transitions run across scene cuts, so such a video is drawn in one piece.
        var whole = (resolved.Settings?.Subtitles?.BurnIn == true && captions.Count > 0) || timeline.Scenes.Any(s => s.Transition is not null);
        // A sound encoded before (same mix of the same bytes, same encoder) is copied with its loudness, and neither
        // the measurement nor the encode starts; otherwise the sound is measured while the pictures are drawn: the
        // two use different cores most of the time.
        var soundKey = _sceneCache is null || whole ? null : SceneCache.SoundKey(_ffmpegIdentity.Value, _options, plan, media);
        var keptSound = soundKey is null ? null : _sceneCache!.TryGetSound(soundKey, Path.Combine(workDirectory, SoundFile));
        // A video in one run needs the limiter's take known before it starts; the segment path learns it from the
        // sound's own encode.
        var loudness = keptSound is not null ? Task.FromResult(keptSound.Loudness) : MeasureLoudnessAsync(plan, media, workDirectory, whole, cancellationToken);
        var work = new RenderWork(plan, media, images, workDirectory, outputPath, loudness, progress, cancellationToken) { SoundKey = soundKey, SoundKept = keptSound is not null, Early = drawnEarly.IsCompletedSuccessfully ? drawnEarly.Result : new(StringComparer.Ordinal) };
        int rendered, reused;
        string? firstScene;
        try
        {
            (rendered, reused, firstScene) = whole
                ? (await RenderWholeAsync(work, resolved.Settings?.Subtitles, captions), 0, null)
                : await RenderScenesAsync(work, timeline);
        }
        catch (OperationCanceledException)
        {
            TryDelete(outputPath);
            throw;
        }

        // The length is the planned frame count: ffmpeg wrote exactly those frames, and probing the file again would
        // cost a process start (about 0.2 s) on every render.
        LogRendered(_logger, outputPath, plan.Seconds, stopwatch.Elapsed.TotalSeconds);
        return new RenderResult(outputPath, Math.Round(plan.Seconds, 3), new FileInfo(outputPath).Length, timeline.Width, timeline.Height, captions)
        {
            Stats = new RenderStats(rendered, reused, speechReused.Value, Math.Round(stopwatch.Elapsed.TotalSeconds, 3), work.SoundKept),
            // The poster is the frame 1 s in: when that lies well inside the first segment, it is kept beside it.
            PosterScene = firstScene is not null && plan.Seconds > 1.6 ? firstScene : null,
        };
    }

    /// <summary>The length of each track's media for the timeline: null where it has none (a picture) or is not known yet.</summary>
    private static Func<int, int, double?> Lengths(Dictionary<(int Scene, int Track), TrackMedia> media) =>
        (s, t) => media.TryGetValue((s, t), out var m) && m.Info.DurationMs > 0 ? m.Info.DurationMs : null;

    /// <summary>
    /// Waits for the warm-up (or the drawing while speaking) to end, so no drawing runs on behind the render; a
    /// failure in it is not this render's failure (the real drawing meets the same problem and names the track).
    /// </summary>
    private static async Task WarmedUpAsync(Task warmUp)
    {
        try
        {
            await warmUp;
        }
        catch (Exception ex) when (ex is RenderException or OperationCanceledException or IOException or InvalidOperationException or ArgumentException)
        {
        }
    }

    /// <summary>What both ways of encoding a planned video work from.</summary>
    private sealed record RenderWork(
        CompositionPlan Plan,
        Dictionary<(int Scene, int Track), TrackMedia> Media,
        DecodedImages Images,
        string Directory,
        string OutputPath,
        Task<Loudness?> Loudness,
        IProgress<RenderProgress>? Progress,
        CancellationToken Token)
    {
        /// <summary>The sound's key in the scene cache; null without a cache or when the sound is not encoded on its own.</summary>
        public string? SoundKey { get; init; }

        /// <summary>The sound was copied from the scene cache: sound.mp4 is in place and the loudness known.</summary>
        public bool SoundKept { get; init; }

        /// <summary>Pictures drawn while the scripts were spoken, by content key; each is taken once.</summary>
        public ConcurrentDictionary<string, string> Early { get; init; } = new(StringComparer.Ordinal);

        public string PicturePath(string name) => Path.Combine(Directory, name + ".png");
    }

    private const string SoundFile = "sound.mp4";

    /// <summary>
    /// The whole video in one ffmpeg run: every scene's graph, the scenes concatenated inside it, captions laid over
    /// the result, the sound mixed and normalised beside it.
    /// </summary>
    private async Task<int> RenderWholeAsync(RenderWork work, SubtitleSettings? settings, List<CaptionCue> captions)
    {
        var (plan, ct) = (work.Plan, work.Token);
        var sprites = await DrawAsync(work, plan);
        var subtitles = await SubtitlePainter.DrawAsync(settings, captions, plan, work.Directory, ct);
        var scriptPath = Path.Combine(work.Directory, "graph.txt");
        var invocation = FfmpegGraph.Build(plan, work.PicturePath, work.Media, scriptPath, work.OutputPath, _options, await work.Loudness, sprites, subtitles);
        await KeepCommandAsync(invocation, scriptPath, "ffmpeg-args.txt", ct);
        await FfmpegRunner.RunAsync(_options.FfmpegPath, invocation.Arguments, plan.Seconds, work.Progress, ct, _time);
        return plan.Scenes.Count;
    }

    /// <summary>
    /// Scene by scene: each scene's picture is its own segment (a long scene of stills and presenters a few, see
    /// <see cref="ScenePlan.Slices"/>), taken from the scene cache when it was encoded before, otherwise drawn and
    /// encoded and kept in the cache; the missing segments are shared among <see cref="RenderOptions.ParallelEncodes"/>
    /// ffmpeg runs at once. Then the segments are joined without re-encoding to the sound of the whole video, mixed,
    /// normalised and encoded on its own beside them.
    /// </summary>
    /// Returns the scene cache's key of the first segment when the poster (the frame 1 s in) lies well inside it.
    private async Task<(int Rendered, int Reused, string? FirstScene)> RenderScenesAsync(RenderWork work, Timeline timeline)
    {
        var (plan, ct) = (work.Plan, work.Token);
        var segments = plan.Scenes.SelectMany(s => s.Slices(SliceFrames(plan.Fps))).ToList();
        string SegmentPath(ScenePlan s) => Path.Combine(work.Directory, s.SliceFrom is { } from
            ? string.Create(CultureInfo.InvariantCulture, $"scene-{s.Index:D3}-{from:D6}.mp4")
            : string.Create(CultureInfo.InvariantCulture, $"scene-{s.Index:D3}.mp4"));
        var keys = _sceneCache is null
            ? null
            : segments.Select(s => SceneCache.Key(_ffmpegIdentity.Value, _options, plan, s, timeline.Scenes[s.Index], work.Media, _presenters)).ToList();
        var missing = Enumerable.Range(0, segments.Count).Where(k => keys is null || !_sceneCache!.TryGet(keys[k], SegmentPath(segments[k]))).ToList();
        var drawn = missing.Select(k => segments[k].Index).Distinct().ToList();

        // The sound is encoded on its own beside the pictures, so the join only copies; it is started as soon as its
        // loudness is known.
        var soundPath = Path.Combine(work.Directory, SoundFile);
        using var soundStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sound = work.SoundKept ? work.Loudness : EncodeSoundAsync(work, soundPath, missing.Count == 0 ? Stage(work, 0, 0.95) : null, soundStop.Token);
        var keepWhole = Task.CompletedTask;
        try
        {
            if (missing.Count > 0)
            {
                var sprites = await DrawAsync(work, plan with { Scenes = drawn.Select(i => plan.Scenes[i]).ToList() });
                if (missing.Count == segments.Count)
                {
                    // The same video as one ffmpeg run, kept beside the segments' command for comparison by hand (and
                    // by the render benchmark, whose baseline it is); only when every scene was drawn for this render.
                    keepWhole = KeepWholeCommandAsync(work, sprites, sound);
                }
                await EncodeSegmentsAsync(work, missing.Select(k => (segments[k], SegmentPath(segments[k]))).ToList(), sprites);
                if (keys is not null)
                {
                    foreach (var k in missing)
                        KeepScene(keys[k], SegmentPath(segments[k]));
                }
            }
        }
        catch
        {
            // Never leave the sound's ffmpeg running behind a failed picture; the picture's error is the one to tell.
            await soundStop.CancelAsync();
            await Task.WhenAll(sound, keepWhole).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        await sound;
        await keepWhole;
        if (!work.SoundKept && work.SoundKey is { } soundKey)
            KeepSound(soundKey, soundPath, new KeptSound(await sound));

        await JoinAsync(work, segments.Select(SegmentPath).ToList(), soundPath, Stage(work, missing.Count > 0 ? 0.95 : 0, 1));
        var poster = keys is not null && segments[0].Frames > 1.5 * plan.Fps ? keys[0] : null;
        return (drawn.Count, plan.Scenes.Count - drawn.Count, poster);
    }

    /// <summary>The longest slice a scene is cut into, in frames (<see cref="RenderOptions.SliceSeconds"/>).</summary>
    private long SliceFrames(int fps) => (long)Math.Round(_options.SliceSeconds * fps);

    /// <summary>
    /// Joins the segments and the sound into the video, copying their samples: in this process (no ffmpeg to start),
    /// or with ffmpeg's concat demuxer when the files are not of the shape <see cref="Mp4Join"/> knows (the reason is
    /// logged).
    /// </summary>
    private async Task JoinAsync(RenderWork work, List<string> segments, string soundPath, IProgress<RenderProgress>? progress)
    {
        var (plan, ct) = (work.Plan, work.Token);
        progress?.Report(new RenderProgress(RenderStage.Generating, 0, plan.Seconds));
        var declined = Mp4Join.TryJoin(segments, soundPath, work.OutputPath);
        if (declined is null)
        {
            progress?.Report(new RenderProgress(RenderStage.Generating, 1, plan.Seconds));
            return;
        }
        LogJoinedByFfmpeg(_logger, declined);
        // The list names only the segments beside it, in order.
        var listPath = Path.Combine(work.Directory, "segments.ffconcat");
        await File.WriteAllTextAsync(listPath, "ffconcat version 1.0\n" + string.Concat(segments.Select(s => $"file {Path.GetFileName(s)}\n")), ct);
        var join = FfmpegGraph.BuildJoin(plan, listPath, soundPath, work.OutputPath);
        await File.WriteAllLinesAsync(Path.Combine(work.Directory, "join-args.txt"), join.Arguments, ct);
        await FfmpegRunner.RunAsync(_options.FfmpegPath, join.Arguments, plan.Seconds, progress, ct, _time);
    }

    /// <summary>
    /// Encodes <paramref name="segments"/> in up to <see cref="RenderOptions.ParallelEncodes"/> ffmpeg runs at once,
    /// sharing their frames out evenly (a segment's bytes do not depend on the run it is encoded in). The first run to
    /// fail stops the others; its error is the one told.
    /// </summary>
    private async Task EncodeSegmentsAsync(RenderWork work, List<(ScenePlan Scene, string Path)> segments, Dictionary<(int Scene, int Track), PresenterSprites> sprites)
    {
        var runs = Enumerable.Range(0, Math.Min(_options.ParallelEncodes, segments.Count)).Select(_ => new List<(ScenePlan Scene, string Path)>()).ToList();
        foreach (var segment in segments.OrderByDescending(s => s.Scene.Frames).ThenBy(s => s.Scene.StartFrame))
            runs.MinBy(r => r.Sum(s => s.Scene.Frames))!.Add(segment);
        foreach (var run in runs)
            run.Sort((a, b) => a.Scene.StartFrame.CompareTo(b.Scene.StartFrame));
        var total = segments.Sum(s => s.Scene.Frames);
        var progress = Stage(work, 0, 0.95) is { } stage ? new SharedProgress(stage, runs.Select(r => r.Sum(s => s.Scene.Frames) / (double)total).ToArray()) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(work.Token);
        var tasks = runs.Select(async (run, n) =>
        {
            var suffix = n == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"-{n + 1}");
            var scriptPath = Path.Combine(work.Directory, $"segments-graph{suffix}.txt");
            var invocation = FfmpegGraph.BuildSegments(work.Plan, run, work.PicturePath, work.Media, scriptPath, _options, sprites);
            await KeepCommandAsync(invocation, scriptPath, $"segments-args{suffix}.txt", stop.Token);
            var seconds = run.Sum(s => s.Scene.Frames) / (double)work.Plan.Fps;
            try
            {
                await FfmpegRunner.RunAsync(_options.FfmpegPath, invocation.Arguments, seconds, progress?.Part(n), stop.Token, _time);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await stop.CancelAsync();
                throw;
            }
        }).ToList();
        // A run stopped because another failed ends cancelled, so what is thrown is the failure.
        await Task.WhenAll(tasks);
    }

    /// <summary>Progress of runs going at once, each weighted by its share of the work, as one.</summary>
    private sealed class SharedProgress(IProgress<RenderProgress> inner, double[] weights)
    {
        private readonly double[] _fractions = new double[weights.Length];

        public IProgress<RenderProgress> Part(int n) => new InlineProgress(value =>
        {
            double sum;
            lock (_fractions)
            {
                _fractions[n] = value.Fraction;
                sum = _fractions.Select((f, i) => f * weights[i]).Sum();
            }
            inner.Report(value with { Fraction = sum });
        });

        private sealed class InlineProgress(Action<RenderProgress> report) : IProgress<RenderProgress>
        {
            public void Report(RenderProgress value) => report(value);
        }
    }

    /// <summary>
    /// Mixes, normalises and encodes the whole video's sound into <paramref name="soundPath"/>; returns the loudness
    /// it was normalised by. Where the limiter holds peaks, the encode also measures the result: when the limiter
    /// took less than <see cref="LimiterTolerance"/>, as it mostly does, the sound is done; otherwise the gain is
    /// corrected as <see cref="CheckLimiterAsync"/> does and the sound encoded once more.
    /// </summary>
    private async Task<Loudness?> EncodeSoundAsync(RenderWork work, string soundPath, IProgress<RenderProgress>? progress, CancellationToken ct)
    {
        var scriptPath = Path.Combine(work.Directory, "sound-graph.txt");
        var loudness = await work.Loudness;
        var metered = loudness is { } first && FfmpegGraph.Limits(first);
        var invocation = FfmpegGraph.BuildSound(work.Plan, work.Media, scriptPath, soundPath, _options, loudness, metered);
        await KeepCommandAsync(invocation, scriptPath, "sound-args.txt", ct);
        var stderr = await FfmpegRunner.RunAsync(_options.FfmpegPath, invocation.Arguments, work.Plan.Seconds, progress, ct, _time);
        var shortfall = metered ? Shortfall(Loudness.Parse(stderr)) : 0;
        if (shortfall < LimiterTolerance)
            return loudness;
        var corrected = await CheckLimiterAsync(work.Plan, work.Media, work.Directory, loudness! with { Integrated = loudness.Integrated - shortfall }, 1, ct);
        invocation = FfmpegGraph.BuildSound(work.Plan, work.Media, scriptPath, soundPath, _options, corrected);
        await KeepCommandAsync(invocation, scriptPath, "sound-args.txt", ct);
        await FfmpegRunner.RunAsync(_options.FfmpegPath, invocation.Arguments, work.Plan.Seconds, progress, ct, _time);
        return corrected;
    }

    /// <summary>
    /// The whole video's single-run command, without holding up the encode: written with the first loudness
    /// measurement as soon as it is known (before any encode ends, so a copy taken when one ends has it), and written
    /// again should the sound's encode correct that loudness for its limiter.
    /// </summary>
    private async Task KeepWholeCommandAsync(RenderWork work, Dictionary<(int Scene, int Track), PresenterSprites> sprites, Task<Loudness?> sound)
    {
        var wholeScript = Path.Combine(work.Directory, "graph.txt");
        var first = await work.Loudness;
        await KeepCommandAsync(FfmpegGraph.Build(work.Plan, work.PicturePath, work.Media, wholeScript, work.OutputPath, _options, first, sprites), wholeScript, "ffmpeg-args.txt", work.Token);
        if (await sound is { } final && final != first)
            await KeepCommandAsync(FfmpegGraph.Build(work.Plan, work.PicturePath, work.Media, wholeScript, work.OutputPath, _options, final, sprites), wholeScript, "ffmpeg-args.txt", work.Token);
    }

    /// <summary>Samples key colours, draws the still pictures and the presenters' heads of the scenes in <paramref name="part"/>.</summary>
    private async Task<Dictionary<(int Scene, int Track), PresenterSprites>> DrawAsync(RenderWork work, CompositionPlan part)
    {
        await SampleKeyColoursAsync(part, work.Media, work.Token);
        var pictures = part.Pictures.ToList();
        using (var painter = new StillPainter(work.Media, _presenters, part.Width, work.Images))
        {
            var painted = 0;
            await Parallel.ForEachAsync(pictures, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = work.Token }, (picture, _) =>
            {
                if (work.Early.TryRemove(StillPainter.ContentKey(picture), out var early))
                    File.Move(early, work.PicturePath(picture.Name), overwrite: true);
                else
                    painter.Paint(picture, work.PicturePath(picture.Name));
                var done = Interlocked.Increment(ref painted);
                work.Progress?.Report(new RenderProgress(RenderStage.Preprocessing, 0.8 + (0.2 * done / pictures.Count)));
                return ValueTask.CompletedTask;
            });
        }
        var sprites = await HeadSprites.DrawAsync(part, work.Media, _presenters, work.Directory, work.Token, SliceFrames(part.Fps));
        work.Progress?.Report(new RenderProgress(RenderStage.Preprocessing, 1));
        LogPrepared(_logger, work.Media.Count, pictures.Count, part.Seconds);
        return sprites;
    }

    /// <summary>The graph and the exact command, kept beside each other so a failed render can be replayed by hand.</summary>
    private static async Task KeepCommandAsync(FfmpegInvocation invocation, string scriptPath, string argumentsFile, CancellationToken ct)
    {
        await File.WriteAllTextAsync(scriptPath, invocation.FilterGraph, ct);
        await File.WriteAllLinesAsync(Path.Combine(Path.GetDirectoryName(scriptPath)!, argumentsFile), invocation.Arguments, ct);
    }

    private void KeepScene(string key, string segmentPath)
    {
        try
        {
            _sceneCache!.Store(key, segmentPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or read-only cache costs the next render its reuse, never this render its video.
            LogSceneCacheWriteFailed(_logger, ex);
        }
    }

    private void KeepSound(string key, string soundPath, KeptSound sound)
    {
        try
        {
            _sceneCache!.StoreSound(key, soundPath, sound);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSceneCacheWriteFailed(_logger, ex);
        }
    }

    /// <summary>One ffmpeg run's progress as a stretch of the generating stage, with the whole video's length.</summary>
    private static StageProgress? Stage(RenderWork work, double from, double to) =>
        work.Progress is null ? null : new StageProgress(work.Progress, from, to, work.Plan.Seconds);

    private sealed class StageProgress(IProgress<RenderProgress> inner, double from, double to, double videoSeconds) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) =>
            inner.Report(value with { Fraction = from + ((to - from) * value.Fraction), VideoSeconds = videoSeconds });
    }

    /// <summary>
    /// A scene must last at least as long as its transitions in and out together, or they would overlap each other;
    /// the validator checks the lengths a request shows, this the ones only speech and clips tell.
    /// </summary>
    private static void CheckTransitionsFit(Timeline timeline)
    {
        for (var s = 0; s < timeline.Scenes.Count; s++)
        {
            var scene = timeline.Scenes[s];
            var into = s > 0 ? timeline.Scenes[s - 1].Transition?.DurationMs ?? 0 : 0;
            var outOf = scene.Transition?.DurationMs ?? 0;
            if (into + outOf > scene.DurationMs + 0.5)
            {
                throw new RenderException(into > 0 && outOf > 0
                    ? $"scene {s + 1} lasts {scene.DurationMs:0} ms, shorter than its transitions in and out ({into:0} + {outOf:0} ms); shorten them or lengthen the scene"
                    : $"scene {s + 1} lasts {scene.DurationMs:0} ms, shorter than the {into + outOf:0} ms transition {(into > 0 ? "into" : "out of")} it; shorten the transition or lengthen the scene");
            }
        }
    }

    /// <summary>
    /// The first pass of loudness normalisation: the sound alone, mixed as the render will mix it, measured by
    /// ebur128. Sound-only, so it costs a fraction of a second even for a long video; none when nothing sounds.
    /// </summary>
    private async Task<Loudness?> MeasureLoudnessAsync(CompositionPlan plan, Dictionary<(int Scene, int Track), TrackMedia> media, string workDirectory, bool limiterChecked, CancellationToken ct)
    {
        if (!plan.Sounds.Any(t => media.TryGetValue((t.SceneIndex, t.TrackIndex), out var m) && m.Info.HasAudio))
            return null;
        var scriptPath = Path.Combine(workDirectory, "loudness-graph.txt");
        var probe = FfmpegGraph.BuildLoudnessProbe(plan, media, scriptPath);
        await File.WriteAllTextAsync(scriptPath, probe.FilterGraph, ct);
        var measured = Loudness.Parse(await FfmpegRunner.CaptureAsync(_options.FfmpegPath, probe.Arguments, ct));
        return limiterChecked ? await CheckLimiterAsync(plan, media, workDirectory, measured, 0, ct) : measured;
    }

    /// <summary>How much loudness the limiter may take before the gain is corrected for it, in LU.</summary>
    private const double LimiterTolerance = 0.3;

    /// <summary>How far <paramref name="after"/> (the sound measured after its normalisation) falls short of the target.</summary>
    private static double Shortfall(Loudness? after) => FfmpegGraph.TargetLoudness - (after?.Integrated ?? FfmpegGraph.TargetLoudness);

    /// <summary>
    /// Where the limiter holds peaks (short speech, clicks: sounds whose peaks stand far above their loudness) it also
    /// takes loudness, up to several LU; measured once more after it, the shortfall is added to the gain. Two rounds at
    /// most, from <paramref name="firstRound"/> on (the sound's encode measures round 0 itself): each round closes most
    /// of what is left, and the limiter only ever takes less than the gain.
    /// </summary>
    private async Task<Loudness?> CheckLimiterAsync(CompositionPlan plan, Dictionary<(int Scene, int Track), TrackMedia> media, string workDirectory, Loudness? measured, int firstRound, CancellationToken ct)
    {
        var scriptPath = Path.Combine(workDirectory, "loudness-graph.txt");
        for (var round = firstRound; round < 2 && measured is { } m && FfmpegGraph.Limits(m); round++)
        {
            var check = FfmpegGraph.BuildLoudnessProbe(plan, media, scriptPath, m);
            await File.WriteAllTextAsync(scriptPath, check.FilterGraph, ct);
            var shortfall = Shortfall(Loudness.Parse(await FfmpegRunner.CaptureAsync(_options.FfmpegPath, check.Arguments, ct)));
            if (shortfall < LimiterTolerance)
                break;
            measured = m with { Integrated = m.Integrated - shortfall };
        }
        return measured;
    }

    /// <summary>
    /// The still pictures of the scenes with a presenter, drawn while the scripts are spoken, on the core speech
    /// leaves free: the video is planned with what is known once everything else is fetched (where a scene's length
    /// is given, a presenter's pictures span it whatever its speech's length), and the drawing after the speech takes
    /// each picture whose content is the same (<see cref="StillPainter.ContentKey"/>) instead of painting it. Only
    /// when some script is spoken now (so its scenes are drawn: none is in the scene cache); nothing when the speech
    /// ends first or the plan cannot be made yet. Returns the pictures drawn, by content key.
    /// </summary>
    private async Task<ConcurrentDictionary<string, string>> DrawWhileSpeakingAsync(
        VideoCreative creative,
        Task<Dictionary<(int Scene, int Track), TrackMedia>> fetched,
        Task speech,
        DecodedImages images,
        string workDirectory,
        CancellationToken ct)
    {
        var early = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        Dictionary<(int Scene, int Track), TrackMedia> media;
        try
        {
            media = await fetched;
        }
        catch (OperationCanceledException)
        {
            return early;
        }
        if (speech.IsCompleted || !images.DecodingAhead)
            return early;
        await Task.Yield();
        CompositionPlan plan;
        try
        {
            plan = CompositionPlanner.Plan(TimelinePlanner.Plan(creative, Lengths(media)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // What cannot be planned without the speech is planned, and drawn, after it.
            return early;
        }
        var pictures = plan.Scenes.Where(s => s.Layers.OfType<PresenterLayer>().Any())
            .SelectMany(s => (plan with { Scenes = [s] }).Pictures)
            .DistinctBy(StillPainter.ContentKey)
            .ToList();
        using var painter = new StillPainter(media, _presenters, plan.Width, images);
        foreach (var picture in pictures)
        {
            if (speech.IsCompleted || ct.IsCancellationRequested)
                break;
            var path = Path.Combine(workDirectory, string.Create(CultureInfo.InvariantCulture, $"early-{early.Count:D3}.png"));
            try
            {
                painter.Paint(picture, path);
                early[StillPainter.ContentKey(picture)] = path;
            }
            catch (RenderException)
            {
                // Painted again where it is needed, which names the track.
            }
        }
        return early;
    }

    /// <summary>Fetches every asset and speaks every script, a few at a time; returns the local media by (scene, track).</summary>
    private async Task<Dictionary<(int Scene, int Track), TrackMedia>> PrepareMediaAsync(
        VideoCreative creative,
        string workDirectory,
        DecodedImages images,
        StrongBox<int> speechReused,
        TaskCompletionSource<Dictionary<(int Scene, int Track), TrackMedia>> fetched,
        IProgress<RenderProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var handler = SafeHttp.CreateHandler(_options.AllowPrivateAddresses, _options.AssetConnectTimeout);
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var fetcher = new AssetFetcher(client, _probe, _options, workDirectory, _time);
        using var downloads = new SemaphoreSlim(Math.Max(1, _options.ParallelDownloads));
        using var speakers = new SemaphoreSlim(2);
        var media = new Dictionary<(int, int), TrackMedia>();
        var work = new List<Task>();
        var fetches = new List<Task>();
        var done = 0;
        var scenes = creative.Scenes ?? [];
        for (var s = 0; s < scenes.Count; s++)
        {
            var tracks = scenes[s].Tracks ?? [];
            for (var t = 0; t < tracks.Count; t++)
            {
                var (scene, index, track) = (s, t, tracks[t]);
                var label = $"scene {s + 1}, track {t + 1}";
                Func<Task<TrackMedia>>? job = track.Type switch
                {
                    TrackTypes.Image => () => FetchImageAsync(fetcher, downloads, images, track.ImageUrl!, $"{label}: imageUrl", cancellationToken),
                    TrackTypes.Video => () => FetchAsync(fetcher, downloads, track.VideoUrl!, MediaKind.Video, $"{label}: videoUrl", cancellationToken),
                    TrackTypes.Audio => () => FetchAsync(fetcher, downloads, track.AudioUrl!, MediaKind.Audio, $"{label}: audioUrl", cancellationToken),
                    TrackTypes.Text when track.Style?.FontUrl is { } fontUrl => () => FetchAsync(fetcher, downloads, fontUrl, MediaKind.Font, $"{label}: style.fontUrl", cancellationToken),
                    TrackTypes.Actor => () => SpeakAsync(speakers, track, Path.Combine(workDirectory, $"speech-{scene:D3}-{index:D3}.wav"), label, speechReused, images, cancellationToken),
                    _ => null,
                };
                if (job is null)
                    continue;
                var task = Task.Run(async () =>
                {
                    var result = await job();
                    lock (media)
                    {
                        media[(scene, index)] = result;
                        done++;
                        progress?.Report(new RenderProgress(RenderStage.Preprocessing, 0.8 * done / work.Count));
                    }
                }, cancellationToken);
                work.Add(task);
                if (track.Type != TrackTypes.Actor)
                    fetches.Add(task);
            }
        }
        // What the pictures need is there once everything but the speech is: they can be drawn while it is spoken.
        _ = Task.WhenAll(fetches).ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    lock (media)
                        fetched.TrySetResult(new Dictionary<(int Scene, int Track), TrackMedia>(media));
                }
                else
                {
                    fetched.TrySetCanceled(CancellationToken.None);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        try
        {
            await Task.WhenAll(work);
        }
        catch (RenderException)
        {
            // The first failure is the reason given; the rest are often the same asset failing again.
            throw work.Select(w => w.Exception?.InnerException).OfType<RenderException>().First();
        }
        return media;
    }

    private async Task<TrackMedia> FetchImageAsync(AssetFetcher fetcher, SemaphoreSlim gate, DecodedImages images, string url, string label, CancellationToken ct)
    {
        var picture = await FetchAsync(fetcher, gate, url, MediaKind.Image, label, ct);
        images.Fetched(picture.Path);
        return picture;
    }

    private async Task<TrackMedia> FetchAsync(AssetFetcher fetcher, SemaphoreSlim gate, string url, MediaKind kind, string label, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var asset = await fetcher.FetchAsync(url, kind, label, ct);
            return new TrackMedia(asset.Path, asset.Info, ContentHash: asset.Sha256);
        }
        catch (RenderException)
        {
            _assetFailures?.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TrackMedia> SpeakAsync(SemaphoreSlim gate, Track track, string wavPath, string label, StrongBox<int> reused, DecodedImages images, CancellationToken ct)
    {
        var voice = track.SpeakerId ?? _presenters.Find(track.Actor ?? "")?.DefaultVoice
            ?? throw new RenderException($"{label}: actor '{track.Actor}' is not known");
        var text = track.Text ?? "";
        // Speech is deterministic, so a script spoken before in the same voice is copied, not spoken again.
        var key = _speechCache is not null && _voices.Find(voice) is { } choice ? SpeechCache.Key(choice.Engine.Name, choice.Voice, voice, text) : null;
        var spoken = key is null ? null : await _speechCache!.TryGetAsync(key, wavPath, ct);
        if (spoken is not null)
        {
            Interlocked.Increment(ref reused.Value);
        }
        else
        {
            // The drawing waits for this speech; the pictures it needs are decoded meanwhile.
            images.DecodeAhead();
            await gate.WaitAsync(ct);
            try
            {
                spoken = await _speech.SpeakAsync(text, voice, wavPath, ct);
            }
            catch (RenderException ex)
            {
                throw new RenderException($"{label}: {ex.Message}", ex);
            }
            finally
            {
                gate.Release();
            }
            if (key is not null)
                await KeepSpeechAsync(key, spoken, ct);
        }
        var maxSeconds = _options.Limits.MaxVideoSeconds;
        if (spoken.DurationMs > maxSeconds * 1000.0)
            throw new RenderException($"{label}: the script takes {spoken.DurationMs / 1000:0.#} s to say, more than the {maxSeconds} s a whole video may last");
        // What a presenter's mouth follows: the timings, the same for the same speech wherever it was spoken.
        var timings = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(spoken with { WavPath = "" })));
        return new TrackMedia(wavPath, new MediaInfo(spoken.DurationMs, HasVideo: false, HasAudio: true, 0, 0), Speech: spoken, ContentHash: timings);
    }

    private async Task KeepSpeechAsync(string key, SpeechTimings spoken, CancellationToken ct)
    {
        try
        {
            await _speechCache!.StoreAsync(key, spoken, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or read-only cache costs the next render its reuse, never this render its video.
            LogSpeechCacheWriteFailed(_logger, ex);
        }
    }

    /// <summary>removeBackground keys out the colour of the clip's top-left corner where the track starts showing it.</summary>
    private async Task SampleKeyColoursAsync(CompositionPlan plan, Dictionary<(int Scene, int Track), TrackMedia> media, CancellationToken ct)
    {
        foreach (var layer in plan.Scenes.SelectMany(s => s.Layers).OfType<VideoLayer>().Where(l => l.Track.Track.RemoveBackground == true))
        {
            var key = (layer.Track.SceneIndex, layer.Track.TrackIndex);
            var m = media[key];
            media[key] = m with { KeyColor = await CornerColourAsync(m.Path, layer.Track.MediaOffsetMs, ct) };
        }
    }

    private async Task<string> CornerColourAsync(string path, double offsetMs, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(
            _options.FfmpegPath,
            [
                "-v", "error", "-nostdin", .. MediaSniffer.InputOptions(path), "-ss", FfmpegGraph.Sec(offsetMs / 1000), "-i", path,
                "-frames:v", "1", "-vf", "crop=4:4:0:0,scale=1:1:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
            ],
            _options.ToolTimeout,
            ct,
            time: _time);
        var rgb = result.Output;
        return rgb.Length >= 3 ? Convert.ToHexString(rgb, 0, 3) : "00FF00";
    }

    /// <summary>
    /// Word-timed cues of every actor track that speaks, on the video clock, none past the moment the presenter
    /// leaves the picture.
    /// </summary>
    private static List<CaptionCue> Captions(Timeline timeline, Dictionary<(int Scene, int Track), TrackMedia> media) =>
        timeline.Tracks
            .Where(t => t.Track.Type == TrackTypes.Actor && !string.IsNullOrWhiteSpace(t.Track.Text) && t.EndMs > t.StartMs)
            .OrderBy(t => t.StartMs)
            .SelectMany(t => media.TryGetValue((t.SceneIndex, t.TrackIndex), out var m) && m.Speech is { } speech
                ? CaptionBuilder.Build(t.Track.Text!, speech, t.StartMs, t.EndMs)
                : [])
            .ToList();

    /// <summary>
    /// Which ffmpeg encodes, for the scene cache's key without starting it: the executable found on the PATH, its size
    /// and its time stamp (a package keeps the time stamps of its build, so the same build reads the same everywhere).
    /// </summary>
    private static string ToolIdentity(string tool)
    {
        var found = Path.IsPathRooted(tool) || tool.Contains(Path.DirectorySeparatorChar)
            ? tool
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (found is null || !File.Exists(found))
            return tool;
        var file = new FileInfo(found);
        var target = file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        return string.Create(CultureInfo.InvariantCulture, $"{target.FullName}|{target.Length}|{target.LastWriteTimeUtc.Ticks}");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prepared {Media} media and drew {Pictures} still pictures for {Seconds:0.##} s of video")]
    private static partial void LogPrepared(ILogger logger, int media, int pictures, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Joined the scenes with ffmpeg, not in-process: {Reason}")]
    private static partial void LogJoinedByFfmpeg(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep an encoded scene in the scene cache")]
    private static partial void LogSceneCacheWriteFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep spoken speech in the speech cache")]
    private static partial void LogSpeechCacheWriteFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ICU (libicuuc) could not be loaded: text is laid out left to right, so Hebrew or Arabic among other text may draw out of order (scripts/install-deps.sh installs it)")]
    private static partial void LogNoBidi(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rendered {Path}: {Seconds:0.##} s of video in {Elapsed:0.##} s")]
    private static partial void LogRendered(ILogger logger, string path, double seconds, double elapsed);
}
