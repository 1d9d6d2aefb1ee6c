using System.Buffers.Binary;
using System.Globalization;

namespace Reelgen.Rendering;

/// <summary>A pose held for a number of frames.</summary>
public readonly record struct PoseRun(PresenterPose Pose, int Frames);

/// <summary>The slow sway of the head, as ffmpeg evaluates it on every frame: offsets in pixels from <c>t</c> in seconds.</summary>
public readonly record struct HeadSway(double AmplitudeX, double PeriodX, double PhaseX, double AmplitudeY, double PeriodY, double PhaseY)
{
    public double X(double seconds) => AmplitudeX * Math.Sin((2 * Math.PI * seconds / PeriodX) + PhaseX);

    public double Y(double seconds) => AmplitudeY * Math.Sin((2 * Math.PI * seconds / PeriodY) + PhaseY);

    /// <summary>The offsets as ffmpeg expressions of <c>t</c> (the layer's own clock starts at <paramref name="startSeconds"/>).</summary>
    public (string X, string Y) Expressions(double startSeconds) =>
        (Expression(AmplitudeX, PeriodX, PhaseX, startSeconds), Expression(AmplitudeY, PeriodY, PhaseY, startSeconds));

    /// <remarks>A slice of a scene that starts after the layer's start has its clock behind the layer's: a negative start.</remarks>
    private static string Expression(double amplitude, double period, double phase, double start) => string.Create(CultureInfo.InvariantCulture,
        $"{amplitude:0.###}*sin(2*PI*(t{(start < 0 ? "+" : "-")}{Math.Abs(start):0.######})/{period:0.###}+{phase:0.####})");
}

/// <summary>
/// What a presenter does on each frame of its track, decided before rendering so the same job always gives the same
/// frames: the mouth follows the phonemes (or the loudness of the speech when no phonemes are known), the eyes
/// blink at seeded intervals, the brows rise on questions and the head nods on stressed words. See docs/presenters.md.
/// </summary>
public static class PresenterMotion
{
    /// <summary>A mouth shape shows this long before its sound is heard, as the lips move before the sound comes out.</summary>
    public const double LeadMs = 40;

    /// <summary>
    /// espeak-ng phoneme mnemonics to mouth shapes; a diphthong moves from its first shape to its second halfway.
    /// Anything not listed (most consonants) is B; pauses are X.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, MouthShape[]> Visemes = new Dictionary<string, MouthShape[]>(StringComparer.Ordinal)
    {
        // Lips closed.
        ["p"] = [MouthShape.A],
        ["b"] = [MouthShape.A],
        ["m"] = [MouthShape.A],
        // Lip on teeth.
        ["f"] = [MouthShape.G],
        ["v"] = [MouthShape.G],
        // Tongue up.
        ["l"] = [MouthShape.H],
        ["L"] = [MouthShape.H],
        ["@L"] = [MouthShape.C, MouthShape.H],
        // Rounded and puckered.
        ["w"] = [MouthShape.F],
        ["u:"] = [MouthShape.F],
        ["U"] = [MouthShape.E],
        ["U@"] = [MouthShape.E, MouthShape.C],
        ["0"] = [MouthShape.E],
        ["O:"] = [MouthShape.E],
        ["O@"] = [MouthShape.E, MouthShape.C],
        ["O"] = [MouthShape.E],
        ["3:"] = [MouthShape.E],
        ["3"] = [MouthShape.E],
        ["oU"] = [MouthShape.E, MouthShape.F],
        ["o@"] = [MouthShape.E, MouthShape.C],
        ["OI"] = [MouthShape.E, MouthShape.B],
        ["aU"] = [MouthShape.D, MouthShape.F],
        ["aU@"] = [MouthShape.D, MouthShape.F],
        // Wide open.
        ["A:"] = [MouthShape.D],
        ["A@"] = [MouthShape.D],
        ["aa"] = [MouthShape.D],
        ["aI"] = [MouthShape.D, MouthShape.B],
        ["aI@"] = [MouthShape.D, MouthShape.C],
        ["a#"] = [MouthShape.D],
        // Open.
        ["a"] = [MouthShape.C],
        ["E"] = [MouthShape.C],
        ["e"] = [MouthShape.C],
        ["@"] = [MouthShape.C],
        ["V"] = [MouthShape.C],
        ["e@"] = [MouthShape.C],
        ["eI"] = [MouthShape.C, MouthShape.B],
        ["@2"] = [MouthShape.C],
        ["@5"] = [MouthShape.C],
        // Spread, teeth nearly together (EE), like most consonants.
        ["i"] = [MouthShape.B],
        ["i:"] = [MouthShape.B],
        ["I"] = [MouthShape.B],
        ["I2"] = [MouthShape.B],
        ["I#"] = [MouthShape.B],
        ["i@"] = [MouthShape.B, MouthShape.C],
        ["i@3"] = [MouthShape.B, MouthShape.C],
        // Silence.
        ["_"] = [MouthShape.X],
        ["_:"] = [MouthShape.X],
        ["_!"] = [MouthShape.X],
        ["||"] = [MouthShape.X],
    };

    /// <summary>The shapes of one phoneme, stress marks and length marks of other languages aside.</summary>
    public static MouthShape[] ShapesOf(string phoneme)
    {
        var p = phoneme.Trim().TrimStart('\'', ',', '%', '=');
        if (p.Length == 0)
            return [MouthShape.X];
        if (Visemes.TryGetValue(p, out var shapes))
            return shapes;
        // Other languages' vowels: judge by their first letter.
        return char.ToLowerInvariant(p[0]) switch
        {
            'a' => [MouthShape.D],
            'e' or 'E' or '@' => [MouthShape.C],
            'i' or 'y' => [MouthShape.B],
            'o' => [MouthShape.E],
            'u' => [MouthShape.F],
            _ => [MouthShape.B],
        };
    }

    /// <summary>
    /// The poses of a presenter track <paramref name="frames"/> long, run-length encoded. Without
    /// <paramref name="speech"/> phonemes the mouth follows the loudness of <paramref name="wavPath"/>; without either
    /// it rests. <paramref name="seed"/> picks blink times, nods and the sway's phases.
    /// </summary>
    public static List<PoseRun> Plan(SpeechTimings? speech, string? wavPath, string script, long frames, int fps, int seed)
    {
        var count = (int)Math.Max(0, frames);
        var mouths = new MouthShape[count];
        if (speech is { Phonemes.Count: > 0 })
            FromPhonemes(mouths, speech.Phonemes, fps);
        else if (wavPath is not null && File.Exists(wavPath))
            FromLoudness(mouths, wavPath, fps, seed);
        var runs = HoldAtLeastTwoFrames(mouths);

        var random = new Random(seed);
        var closed = new bool[count];
        var blink = Math.Max(2, (int)Math.Round(0.12 * fps));
        for (var at = (int)(fps * (0.8 + (random.NextDouble() * 1.5))); at < count; at += (int)(fps * (2 + (random.NextDouble() * 4))))
        {
            for (var i = at; i < Math.Min(count, at + blink); i++)
                closed[i] = true;
        }

        var words = speech?.Words ?? [];
        var browsUp = new bool[count];
        foreach (var (from, to) in QuestionEndings(words, script))
        {
            for (var i = Frame(from, fps); i < Math.Min(count, Frame(to + 250, fps)); i++)
                browsUp[Math.Max(0, i)] = true;
        }

        var nod = new int[count];
        int[] curve = [1, 2, 3, 3, 3, 2, 2, 1, 1, 1];
        var stretch = fps / 30.0;
        var lastNod = double.NegativeInfinity;
        foreach (var word in words)
        {
            if (!Stressed(word) || word.StartMs - lastNod < 2500 || random.NextDouble() < 0.35)
                continue;
            lastNod = word.StartMs;
            var first = Frame(word.StartMs, fps);
            for (var k = 0; k < curve.Length * stretch; k++)
            {
                var i = first + k;
                if (i >= 0 && i < count)
                    nod[i] = curve[Math.Min(curve.Length - 1, (int)(k / stretch))];
            }
        }

        // Every frame's pose; the first frame of a new mouth shape is drawn halfway from the last one.
        var poses = new List<PoseRun>();
        var frame = 0;
        var previous = MouthShape.X;
        foreach (var (shape, length) in runs)
        {
            for (var k = 0; k < length; k++, frame++)
            {
                var easing = k == 0 && shape != previous && length >= 2;
                var pose = new PresenterPose(easing ? previous : shape, shape, easing ? 50 : 100, closed[frame], browsUp[frame], nod[frame]);
                if (pose.From == pose.To)
                    pose = pose with { Blend = 100 };
                if (poses.Count > 0 && poses[^1].Pose == pose)
                    poses[^1] = poses[^1] with { Frames = poses[^1].Frames + 1 };
                else
                    poses.Add(new PoseRun(pose, 1));
            }
            previous = shape;
        }
        return poses;
    }

    /// <summary>The sway for one track: a pixel or two either way at the size the head is drawn, slow and seeded.</summary>
    public static HeadSway Sway(int seed, double headHeightPixels)
    {
        var random = new Random(seed ^ 0x5A5A);
        return new HeadSway(
            Math.Round(headHeightPixels * 0.012, 2), 5.2 + random.NextDouble(), random.NextDouble() * 2 * Math.PI,
            Math.Round(headHeightPixels * 0.006, 2), 3.7 + random.NextDouble(), random.NextDouble() * 2 * Math.PI);
    }

    private static int Frame(double ms, int fps) => (int)Math.Round(ms * fps / 1000.0);

    private static void FromPhonemes(MouthShape[] mouths, IReadOnlyList<SpokenPhoneme> phonemes, int fps)
    {
        foreach (var p in phonemes)
        {
            var shapes = ShapesOf(p.Phoneme);
            var span = (p.EndMs - p.StartMs) / shapes.Length;
            for (var s = 0; s < shapes.Length; s++)
            {
                var from = Frame(p.StartMs + (s * span) - LeadMs, fps);
                var to = Frame(p.StartMs + ((s + 1) * span) - LeadMs, fps);
                for (var i = Math.Max(0, from); i < Math.Min(mouths.Length, to); i++)
                    mouths[i] = shapes[s];
            }
        }
    }

    /// <summary>
    /// When an engine gives no phonemes: the louder a frame of speech, the wider the mouth, with a seeded touch of
    /// rounded and closed shapes so it does not only flap.
    /// </summary>
    private static void FromLoudness(MouthShape[] mouths, string wavPath, int fps, int seed)
    {
        var (samples, rate) = ReadMono(wavPath);
        if (samples.Length == 0 || rate <= 0)
            return;
        var levels = new double[mouths.Length];
        var window = rate / fps;
        for (var i = 0; i < mouths.Length; i++)
        {
            var start = (int)(((i / (double)fps) + (LeadMs / 1000)) * rate);
            double sum = 0;
            var n = 0;
            for (var j = Math.Max(0, start); j < Math.Min(samples.Length, start + window); j++, n++)
                sum += samples[j] * (double)samples[j];
            levels[i] = n == 0 ? 0 : Math.Sqrt(sum / n);
        }
        var loudest = levels.Max();
        if (loudest <= 0)
            return;
        var random = new Random(seed ^ 0x1234);
        for (var i = 0; i < mouths.Length; i++)
        {
            var level = levels[i] / loudest;
            mouths[i] = level switch
            {
                < 0.06 => MouthShape.X,
                < 0.2 => random.NextDouble() < 0.3 ? MouthShape.A : MouthShape.B,
                < 0.45 => random.NextDouble() < 0.25 ? MouthShape.E : MouthShape.C,
                _ => random.NextDouble() < 0.2 ? MouthShape.F : MouthShape.D,
            };
        }
    }

    private static (short[] Samples, int Rate) ReadMono(string path)
    {
        var wav = File.ReadAllBytes(path);
        int rate = 0, channels = 1, bits = 16;
        for (var pos = 12; pos + 8 <= wav.Length;)
        {
            var id = wav.AsSpan(pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(pos + 4, 4));
            if (id.SequenceEqual("fmt "u8) && pos + 24 <= wav.Length)
            {
                channels = Math.Max((short)1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(pos + 10, 2)));
                rate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(pos + 12, 4));
                bits = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(pos + 22, 2));
            }
            if (id.SequenceEqual("data"u8))
            {
                if (bits != 16)
                    return ([], 0);
                var bytes = size <= 0 || pos + 8 + (long)size > wav.Length ? wav.Length - pos - 8 : size;
                var frames = bytes / 2 / channels;
                var samples = new short[frames];
                for (var i = 0; i < frames; i++)
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(pos + 8 + (i * 2 * channels), 2));
                return (samples, rate);
            }
            pos += 8 + Math.Max(0, size) + (size & 1);
        }
        return ([], 0);
    }

    /// <summary>
    /// Runs of equal shapes, none shorter than two frames: a one-frame shape borrows a frame from a longer neighbour,
    /// or gives way to its neighbour when neither can spare one.
    /// </summary>
    internal static List<(MouthShape Shape, int Frames)> HoldAtLeastTwoFrames(MouthShape[] mouths)
    {
        var runs = new List<(MouthShape Shape, int Frames)>();
        foreach (var m in mouths)
        {
            if (runs.Count > 0 && runs[^1].Shape == m)
                runs[^1] = (m, runs[^1].Frames + 1);
            else
                runs.Add((m, 1));
        }
        for (var i = 0; i < runs.Count; i++)
        {
            if (runs[i].Frames >= 2 || runs.Count == 1)
                continue;
            if (i + 1 < runs.Count && runs[i + 1].Frames >= 3)
            {
                runs[i] = (runs[i].Shape, 2);
                runs[i + 1] = (runs[i + 1].Shape, runs[i + 1].Frames - 1);
            }
            else if (i > 0 && runs[i - 1].Frames >= 3)
            {
                runs[i - 1] = (runs[i - 1].Shape, runs[i - 1].Frames - 1);
                runs[i] = (runs[i].Shape, 2);
            }
            else if (i > 0)
            {
                runs[i - 1] = (runs[i - 1].Shape, runs[i - 1].Frames + 1);
                runs.RemoveAt(i--);
            }
            else
            {
                runs[i + 1] = (runs[i + 1].Shape, runs[i + 1].Frames + 1);
                runs.RemoveAt(i--);
            }
        }
        // Giving way can leave two equal runs side by side.
        var merged = new List<(MouthShape Shape, int Frames)>();
        foreach (var r in runs)
        {
            if (merged.Count > 0 && merged[^1].Shape == r.Shape)
                merged[^1] = (r.Shape, merged[^1].Frames + r.Frames);
            else
                merged.Add(r);
        }
        return merged;
    }

    /// <summary>From the third-last word of each question to its end, in ms; the script lends its punctuation when the engine's words have none.</summary>
    private static IEnumerable<(double From, double To)> QuestionEndings(IReadOnlyList<SpokenWord> words, string script)
    {
        if (words.Count == 0)
            yield break;
        var tokens = script.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var texts = tokens.Length == words.Count ? tokens : words.Select(w => w.Text).ToArray();
        var sentenceStart = 0;
        for (var i = 0; i < words.Count; i++)
        {
            var text = texts[i];
            if (text.Contains('?', StringComparison.Ordinal))
                yield return (words[Math.Max(sentenceStart, i - 2)].StartMs, words[i].EndMs);
            if (text.IndexOfAny(['.', '!', '?', ';', ':']) >= 0)
                sentenceStart = i + 1;
        }
    }

    private static readonly HashSet<string> Small = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by", "is", "are", "was",
        "were", "be", "it", "this", "that", "these", "those", "you", "your", "we", "our", "i", "he", "she", "they", "them",
        "will", "can", "each", "every", "into", "over", "than", "then", "there", "their", "about", "which", "what", "when",
    };

    /// <summary>A word likely to carry the stress of its phrase: a longer content word.</summary>
    private static bool Stressed(SpokenWord word)
    {
        var letters = new string(word.Text.Where(char.IsLetter).ToArray());
        return letters.Length >= 5 && !Small.Contains(letters) && word.EndMs - word.StartMs >= 220;
    }
}
