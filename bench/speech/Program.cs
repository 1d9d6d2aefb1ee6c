using System.Diagnostics;
using System.Globalization;
using Reelgen.Rendering;

// Speaks the script of render case (a) (about 150 words) with a few voices of each engine, RUNS times each after one
// warm-up, through SpeechSynthesizer exactly as a render does (RHVoice includes fitting espeak-ng's phonemes into its
// words; every voice includes loudness normalisation and writing the WAV). Prints one markdown table row per voice.
var script = args[0];
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var catalog = new VoiceCatalog();
var speech = new SpeechSynthesizer(catalog);
var work = Directory.CreateTempSubdirectory("reelgen-speech-bench-").FullName;
var text = File.ReadAllText(script).Trim();
string[] wanted = ["clb", "slt", "bdl", "alan", "en-gb", "en-us", "en-GB-RyanNeural", "de"];
var process = Process.GetCurrentProcess();
try
{
    foreach (var id in wanted)
    {
        var voice = catalog.All.FirstOrDefault(v => v.SpeakerId == id);
        if (voice is null)
            continue;
        var wav = Path.Combine(work, "speech.wav");
        var first = await speech.SpeakAsync(text, id, wav, CancellationToken.None);
        var walls = new List<double>();
        var cpus = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await speech.SpeakAsync(text, id, wav, CancellationToken.None);
            walls.Add(clock.Elapsed.TotalSeconds);
            process.Refresh();
            cpus.Add((process.TotalProcessorTime - cpu).TotalSeconds);
        }
        var audio = first.DurationMs / 1000;
        var wall = Median(walls);
        var cpuTime = Median(cpus);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {voice.Engine} | `{id}` | {first.Words.Count} | {first.Phonemes.Count} | {audio:0.0} | {wall:0.000} | {cpuTime:0.000} | {wall * 60 / audio:0.00} | {cpuTime * 60 / audio:0.00} | {audio / wall:0} |"));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
