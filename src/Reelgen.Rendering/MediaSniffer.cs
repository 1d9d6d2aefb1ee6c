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
