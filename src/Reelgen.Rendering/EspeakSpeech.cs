using System.Buffers.Binary;
using System.Diagnostics;

namespace Reelgen.Rendering;

/// <summary>
/// Text to speech with espeak-ng, the baseline engine. This class is the seam for a better engine: the renderer
/// only needs "speaker id and script in, WAV file and its length out".
/// </summary>
public sealed class EspeakSpeech(VoiceCatalog voices, string espeakPath = "espeak-ng")
{
    /// <summary>Speaks <paramref name="text"/> with <paramref name="speakerId"/> into a WAV file and returns its length in milliseconds.</summary>
    public async Task<double> SynthesizeAsync(string text, string speakerId, string wavPath, CancellationToken cancellationToken)
    {
        var voice = voices.EspeakVoiceFor(speakerId) ?? throw new RenderException($"'{speakerId}' is not a known voice; see GET /assets/voices");
        // The script goes through a file, so a script that starts with '-' is never read as an option.
        var scriptPath = Path.ChangeExtension(wavPath, ".txt");
        await File.WriteAllTextAsync(scriptPath, text, cancellationToken);
        var psi = new ProcessStartInfo(espeakPath) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-v", voice, "-b", "1", "-w", wavPath, "-f", scriptPath })
            psi.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new RenderException("espeak-ng could not be started");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new RenderException($"espeak-ng could not be started ({espeakPath}): {ex.Message}", ex);
        }
        using (process)
        {
            using var kill = cancellationToken.Register(() => ProcessKiller.Kill(process));
            var stderr = await process.StandardError.ReadToEndAsync(CancellationToken.None);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            if (process.ExitCode != 0 || !File.Exists(wavPath))
                throw new RenderException($"espeak-ng failed for voice {speakerId}: {stderr.Trim()}");
        }
        return WavDurationMs(await File.ReadAllBytesAsync(wavPath, cancellationToken));
    }

    /// <summary>The length of a PCM WAV from its header: data bytes over bytes per second.</summary>
    internal static double WavDurationMs(ReadOnlySpan<byte> wav)
    {
        if (wav.Length < 12 || !wav.StartsWith("RIFF"u8) || !wav[8..12].SequenceEqual("WAVE"u8))
            throw new RenderException("the speech engine wrote something that is not a WAV file");
        var byteRate = 0;
        for (var pos = 12; pos + 8 <= wav.Length;)
        {
            var id = wav.Slice(pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.Slice(pos + 4, 4));
            if (id.SequenceEqual("fmt "u8) && pos + 16 <= wav.Length)
                byteRate = BinaryPrimitives.ReadInt32LittleEndian(wav.Slice(pos + 16, 4));
            if (id.SequenceEqual("data"u8))
            {
                // A streamed WAV may leave the size at 0 or -1; the rest of the file is the data then.
                var dataBytes = size <= 0 || pos + 8 + (long)size > wav.Length ? wav.Length - pos - 8 : size;
                return byteRate > 0 ? dataBytes * 1000.0 / byteRate : 0;
            }
            pos += 8 + Math.Max(0, size) + (size & 1);
        }
        throw new RenderException("the speech engine wrote a WAV file without sound data");
    }
}
