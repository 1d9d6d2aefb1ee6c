namespace Reelgen.Rendering.Tests;

public class PresenterMotionTests
{
    private const int Fps = 30;

    /// <summary>"Mama, who?" then a pause, then "Hello": phonemes with their times as an engine reports them.</summary>
    private static SpeechTimings Speech() => new("/nowhere.wav", 4000,
        [new("Mama,", 500, 900), new("who?", 900, 1200), new("Hello", 2600, 3100)],
        [
            new("m", 500, 600), new("A:", 600, 700), new("m", 700, 780), new("@", 780, 900),
            new("h", 900, 960), new("u:", 960, 1200),
            new("_", 1200, 2600),
            new("h", 2600, 2680), new("@", 2680, 2800), new("l", 2800, 2900), new("oU", 2900, 3100),
        ]);

    private static MouthShape[] Mouths(List<PoseRun> runs) =>
        runs.SelectMany(r => Enumerable.Repeat(r.Pose.Blend >= 50 ? r.Pose.To : r.Pose.From, r.Frames)).ToArray();

    private static T[] PerFrame<T>(List<PoseRun> runs, Func<PresenterPose, T> pick) =>
        runs.SelectMany(r => Enumerable.Repeat(pick(r.Pose), r.Frames)).ToArray();

    [Fact]
    public void Phonemes_become_mouth_shapes_shown_a_little_before_their_sound()
    {
        var runs = PresenterMotion.Plan(Speech(), null, "Mama, who? Hello", 150, Fps, seed: 7);
        var mouths = Mouths(runs);

        Assert.Equal(150, mouths.Length);
        // "m" is heard from 500 ms: the lips close 40 ms before, at frame 14 (460 ms), not 15.
        Assert.Equal(MouthShape.X, mouths[13]);
        Assert.Equal(MouthShape.A, mouths[14]);
        Assert.Equal(MouthShape.D, mouths[(int)(650 * Fps / 1000.0) - 1]);   // "A:" wide open
        Assert.Equal(MouthShape.F, mouths[(int)(1100 * Fps / 1000.0) - 1]);  // "u:" puckered
        Assert.Equal(MouthShape.H, mouths[(int)(2850 * Fps / 1000.0) - 1]);  // "l" tongue up
        // Every shape holds at least two frames.
        Assert.All(PresenterMotion.HoldAtLeastTwoFrames(mouths).SkipLast(1), r => Assert.True(r.Frames >= 2, $"{r.Shape} held {r.Frames} frame(s)"));
    }

    [Fact]
    public void The_mouth_rests_before_after_and_between_phrases_and_eases_into_each_shape()
    {
        var runs = PresenterMotion.Plan(Speech(), null, "Mama, who? Hello", 150, Fps, seed: 7);
        var mouths = Mouths(runs);

        Assert.All(mouths[..13], m => Assert.Equal(MouthShape.X, m));
        Assert.All(mouths[40..76], m => Assert.Equal(MouthShape.X, m));   // the pause, 1.2 s to 2.6 s
        Assert.All(mouths[95..], m => Assert.Equal(MouthShape.X, m));     // after the last sound
        // A new shape's first frame is drawn halfway from the one before.
        Assert.Contains(runs, r => r.Pose is { From: MouthShape.A, To: MouthShape.D, Blend: 50 });
    }

    [Fact]
    public void Blinks_come_every_two_to_six_seconds_and_the_same_job_moves_the_same_way()
    {
        var frames = 60 * Fps;
        var runs = PresenterMotion.Plan(null, null, "", frames, Fps, seed: 42);
        var closed = PerFrame(runs, p => p.EyesClosed);
        var starts = Enumerable.Range(1, frames - 1).Where(i => closed[i] && !closed[i - 1]).ToList();

        Assert.InRange(starts.Count, 10, 30);
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 2 * Fps, 6 * Fps));
        Assert.All(starts, s => Assert.Equal(4, closed.Skip(s).TakeWhile(c => c).Count()));   // about 120 ms
        Assert.Equal(runs, PresenterMotion.Plan(null, null, "", frames, Fps, seed: 42));
        Assert.NotEqual(runs, PresenterMotion.Plan(null, null, "", frames, Fps, seed: 43));
    }

    [Fact]
    public void Questions_raise_the_brows_and_stressed_words_nod()
    {
        var runs = PresenterMotion.Plan(Speech(), null, "Mama, who? Hello", 150, Fps, seed: 7);
        var brows = PerFrame(runs, p => p.BrowsUp);

        Assert.True(brows[(int)(1000 * Fps / 1000.0)], "the brows are up while asking \"who?\"");
        Assert.False(brows[(int)(3000 * Fps / 1000.0)], "and down again for \"Hello\"");

        // A long script: nods on longer words, never two within 2.5 s.
        var words = Enumerable.Range(0, 40).Select(i => new SpokenWord(i % 3 == 0 ? "training" : "it", i * 400, (i * 400) + 350)).ToList();
        var nods = PerFrame(PresenterMotion.Plan(new SpeechTimings("/x.wav", 16000, words, []), null, "", 16 * Fps, Fps, seed: 3), p => p.Nod);
        var nodStarts = Enumerable.Range(1, nods.Length - 1).Where(i => nods[i] > 0 && nods[i - 1] == 0).ToList();
        Assert.InRange(nodStarts.Count, 2, 7);
        Assert.All(nodStarts.Zip(nodStarts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 2.5 * Fps));
        Assert.Equal(PresenterArt.MaxNod, nods.Max());
    }

    [Fact]
    public void Without_phonemes_the_mouth_follows_the_loudness_of_the_speech()
    {
        var dir = TestMedia.NewDirectory();
        // One second of tone between silences: the mouth moves only while there is sound.
        var wav = Path.Combine(dir, "speech.wav");
        File.WriteAllBytes(wav, TestMedia.Tone(dir, 1));
        var padded = Path.Combine(dir, "padded.wav");
        TestMedia.Ffmpeg(["-i", wav, "-af", "adelay=1000,apad=pad_dur=1", padded]);

        var mouths = Mouths(PresenterMotion.Plan(null, padded, "", 90, Fps, seed: 1));

        Assert.All(mouths[..25], m => Assert.Equal(MouthShape.X, m));
        Assert.Contains(mouths[32..58], m => m is not MouthShape.X);
        Assert.All(mouths[66..], m => Assert.Equal(MouthShape.X, m));
    }

    [Fact]
    public void Every_phoneme_of_espeak_english_has_a_shape()
    {
        Assert.Equal([MouthShape.A], PresenterMotion.ShapesOf("'m"));
        Assert.Equal([MouthShape.G], PresenterMotion.ShapesOf("f"));
        Assert.Equal([MouthShape.D, MouthShape.B], PresenterMotion.ShapesOf("aI"));
        Assert.Equal([MouthShape.X], PresenterMotion.ShapesOf("_"));
        Assert.Equal([MouthShape.B], PresenterMotion.ShapesOf("s"));
    }
}
