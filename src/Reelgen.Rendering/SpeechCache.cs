using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reelgen.Rendering;

/// <summary>
/// Speech kept across renders: the same script in the same voice is spoken once, then copied from here. An entry is
/// two files named by the SHA-256 of what determines the speech (format version, engine, engine voice, speaker id,
/// text): the WAV and its timings as JSON. Each is written under a temporary name and renamed into place, the WAV
/// first, so a reader (in this process, another worker, or another machine on shared storage) that finds the timings
/// finds a whole WAV beside them; one that finds neither, or loses the WAV to eviction, speaks the script itself.
/// Reading an entry touches its timings file, and the least recently used entries are deleted once the directory
/// holds more than the configured bytes.
/// </summary>
internal sealed class SpeechCache(string directory, long maxBytes)
{
    /// <summary>Bump when the speech samples or timings change for the same input (normalisation, engines' use).</summary>
    private const string Format = "speech-1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock _evicting = new();

    public static string Key(string engine, string engineVoice, string speakerId, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Format, engine, engineVoice, speakerId, text))));

    /// <summary>Copies the entry's WAV to <paramref name="wavPath"/> and returns its timings; null when there is none.</summary>
    public async Task<SpeechTimings?> TryGetAsync(string key, string wavPath, CancellationToken ct)
    {
        var (wav, timings) = Paths(key);
        try
        {
            var stored = JsonSerializer.Deserialize<SpeechTimings>(await File.ReadAllBytesAsync(timings, ct), Json);
            if (stored is null)
                return null;
            File.Copy(wav, wavPath, overwrite: true);
            File.SetLastWriteTimeUtc(timings, DateTime.UtcNow);
            return stored with { WavPath = wavPath };
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // Never written, evicted meanwhile, or left by another version: speak it again.
            return null;
        }
    }

    public async Task StoreAsync(string key, SpeechTimings spoken, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var (wav, timings) = Paths(key);
        var temporary = CacheFiles.TemporaryPath(wav);
        File.Copy(spoken.WavPath, temporary, overwrite: true);
        File.Move(temporary, wav, overwrite: true);
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(spoken with { WavPath = "" }, Json), ct);
        File.Move(temporary, timings, overwrite: true);
        Evict();
    }

    /// <summary>Deletes the least recently used entries until the directory is under its bound again.</summary>
    private void Evict()
    {
        if (!_evicting.TryEnter())
            return;
        try
        {
            // The timings are the marker: a reader then never finds timings without their WAV.
            CacheFiles.Evict(directory, maxBytes, ".json");
        }
        finally
        {
            _evicting.Exit();
        }
    }

    private (string Wav, string Timings) Paths(string key) => (Path.Combine(directory, key + ".wav"), Path.Combine(directory, key + ".json"));
}
