namespace Reelgen.Rendering;

/// <summary>What an asset URL claims to hold.</summary>
internal enum MediaKind
{
    Image,
    Video,
    Audio,
    Font,
}

/// <summary>
/// Checks the first bytes of a download against the kind of media its field promises, before any decoder sees it.
/// Text formats (playlists, concat lists, SVG) never pass: they could make a decoder open other files.
/// </summary>
internal static class MediaSniffer
{
    public const int HeaderLength = 64;

    /// <summary>The container recognised, or null when the bytes are not media of that kind.</summary>
    public static string? Recognise(ReadOnlySpan<byte> head, MediaKind kind) => kind switch
    {
        MediaKind.Image => ImageFormat(head),
        MediaKind.Video => VideoFormat(head) ?? (ImageFormat(head) == "gif" ? "gif" : null),
        MediaKind.Audio => AudioFormat(head) ?? VideoFormat(head),
        MediaKind.Font => FontFormat(head),
        _ => null,
    };

    private static string? ImageFormat(ReadOnlySpan<byte> h)
    {
        if (h.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return "png";
        if (h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return "jpeg";
        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8))
            return "gif";
        if (Riff(h, "WEBP"u8))
            return "webp";
        return null;
    }

    private static string? VideoFormat(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 12 && h[4..8].SequenceEqual("ftyp"u8))
            return "mp4";
        if (h.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
            return "matroska";
        if (Riff(h, "AVI "u8))
            return "avi";
        if (h.StartsWith("FLV"u8))
            return "flv";
        if (h.StartsWith("OggS"u8))
            return "ogg";
        if (h.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0xBA]))
            return "mpeg";
        if (h.Length >= 189 && h[0] == 0x47 && h[188] == 0x47)
            return "mpegts";
        // QuickTime files may start with other atoms than ftyp.
        if (h.Length >= 8 && (h[4..8].SequenceEqual("moov"u8) || h[4..8].SequenceEqual("mdat"u8) || h[4..8].SequenceEqual("wide"u8) || h[4..8].SequenceEqual("free"u8)))
            return "mov";
        return null;
    }

    private static string? AudioFormat(ReadOnlySpan<byte> h)
    {
        if (Riff(h, "WAVE"u8))
            return "wav";
        if (h.StartsWith("ID3"u8))
            return "mp3";
        if (h.StartsWith("fLaC"u8))
            return "flac";
        if (h.StartsWith("OggS"u8))
            return "ogg";
        if (h.StartsWith("FORM"u8) && h.Length >= 12 && (h[8..12].SequenceEqual("AIFF"u8) || h[8..12].SequenceEqual("AIFC"u8)))
            return "aiff";
        // MPEG audio frame sync: MP3 (layer III) or AAC in ADTS.
        if (h.Length >= 2 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0)
            return (h[1] & 0x06) == 0 ? "aac" : "mp3";
        return null;
    }

    /// <summary>
    /// The ffmpeg demuxer for a recognised container. Every input is opened with it (<c>-f</c>), never probed: probing
    /// skips an ID3 header and would take a playlist or concat list behind it for what it is.
    /// </summary>
    public static string Demuxer(string format) => format switch
    {
        "png" or "jpeg" or "webp" => format + "_pipe",
        "mp4" or "mov" or "matroska" or "avi" or "flv" or "ogg" or "mpeg" or "mpegts" or "gif"
            or "wav" or "mp3" or "flac" or "aiff" or "aac" => format,
        _ => throw new RenderException($"no demuxer is known for '{format}'"),
    };

    /// <summary>
    /// The input options of a local media file for ffmpeg and ffprobe: its demuxer, taken from the file's extension
    /// (the fetcher names every download after its sniffed format; speech is written as .wav), and local files only.
    /// </summary>
    public static string[] InputOptions(string path) =>
        ["-f", Demuxer(Path.GetExtension(path).TrimStart('.')), "-protocol_whitelist", "file"];

    private static string? FontFormat(ReadOnlySpan<byte> h)
    {
        if (h.StartsWith((ReadOnlySpan<byte>)[0x00, 0x01, 0x00, 0x00]) || h.StartsWith("true"u8))
            return "ttf";
        if (h.StartsWith("OTTO"u8))
            return "otf";
        if (h.StartsWith("ttcf"u8))
            return "ttc";
        if (h.StartsWith("wOFF"u8))
            return "woff";
        if (h.StartsWith("wOF2"u8))
            return "woff2";
        return null;
    }

    private static bool Riff(ReadOnlySpan<byte> h, ReadOnlySpan<byte> form) =>
        h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual(form);
}

/// <summary>
/// Looks through a whole download, chunk by chunk, for the text of a playlist or concat list. A demuxer that reads
/// one (HLS, ffconcat, DASH) opens the files it names, so such text anywhere in a media file refuses it, whatever
/// its first bytes claim.
/// </summary>
internal sealed class PlaylistScan
{
    private static readonly (byte[] Bytes, string Name)[] Markers =
    [
        ("#EXTM3U"u8.ToArray(), "an HLS playlist (#EXTM3U)"),
        ("#EXT-X-"u8.ToArray(), "an HLS playlist (#EXT-X-)"),
        ("#EXTINF"u8.ToArray(), "an HLS playlist (#EXTINF)"),
        ("ffconcat version"u8.ToArray(), "an ffconcat list"),
        ("<MPD xmlns"u8.ToArray(), "a DASH manifest"),
    ];

    // A marker split between two chunks is found in the seam: the last bytes of one chunk and the first of the next.
    private static readonly int Overlap = Markers.Max(m => m.Bytes.Length) - 1;
    private readonly byte[] _carry = new byte[Overlap];
    private int _carryLength;

    /// <summary>What the bytes so far hold, or null when no playlist text was seen.</summary>
    public string? Found { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (Found is not null || chunk.IsEmpty)
            return;
        var head = Math.Min(chunk.Length, Overlap);
        Span<byte> seam = stackalloc byte[2 * Overlap];
        _carry.AsSpan(0, _carryLength).CopyTo(seam);
        chunk[..head].CopyTo(seam[_carryLength..]);
        var seamLength = _carryLength + head;
        Found = Find(seam[..seamLength]) ?? Find(chunk);
        var keep = chunk.Length >= Overlap ? chunk[^Overlap..] : seam[Math.Max(0, seamLength - Overlap)..seamLength];
        keep.CopyTo(_carry);
        _carryLength = keep.Length;
    }

    private static string? Find(ReadOnlySpan<byte> bytes)
    {
        foreach (var (marker, name) in Markers)
        {
            if (bytes.IndexOf(marker) >= 0)
                return name;
        }
        return null;
    }
}
