namespace Reelgen.Rendering.Tests;

/// <summary>Both engines, in-process: audio at a normal level, words where they are heard, phonemes inside words.</summary>
public sealed class SpeechTests : IDisposable
{
    private const string Script = "Hello café world, this is Reelgen speaking. Every word has its moment!";
    private static readonly SpeechSynthesizer Speech = new(new VoiceCatalog());
    private readonly string _dir = TestMedia.NewDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<SpeechTimings> SpeakAsync(string voice, string script = Script) =>
        await Speech.SpeakAsync(script, voice, Path.Combine(_dir, $"{voice}-{Guid.NewGuid():N}.wav"), CancellationToken.None);

    [Fact]
    public async Task Espeak_speaks_with_words_and_phonemes() =>
        AssertSpoken(await SpeakAsync("en-gb"), "espeak-ng");

    [RhVoiceFact]
    public async Task RHVoice_speaks_with_words_and_espeak_phonemes_fitted_into_them()
    {
        foreach (var voice in new[] { "clb", "slt", "bdl", "alan" })
            AssertSpoken(await SpeakAsync(voice), "rhvoice");
    }

    [Theory]
    [InlineData("en-gb")]
    [InlineData("de")]
    public async Task The_same_script_and_voice_give_the_same_samples_and_timings(string voice)
    {
        var (a, b) = (await SpeakAsync(voice), await SpeakAsync(voice));
        Assert.Equal(File.ReadAllBytes(a.WavPath), File.ReadAllBytes(b.WavPath));
        Assert.Equal(a.Words, b.Words);
        Assert.Equal(a.Phonemes, b.Phonemes);
    }

    [RhVoiceFact]
    public async Task Scripts_spoken_at_the_same_time_by_both_engines_come_out_as_spoken_alone()
    {
        // Two RHVoice engines at once failed or changed their output now and then; one engine, one script at a time.
        const string script = "Welcome to this short product tour. Over the next minute I will walk you through how our team turns " +
            "a simple idea into a finished video. Then the service fetches every asset and speaks the script. Is that not simple?";
        var alone = File.ReadAllBytes((await SpeakAsync("clb", script)).WavPath);
        for (var round = 0; round < 2; round++)
        {
            var spoken = await Task.WhenAll(SpeakAsync("clb", script), SpeakAsync("clb", script), SpeakAsync("en-us", script), SpeakAsync("alan", script));
            Assert.Equal(alone, File.ReadAllBytes(spoken[0].WavPath));
            Assert.Equal(alone, File.ReadAllBytes(spoken[1].WavPath));
            Assert.All(spoken, s => Assert.NotEmpty(s.Words));
        }
    }

    [RhVoiceFact]
    public async Task RHVoice_is_deterministic_too()
    {
        var (a, b) = (await SpeakAsync("clb"), await SpeakAsync("clb"));
        Assert.Equal(File.ReadAllBytes(a.WavPath), File.ReadAllBytes(b.WavPath));
        Assert.Equal(a.Words, b.Words);
        Assert.Equal(a.Phonemes, b.Phonemes);
    }

    [Fact]
    public void Espeak_leaves_no_thread_behind_from_one_script_to_the_next()
    {
        // Each script loads espeak-ng afresh; the threads it starts must end with it, or they pile up and crash the
        // process once a later loading reuses their memory.
        var espeak = EspeakEngine.Shared!;
        var voice = new VoiceCatalog().Find("en-gb")!.Voice;
        espeak.Speak("Warm up.", voice, CancellationToken.None);
        var before = Directory.GetDirectories("/proc/self/task").Length;
        for (var i = 0; i < 12; i++)
            Assert.NotEmpty(espeak.Speak($"Script number {i}.", voice, CancellationToken.None).Samples);
        var after = Directory.GetDirectories("/proc/self/task").Length;
        Assert.True(after - before < 6, $"{after - before} more threads after 12 scripts");
    }

    [Fact]
    public async Task A_script_starting_with_a_dash_is_spoken_not_read_as_an_option()
    {
        var speech = await SpeakAsync("en-us", "-v Hello, this starts with a dash.");
        Assert.InRange(speech.DurationMs, 1000, 6000);
        Assert.InRange(TestMedia.Duration(speech.WavPath) * 1000, speech.DurationMs - 5, speech.DurationMs + 5);
        Assert.Equal("Hello", speech.Words.Select(w => w.Text).ElementAt(1));
    }

    [Fact]
    public async Task An_unknown_voice_is_a_render_error_naming_it()
    {
        var error = await Assert.ThrowsAsync<RenderException>(() => SpeakAsync("xx-nobody"));
        Assert.Contains("xx-nobody", error.Message);
    }

    [Theory]
    [InlineData("en-gb")]
    [InlineData("en-US-JennyNeural")]
    public async Task A_thirty_word_script_gives_several_word_timed_cues_inside_the_speech(string voice)
    {
        const string script = "Welcome to the quarterly safety briefing. Today we cover three topics: fire exits, first aid kits, "
            + "and reporting incidents. Please listen carefully, because every one of these rules protects you and your colleagues.";
        var speech = await SpeakAsync(voice, script);
        var cues = CaptionBuilder.Build(script, speech, 1000, 1000 + speech.DurationMs);

        Assert.InRange(cues.Count, 3, 8);
        Assert.Equal(string.Join(' ', script.Split(' ')), string.Join(' ', cues.Select(c => c.Text.Replace('\n', ' '))));
        Assert.All(cues, c =>
        {
            var lines = c.Text.Split('\n');
            Assert.InRange(lines.Length, 1, CaptionBuilder.MaxLines);
            Assert.All(lines, l => Assert.InRange(l.Length, 1, CaptionBuilder.LineLength));
            Assert.InRange(c.StartMs, 1000, c.EndMs - 200);
            Assert.InRange(c.EndMs, c.StartMs, 1000 + speech.DurationMs);
        });
        Assert.All(cues.Zip(cues.Skip(1)), p => Assert.True(p.First.EndMs <= p.Second.StartMs, $"{p.First} overlaps {p.Second}"));
        // Each cue starts when its first word is heard.
        foreach (var cue in cues)
        {
            var first = cue.Text.Split(' ', '\n')[0].Trim(',', '.', ':');
            Assert.Contains(speech.Words, w => w.Text == first && Math.Abs(1000 + w.StartMs - cue.StartMs) < 1);
        }
    }

    private static void AssertSpoken(SpeechTimings speech, string engine)
    {
        Assert.Equal(engine, speech.Engine);
        Assert.InRange(TestMedia.Duration(speech.WavPath) * 1000, speech.DurationMs - 5, speech.DurationMs + 5);
        // Speech at a normal level, never clipped.
        var (mean, peak) = TestMedia.Volume(speech.WavPath);
        Assert.InRange(mean, -26, -16);
        Assert.InRange(peak, -20, -0.5);

        var words = speech.Words.Select(w => w.Text).ToList();
        Assert.Equal(["Hello", "café", "world", "this", "is", "Reelgen", "speaking", "Every", "word", "has", "its", "moment"], words);
        Assert.All(speech.Words, w => Assert.Equal(w.Text, Script.Substring(w.Offset, w.Length)));
        Assert.All(speech.Words, w => Assert.InRange(w.StartMs, 0, w.EndMs));
        Assert.All(speech.Words.Zip(speech.Words.Skip(1)), p => Assert.True(p.First.EndMs <= p.Second.StartMs + 1, $"{p.First} before {p.Second}"));
        Assert.InRange(speech.Words[^1].EndMs, speech.DurationMs * 0.6, speech.DurationMs);

        Assert.True(speech.Phonemes.Count >= 30, $"{speech.Phonemes.Count} phonemes");
        Assert.All(speech.Phonemes, p => Assert.True(p.EndMs > p.StartMs && !p.Phoneme.StartsWith('_'), p.ToString()));
        // Every phoneme lies within a word; "Hello" starts with h.
        Assert.All(speech.Phonemes, p => Assert.Contains(speech.Words, w => p.StartMs >= w.StartMs - 1 && p.EndMs <= w.EndMs + 1));
        Assert.Equal("h", speech.Phonemes[0].Phoneme);
    }
}
