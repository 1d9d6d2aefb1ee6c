using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Reelgen.Rendering;

/// <summary>
/// Joins the scenes' segments and the whole video's sound into the video's MP4 in this process, copying their
/// samples as they are (nothing is decoded) and writing the sample tables anew: what the concat demuxer and a copying
/// ffmpeg did, without starting a process (about 0.2 s of every video made from kept scenes). It joins only what the
/// renderer's own ffmpeg writes: one H.264 track per segment starting on a keyframe, all with the same sample
/// description, and one AAC track for the whole sound; anything else is declined with the reason, and the caller
/// joins with ffmpeg. The output is a function of the inputs' bytes alone (same inputs, same file), moov first
/// (faststart), the picture and the sound interleaved in half-second chunks.
/// </summary>
internal static class Mp4Join
{
    private const uint MovieTimescale = 1000;

    /// <summary>Chunks hold this much of a track (in seconds): a player reads picture and sound from nearby bytes.</summary>
    private const double ChunkSeconds = 0.5;

    /// <summary>Writes <paramref name="output"/> and returns null, or returns why these inputs are not joined here (nothing is written then).</summary>
    public static string? TryJoin(IReadOnlyList<string> segments, string sound, string output)
    {
        var parts = new List<Track>();
        foreach (var path in segments)
        {
            var track = Track.Read(path, out var problem);
            if (track is null)
                return $"{Path.GetFileName(path)}: {problem}";
            if (track.Handler != "vide")
                return $"{Path.GetFileName(path)}: not a picture track";
            if (track.Sync is { } sync && !sync[0])
                return $"{Path.GetFileName(path)}: does not start on a keyframe";
            if (track.HasGroups)
                return $"{Path.GetFileName(path)}: has sample groups";
            if (track.Samples.Length == 0 || FirstShown(track) != track.MediaTime)
                return $"{Path.GetFileName(path)}: its edit does not start at its first frame";
            if (parts.Count > 0 && (track.Timescale != parts[0].Timescale || !track.EntryWithoutBitrate.AsSpan().SequenceEqual(parts[0].EntryWithoutBitrate)))
                return $"{Path.GetFileName(path)}: encoded unlike the first segment";
            parts.Add(track);
        }
        if (parts.Count == 0)
            return "no segments";
        var audio = Track.Read(sound, out var soundProblem);
        if (audio is null)
            return $"{Path.GetFileName(sound)}: {soundProblem}";
        if (audio.Handler != "soun")
            return $"{Path.GetFileName(sound)}: not a sound track";

        var video = Concatenate(parts);
        var layout = Layout(video, audio);
        var ftyp = Ftyp();
        var payload = layout.Sum(c => c.Bytes);
        var mdatHeader = payload + 8 <= uint.MaxValue ? 8 : 16;
        // The moov's size does not depend on the offsets it holds, only on whether they need 64 bits.
        var moov = Moov(video, audio, layout, 0, wide: false);
        var dataStart = ftyp.Length + moov.Length + mdatHeader;
        var wide = dataStart + payload > uint.MaxValue;
        if (wide)
            dataStart = ftyp.Length + Moov(video, audio, layout, 0, wide: true).Length + mdatHeader;
        moov = Moov(video, audio, layout, dataStart, wide);

        using var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(ftyp);
        file.Write(moov);
        Span<byte> header = stackalloc byte[16];
        if (mdatHeader == 8)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(payload + 8));
            "mdat"u8.CopyTo(header[4..]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, 1);
            "mdat"u8.CopyTo(header[4..]);
            BinaryPrimitives.WriteUInt64BigEndian(header[8..], (ulong)(payload + 16));
        }
        file.Write(header[..mdatHeader]);
        CopySamples(file, layout);
        return null;
    }

    /// <summary>
    /// The segments as one track. A segment's first frame shows at its own media time <c>d</c> (its edit list), later
    /// than it is decoded when frames are reordered (B-frames; <c>d</c> is 0 for a segment too short for them). On
    /// the joined track every frame is decoded where it was in its segment, after the segments before it, and every
    /// composition offset grows by <c>D - d</c>, with <c>D</c> the largest <c>d</c> of all: each segment then shows
    /// from where the previous one ends, and one edit from <c>D</c> starts the whole video on its first frame.
    /// </summary>
    private static Track Concatenate(List<Track> parts)
    {
        var delay = parts.Max(p => p.MediaTime);
        var first = parts[0];
        var joined = new Track
        {
            Path = "",
            Handler = first.Handler,
            Timescale = first.Timescale,
            MediaTime = delay,
            Tkhd = first.Tkhd,
            Mdhd = first.Mdhd,
            Hdlr = first.Hdlr,
            MediaHeader = first.MediaHeader,
            Dinf = first.Dinf,
            EntryWithoutBitrate = first.EntryWithoutBitrate,
            Samples = [.. parts.SelectMany(p => p.Samples.Select(s => s with { CompositionOffset = (int)(s.CompositionOffset + delay - p.MediaTime) }))],
            Sync = parts.All(p => p.Sync is null) ? null : [.. parts.SelectMany(p => (IEnumerable<bool>?)p.Sync ?? Enumerable.Repeat(true, p.Samples.Length))],
        };
        // The bit rate ffmpeg writes for a copied track: its bytes over its length.
        var bytes = joined.Samples.Sum(s => (long)s.Size);
        var ticks = joined.Samples.Sum(s => (long)s.Duration);
        joined.Bitrate = ticks == 0 ? 0 : (uint)Math.Min(uint.MaxValue, bytes * 8 * joined.Timescale / ticks);
        return joined;
    }

    /// <summary>One chunk of the output: a run of one track's samples, written one after the other.</summary>
    private sealed record Chunk(Track Track, int First, int Count, long Offset, long Bytes);

    /// <summary>
    /// The picture's and the sound's samples in half-second chunks, in time order (the picture's first at the same
    /// time), with each chunk's place in the mdat's payload.
    /// </summary>
    private static List<Chunk> Layout(Track video, Track audio)
    {
        var runs = new List<(double Start, int Order, Track Track, int First, int Count)>();
        foreach (var (track, order) in new[] { (video, 0), (audio, 1) })
        {
            long dts = 0;
            var window = -1L;
            var first = 0;
            for (var i = 0; i < track.Samples.Length; i++)
            {
                var w = (long)Math.Floor(dts / (double)track.Timescale / ChunkSeconds);
                if (w != window)
                {
                    if (i > first)
                        runs.Add((window * ChunkSeconds, order, track, first, i - first));
                    (window, first) = (w, i);
                }
                dts += track.Samples[i].Duration;
            }
            if (track.Samples.Length > first)
                runs.Add((window * ChunkSeconds, order, track, first, track.Samples.Length - first));
        }
        var chunks = new List<Chunk>();
        long offset = 0;
        foreach (var run in runs.OrderBy(r => r.Start).ThenBy(r => r.Order))
        {
            long bytes = 0;
            for (var i = run.First; i < run.First + run.Count; i++)
                bytes += run.Track.Samples[i].Size;
            chunks.Add(new Chunk(run.Track, run.First, run.Count, offset, bytes));
            offset += bytes;
        }
        return chunks;
    }

    private static void CopySamples(FileStream output, List<Chunk> chunks)
    {
        var handles = new Dictionary<string, SafeFileHandle>(StringComparer.Ordinal);
        var buffer = new byte[1 << 20];
        try
        {
            foreach (var chunk in chunks)
            {
                var samples = chunk.Track.Samples;
                var i = chunk.First;
                while (i < chunk.First + chunk.Count)
                {
                    // Samples that lie one after the other in their file are copied in one go.
                    var (path, start, length) = (samples[i].Path, samples[i].Offset, (long)samples[i].Size);
                    i++;
                    while (i < chunk.First + chunk.Count && samples[i].Path == path && samples[i].Offset == start + length)
                        length += samples[i++].Size;
                    if (!handles.TryGetValue(path, out var handle))
                        handles[path] = handle = File.OpenHandle(path);
                    for (long done = 0; done < length;)
                    {
                        var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)), start + done);
                        if (read <= 0)
                            throw new RenderException($"{Path.GetFileName(path)} ends before its samples do");
                        output.Write(buffer, 0, read);
                        done += read;
                    }
                }
            }
        }
        finally
        {
            foreach (var handle in handles.Values)
                handle.Dispose();
        }
    }

    /// <summary>The file type of a joined video: the brands ffmpeg's MP4 muxer writes for H.264 and AAC.</summary>
    private static byte[] Ftyp()
    {
        var w = new BoxWriter();
        using (w.Box("ftyp"))
        {
            w.Bytes("isom"u8);
            w.U32(512);
            w.Bytes("isomiso2avc1mp41"u8);
        }
        return w.ToArray();
    }

    private static byte[] Moov(Track video, Track audio, List<Chunk> layout, long dataStart, bool wide)
    {
        var durations = new[] { video, audio }.Select(t => MovieTicks(PresentedTicks(t), t.Timescale)).ToArray();
        var w = new BoxWriter();
        using (w.Box("moov"))
        {
            using (w.Box("mvhd"))
            {
                w.U32(0); // version 0, no flags
                w.U32(0); // creation and modification time: none, so the same inputs give the same bytes
                w.U32(0);
                w.U32(MovieTimescale);
                w.U32((uint)durations.Max());
                w.U32(0x00010000); // rate 1.0
                w.U16(0x0100); // volume 1.0
                w.Zeros(10);
                Matrix(w);
                w.Zeros(24);
                w.U32(3); // next track id
            }
            Trak(w, video, 1, durations[0], layout, dataStart, wide);
            Trak(w, audio, 2, durations[1], layout, dataStart, wide);
        }
        return w.ToArray();
    }

    /// <summary>
    /// How long a track shows, in its own ticks: from its edit's start to the end of the sample that shows last (a
    /// picture's reordered frames show later than they are decoded; a sound's priming lies before the edit).
    /// </summary>
    private static long PresentedTicks(Track track)
    {
        long dts = 0, end = 0;
        foreach (var s in track.Samples)
        {
            end = Math.Max(end, dts + s.CompositionOffset + s.Duration);
            dts += s.Duration;
        }
        return end - track.MediaTime;
    }

    /// <summary>When a track's first frame shows, in its media ticks: the earliest decode time plus composition offset.</summary>
    private static long FirstShown(Track track)
    {
        long dts = 0, first = long.MaxValue;
        foreach (var s in track.Samples)
        {
            first = Math.Min(first, dts + s.CompositionOffset);
            dts += s.Duration;
        }
        return first;
    }

    /// <summary>Ticks of a track's timescale in the movie's, rounded up: an edit never ends before its last sample.</summary>
    private static long MovieTicks(long ticks, uint timescale) => ((ticks * MovieTimescale) + timescale - 1) / timescale;

    private static void Matrix(BoxWriter w)
    {
        foreach (var v in new uint[] { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 })
            w.U32(v);
    }

    private static void Trak(BoxWriter w, Track track, uint id, long duration, List<Chunk> layout, long dataStart, bool wide)
    {
        using var trak = w.Box("trak");
        // The source's track header (flags, volume, size) with this file's track id and length.
        var tkhd = track.Tkhd.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(20), id);
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(28), (uint)duration);
        w.Bytes(tkhd);
        using (w.Box("edts"))
        using (w.Box("elst"))
        {
            w.U32(0);
            w.U32(1);
            w.U32((uint)duration);
            w.U32((uint)track.MediaTime);
            w.U32(0x00010000);
        }
        using (w.Box("mdia"))
        {
            var mdhd = track.Mdhd.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(mdhd.AsSpan(24), (uint)track.Samples.Sum(s => (long)s.Duration));
            w.Bytes(mdhd);
            w.Bytes(track.Hdlr);
            using (w.Box("minf"))
            {
                w.Bytes(track.MediaHeader);
                w.Bytes(track.Dinf);
                using (w.Box("stbl"))
                    SampleTables(w, track, layout, dataStart, wide);
            }
        }
    }

    private static void SampleTables(BoxWriter w, Track track, List<Chunk> layout, long dataStart, bool wide)
    {
        var samples = track.Samples;
        using (w.Box("stsd"))
        {
            w.U32(0);
            w.U32(1);
            var entry = track.EntryWithoutBitrate;
            using (w.Box(Encoding.ASCII.GetString(entry, 4, 4)))
            {
                w.Bytes(entry.AsSpan(8));
                // A joined picture's bit rate is the whole track's; the sound is copied whole, bit rate and all.
                if (track.Bitrate is { } bitrate)
                {
                    using (w.Box("btrt"))
                    {
                        w.U32(0);
                        w.U32(bitrate);
                        w.U32(bitrate);
                    }
                }
                else if (track.BitrateBox is { } kept)
                {
                    w.Bytes(kept);
                }
            }
        }
        var stts = Runs(samples.Select(s => s.Duration));
        using (w.Box("stts"))
        {
            w.U32(0);
            w.U32((uint)stts.Count);
            foreach (var (value, count) in stts)
            {
                w.U32((uint)count);
                w.U32(value);
            }
        }
        if (track.Sync is { } sync && sync.Any(s => !s))
        {
            using (w.Box("stss"))
            {
                w.U32(0);
                w.U32((uint)sync.Count(s => s));
                for (var i = 0; i < sync.Length; i++)
                {
                    if (sync[i])
                        w.U32((uint)(i + 1));
                }
            }
        }
        if (samples.Any(s => s.CompositionOffset != 0))
        {
            var ctts = Runs(samples.Select(s => s.CompositionOffset));
            var negative = samples.Any(s => s.CompositionOffset < 0);
            using (w.Box("ctts"))
            {
                w.U32(negative ? 0x01000000u : 0);
                w.U32((uint)ctts.Count);
                foreach (var (value, count) in ctts)
                {
                    w.U32((uint)count);
                    w.U32(unchecked((uint)value));
                }
            }
        }
        var chunks = layout.Where(c => c.Track == track).ToList();
        var stsc = new List<(int FirstChunk, int Count)>();
        for (var c = 0; c < chunks.Count; c++)
        {
            if (stsc.Count == 0 || stsc[^1].Count != chunks[c].Count)
                stsc.Add((c + 1, chunks[c].Count));
        }
        using (w.Box("stsc"))
        {
            w.U32(0);
            w.U32((uint)stsc.Count);
            foreach (var (firstChunk, count) in stsc)
            {
                w.U32((uint)firstChunk);
                w.U32((uint)count);
                w.U32(1);
            }
        }
        using (w.Box("stsz"))
        {
            w.U32(0);
            var same = samples.All(s => s.Size == samples[0].Size);
            w.U32(same ? samples[0].Size : 0);
            w.U32((uint)samples.Length);
            if (!same)
            {
                foreach (var s in samples)
                    w.U32(s.Size);
            }
        }
        using (w.Box(wide ? "co64" : "stco"))
        {
            w.U32(0);
            w.U32((uint)chunks.Count);
            foreach (var chunk in chunks)
            {
                if (wide)
                    w.U64((ulong)(dataStart + chunk.Offset));
                else
                    w.U32((uint)(dataStart + chunk.Offset));
            }
        }
        // Sample groups (AAC's pre-roll) name samples by number, which copying the whole sound keeps.
        foreach (var group in track.Groups)
            w.Bytes(group);
    }

    private static List<(T Value, int Count)> Runs<T>(IEnumerable<T> values)
        where T : IEquatable<T>
    {
        var runs = new List<(T Value, int Count)>();
        foreach (var v in values)
        {
            if (runs.Count > 0 && runs[^1].Value.Equals(v))
                runs[^1] = (v, runs[^1].Count + 1);
            else
                runs.Add((v, 1));
        }
        return runs;
    }

    /// <summary>One sample: where its bytes are, how long it lasts and how much later than decoded it shows (media ticks).</summary>
    private readonly record struct Sample(string Path, long Offset, uint Size, uint Duration, int CompositionOffset);

    /// <summary>The one track of an MP4 the renderer's ffmpeg wrote, read from its moov.</summary>
    private sealed class Track
    {
        public required string Path { get; init; }
        public required string Handler { get; init; }
        public required uint Timescale { get; init; }

        /// <summary>Where the presentation starts in the media (the edit list's one entry).</summary>
        public required long MediaTime { get; init; }

        public required byte[] Tkhd { get; init; }
        public required byte[] Mdhd { get; init; }
        public required byte[] Hdlr { get; init; }
        public required byte[] MediaHeader { get; init; }
        public required byte[] Dinf { get; init; }

        /// <summary>The sample entry (avc1, mp4a) without its bit-rate box, which differs between segments.</summary>
        public required byte[] EntryWithoutBitrate { get; init; }

        public byte[]? BitrateBox { get; init; }
        public uint? Bitrate { get; set; }
        public required Sample[] Samples { get; init; }

        /// <summary>Which samples are keyframes; null when all are.</summary>
        public bool[]? Sync { get; init; }

        public List<byte[]> Groups { get; init; } = [];
        public bool HasGroups => Groups.Count > 0;

        public static Track? Read(string path, out string problem)
        {
            problem = "";
            byte[] moov;
            using (var file = File.OpenRead(path))
            {
                var found = FindTopLevel(file, "moov");
                if (found is not { } at)
                {
                    problem = "no moov";
                    return null;
                }
                moov = new byte[at.Length];
                file.Position = at.Offset;
                file.ReadExactly(moov);
            }
            var traks = Children(moov).Where(b => b.Type == "trak").ToList();
            if (traks.Count != 1)
            {
                problem = $"{traks.Count} tracks, not one";
                return null;
            }
            var trak = traks[0].Body;
            var tkhd = Child(trak, "tkhd");
            var mdia = Child(trak, "mdia");
            var minf = mdia is null ? null : Child(mdia.Value.Body, "minf");
            var stbl = minf is null ? null : Child(minf.Value.Body, "stbl");
            var mdhd = mdia is null ? null : Child(mdia.Value.Body, "mdhd");
            var hdlr = mdia is null ? null : Child(mdia.Value.Body, "hdlr");
            if (tkhd is null || mdhd is null || hdlr is null || minf is null || stbl is null)
            {
                problem = "a box of the track is missing";
                return null;
            }
            if (tkhd.Value.Body.Span[0] != 0 || mdhd.Value.Body.Span[0] != 0)
            {
                problem = "64-bit track or media header";
                return null;
            }
            var handler = Encoding.ASCII.GetString(hdlr.Value.Body.Span.Slice(8, 4));
            var timescale = BinaryPrimitives.ReadUInt32BigEndian(mdhd.Value.Body.Span[12..]);

            long mediaTime = 0;
            if (Child(trak, "edts") is { } edts)
            {
                var elst = Child(edts.Body, "elst") is { } list ? list.Body.Span : default;
                if (elst.Length < 20 || elst[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(elst[4..]) != 1
                    || BinaryPrimitives.ReadInt32BigEndian(elst[12..]) < 0 || BinaryPrimitives.ReadUInt32BigEndian(elst[16..]) != 0x00010000)
                {
                    problem = "an edit list other than one plain edit";
                    return null;
                }
                mediaTime = BinaryPrimitives.ReadInt32BigEndian(elst[12..]);
            }

            ReadOnlyMemory<byte>? stsd = null, stts = null, ctts = null, stsc = null, stsz = null, stco = null, stss = null;
            var co64 = false;
            var groups = new List<byte[]>();
            foreach (var box in Children(stbl.Value.Body))
            {
                switch (box.Type)
                {
                    case "stsd": stsd = box.Body; break;
                    case "stts": stts = box.Body; break;
                    case "ctts": ctts = box.Body; break;
                    case "stsc": stsc = box.Body; break;
                    case "stsz": stsz = box.Body; break;
                    case "stco": stco = box.Body; break;
                    case "co64": (stco, co64) = (box.Body, true); break;
                    case "stss": stss = box.Body; break;
                    case "sgpd" or "sbgp": groups.Add(box.Whole.ToArray()); break;
                    default:
                        problem = $"an unknown sample table box '{box.Type}'";
                        return null;
                }
            }
            if (stsd is null || stts is null || stsc is null || stsz is null || stco is null)
            {
                problem = "a sample table is missing";
                return null;
            }
            var entries = Children(stsd.Value[8..]).ToList();
            if (BinaryPrimitives.ReadUInt32BigEndian(stsd.Value.Span[4..]) != 1 || entries.Count != 1 || entries[0].Type is not ("avc1" or "mp4a"))
            {
                problem = "a sample description other than one avc1 or mp4a entry";
                return null;
            }
            // The fixed fields of a visual (78 bytes) or a version-0 audio (28 bytes) sample entry, then its boxes.
            var fixedLength = entries[0].Type == "avc1" ? 78 : 28;
            var entry = entries[0].Body;
            if (entries[0].Type == "mp4a" && BinaryPrimitives.ReadUInt16BigEndian(entry.Span[8..]) != 0)
            {
                problem = "a version 1 or 2 audio sample entry";
                return null;
            }
            var withoutBitrate = new BoxWriter();
            byte[]? bitrateBox = null;
            using (withoutBitrate.Box(entries[0].Type))
            {
                withoutBitrate.Bytes(entry.Span[..fixedLength]);
                foreach (var child in Children(entry[fixedLength..]))
                {
                    if (child.Type == "btrt")
                        bitrateBox = child.Whole.ToArray();
                    else
                        withoutBitrate.Bytes(child.Whole.Span);
                }
            }

            var samples = ReadSamples(path, stts.Value.Span, ctts is { } composition ? composition.Span : default, stsc.Value.Span, stsz.Value.Span, stco.Value.Span, co64, out problem);
            if (samples is null)
                return null;
            bool[]? sync = null;
            if (stss is { } keyframes)
            {
                sync = new bool[samples.Length];
                var count = BinaryPrimitives.ReadUInt32BigEndian(keyframes.Span[4..]);
                for (var k = 0; k < count; k++)
                {
                    var n = BinaryPrimitives.ReadUInt32BigEndian(keyframes.Span[(8 + (4 * k))..]);
                    if (n < 1 || n > samples.Length)
                    {
                        problem = "a keyframe past the last sample";
                        return null;
                    }
                    sync[n - 1] = true;
                }
            }
            var mediaHeader = Children(minf.Value.Body).FirstOrDefault(b => b.Type is "vmhd" or "smhd");
            var dinf = Child(minf.Value.Body, "dinf");
            if (mediaHeader.Type is null || dinf is null)
            {
                problem = "no media header or data reference";
                return null;
            }
            return new Track
            {
                Path = path,
                Handler = handler,
                Timescale = timescale,
                MediaTime = mediaTime,
                Tkhd = tkhd.Value.Whole.ToArray(),
                Mdhd = mdhd.Value.Whole.ToArray(),
                Hdlr = hdlr.Value.Whole.ToArray(),
                MediaHeader = mediaHeader.Whole.ToArray(),
                Dinf = dinf.Value.Whole.ToArray(),
                EntryWithoutBitrate = withoutBitrate.ToArray(),
                BitrateBox = bitrateBox,
                Samples = samples,
                Sync = sync,
                Groups = groups,
            };
        }

        private static Sample[]? ReadSamples(
            string path, ReadOnlySpan<byte> stts, ReadOnlySpan<byte> ctts, ReadOnlySpan<byte> stsc, ReadOnlySpan<byte> stsz, ReadOnlySpan<byte> stco, bool co64, out string problem)
        {
            problem = "";
            var constant = BinaryPrimitives.ReadUInt32BigEndian(stsz[4..]);
            var count = (int)BinaryPrimitives.ReadUInt32BigEndian(stsz[8..]);
            var sizes = new uint[count];
            for (var i = 0; i < count; i++)
                sizes[i] = constant != 0 ? constant : BinaryPrimitives.ReadUInt32BigEndian(stsz[(12 + (4 * i))..]);

            var durations = Expand(stts, count, signed: false, out var sttsCount);
            var cttsCount = count;
            var offsets = ctts.IsEmpty ? new long[count] : Expand(ctts, count, signed: true, out cttsCount);
            if (sttsCount != count || cttsCount != count)
            {
                problem = "sample tables of different lengths";
                return null;
            }

            var chunkCount = (int)BinaryPrimitives.ReadUInt32BigEndian(stco[4..]);
            var chunkOffsets = new long[chunkCount];
            for (var k = 0; k < chunkCount; k++)
                chunkOffsets[k] = co64 ? (long)BinaryPrimitives.ReadUInt64BigEndian(stco[(8 + (8 * k))..]) : BinaryPrimitives.ReadUInt32BigEndian(stco[(8 + (4 * k))..]);
            var runs = (int)BinaryPrimitives.ReadUInt32BigEndian(stsc[4..]);
            var samples = new Sample[count];
            var sample = 0;
            for (var r = 0; r < runs; r++)
            {
                var firstChunk = (int)BinaryPrimitives.ReadUInt32BigEndian(stsc[(8 + (12 * r))..]) - 1;
                var perChunk = (int)BinaryPrimitives.ReadUInt32BigEndian(stsc[(12 + (12 * r))..]);
                var endChunk = r + 1 < runs ? (int)BinaryPrimitives.ReadUInt32BigEndian(stsc[(8 + (12 * (r + 1)))..]) - 1 : chunkCount;
                for (var k = firstChunk; k < endChunk && k < chunkCount; k++)
                {
                    var at = chunkOffsets[k];
                    for (var j = 0; j < perChunk && sample < count; j++, sample++)
                    {
                        samples[sample] = new Sample(path, at, sizes[sample], (uint)durations[sample], (int)offsets[sample]);
                        at += sizes[sample];
                    }
                }
            }
            if (sample != count)
            {
                problem = "chunks that do not hold every sample";
                return null;
            }
            return samples;
        }

        /// <summary>A run-length table (count, value) as one value per sample.</summary>
        private static long[] Expand(ReadOnlySpan<byte> table, int max, bool signed, out int total)
        {
            var values = new long[max];
            total = 0;
            var entries = BinaryPrimitives.ReadUInt32BigEndian(table[4..]);
            for (var e = 0; e < entries; e++)
            {
                var n = BinaryPrimitives.ReadUInt32BigEndian(table[(8 + (8 * e))..]);
                var v = signed ? BinaryPrimitives.ReadInt32BigEndian(table[(12 + (8 * e))..]) : (long)BinaryPrimitives.ReadUInt32BigEndian(table[(12 + (8 * e))..]);
                for (var k = 0; k < n; k++, total++)
                {
                    if (total < max)
                        values[total] = v;
                }
            }
            return values;
        }

        private static (long Offset, long Length)? FindTopLevel(FileStream file, string type)
        {
            Span<byte> header = stackalloc byte[16];
            long at = 0;
            while (at + 8 <= file.Length)
            {
                file.Position = at;
                file.ReadExactly(header[..8]);
                long size = BinaryPrimitives.ReadUInt32BigEndian(header);
                var headerLength = 8;
                if (size == 1)
                {
                    file.ReadExactly(header.Slice(8, 8));
                    size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
                    headerLength = 16;
                }
                else if (size == 0)
                {
                    size = file.Length - at;
                }
                if (size < headerLength || at + size > file.Length)
                    return null;
                if (Encoding.ASCII.GetString(header.Slice(4, 4)) == type)
                    return (at + headerLength, size - headerLength);
                at += size;
            }
            return null;
        }
    }

    /// <summary>A box inside a box already read: its type, its body and the whole box with its header.</summary>
    private readonly record struct Box(string Type, ReadOnlyMemory<byte> Body, ReadOnlyMemory<byte> Whole);

    private static Box? Child(ReadOnlyMemory<byte> body, string type)
    {
        foreach (var box in Children(body))
        {
            if (box.Type == type)
                return box;
        }
        return null;
    }

    private static IEnumerable<Box> Children(ReadOnlyMemory<byte> body)
    {
        var at = 0;
        while (at + 8 <= body.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(body.Span[at..]);
            if (size < 8 || at + size > body.Length)
                yield break;
            yield return new Box(Encoding.ASCII.GetString(body.Span.Slice(at + 4, 4)), body.Slice(at + 8, size - 8), body.Slice(at, size));
            at += size;
        }
    }

    /// <summary>Writes big-endian boxes; a box's size is filled in when its <c>using</c> ends.</summary>
    private sealed class BoxWriter
    {
        private byte[] _buffer = new byte[4096];
        private int _length;

        public IDisposable Box(string type)
        {
            var start = _length;
            U32(0);
            Bytes(Encoding.ASCII.GetBytes(type));
            return new Closer(this, start);
        }

        public void U16(ushort v) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), v);

        public void U32(uint v) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), v);

        public void U64(ulong v) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), v);

        public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

        public void Zeros(int count) => Take(count).Clear();

        public byte[] ToArray() => _buffer[.._length];

        private Span<byte> Take(int count)
        {
            if (_length + count > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }

        private sealed class Closer(BoxWriter writer, int start) : IDisposable
        {
            public void Dispose() => BinaryPrimitives.WriteUInt32BigEndian(writer._buffer.AsSpan(start), (uint)(writer._length - start));
        }
    }
}
