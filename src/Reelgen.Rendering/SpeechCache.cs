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
        var temporary = Path.Combine(directory, $"{key}.{Guid.NewGuid():N}.tmp");
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
            var files = new DirectoryInfo(directory).GetFiles();
            // Temporary files of a writer that died before renaming them.
            foreach (var stale in files.Where(f => f.Extension == ".tmp" && f.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)))
                Delete(stale);
            var total = files.Sum(f => f.Length);
            if (total <= maxBytes)
                return;
            var wavs = files.Where(f => f.Extension == ".wav").ToDictionary(f => Path.GetFileNameWithoutExtension(f.Name));
            // Down to 90 %, so a full cache does not evict on every store.
            foreach (var entry in files.Where(f => f.Extension == ".json").OrderBy(f => f.LastWriteTimeUtc))
            {
                if (total <= maxBytes * 0.9)
                    break;
                var name = Path.GetFileNameWithoutExtension(entry.Name);
                // The timings go first: a reader then never finds timings without their WAV.
                total -= Delete(entry);
                if (wavs.TryGetValue(name, out var wav))
                    total -= Delete(wav);
            }
        }
        finally
        {
            _evicting.Exit();
        }
    }

    private static long Delete(FileInfo file)
    {
        var length = file.Length;
        try
        {
            file.Delete();
            return length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private (string Wav, string Timings) Paths(string key) => (Path.Combine(directory, key + ".wav"), Path.Combine(directory, key + ".json"));
}
