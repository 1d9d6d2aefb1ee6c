using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class VoiceSampleTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    [Fact]
    public async Task Every_voice_names_its_engine_and_a_sample_that_is_audible_speech_made_once()
    {
        using var list = JsonDocument.Parse(await _app.V1Client().GetStringAsync("assets/voices"));
        var voices = list.RootElement.EnumerateArray().ToList();
        Assert.All(voices, v =>
        {
            Assert.Contains(v.GetProperty("engine").GetString(), new[] { "rhvoice", "espeak-ng" });
            Assert.StartsWith("http://reelgen.test/voices/", v.GetProperty("sample").GetString(), StringComparison.Ordinal);
        });

        // A voice of each engine there is, an Azure-style id and a language other than English.
        string Sample(string id) => voices.Single(v => v.GetProperty("speakerId").GetString() == id).GetProperty("sample").GetString()!;
        List<string> ids = ["en-GB-RyanNeural", "de", voices.First(v => v.GetProperty("engine").GetString() == "espeak-ng").GetProperty("speakerId").GetString()!];
        if (voices.Any(v => v.GetProperty("speakerId").GetString() == "clb"))
            ids.Add("clb");
        var anonymous = _app.CreateClient();
        foreach (var id in ids)
        {
            using var response = await anonymous.GetAsync(new Uri(Sample(id)).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
            var (seconds, rmsDb) = Level(await response.Content.ReadAsByteArrayAsync());
            Assert.InRange(seconds, 1.5, 10);
            Assert.True(rmsDb > -30, $"{id}: the sample's level is {rmsDb:0.#} dBFS");
        }

        // Made once: the clips lie in the data directory, and asking again answers the same bytes.
        var files = Directory.GetFiles(Path.Combine(_app.DataDirectory, "voice-samples"), "*.wav");
        Assert.InRange(files.Length, 2, ids.Count);
        var written = files.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var again = await anonymous.GetByteArrayAsync(new Uri(Sample("de")).PathAndQuery);
        Assert.Equal(written, Directory.GetFiles(Path.Combine(_app.DataDirectory, "voice-samples"), "*.wav").ToDictionary(f => f, File.GetLastWriteTimeUtc));
        Assert.Contains(files, f => File.ReadAllBytes(f).AsSpan().SequenceEqual(again));

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/voices/no-such-voice/sample.wav")).StatusCode);
    }

    /// <summary>Length in seconds and RMS level in dBFS of a 16-bit mono PCM WAV (the 44-byte header Reelgen writes).</summary>
    private static (double Seconds, double RmsDb) Level(byte[] wav)
    {
        Assert.True(wav.AsSpan(0, 4).SequenceEqual("RIFF"u8) && wav.AsSpan(8, 4).SequenceEqual("WAVE"u8), "a WAV file");
        var rate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24));
        var samples = (wav.Length - 44) / 2;
        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            double s = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + (i * 2)));
            sum += s * s;
        }
        var rms = Math.Sqrt(sum / Math.Max(1, samples)) / 32768;
        return (samples / (double)rate, 20 * Math.Log10(Math.Max(rms, 1e-9)));
    }

    public void Dispose() => _app.Dispose();
}
