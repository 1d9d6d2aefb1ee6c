namespace Reelgen.Rendering;

/// <summary>
/// The bound of a cache directory (speech, scenes): entries are files named <c>KEY.EXT</c>, an entry's recency is
/// the last-write time of its marker file (touched on every read), and past the bound the least recently used
/// entries are deleted, marker first, down to 90 % so a full cache does not evict on every store. Temporary files
/// (<c>*.tmp</c>) left by a writer that died before renaming them are deleted after an hour.
/// </summary>
internal static class CacheFiles
{
    public static void Evict(string directory, long maxBytes, string markerExtension)
    {
        var files = new DirectoryInfo(directory).GetFiles();
        foreach (var stale in files.Where(f => f.Extension == ".tmp" && f.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)))
            Delete(stale);
        var total = files.Sum(f => f.Length);
        if (total <= maxBytes)
            return;
        var companions = files.Where(f => f.Extension is not ".tmp" && f.Extension != markerExtension)
            .ToLookup(f => Path.GetFileNameWithoutExtension(f.Name), StringComparer.Ordinal);
        foreach (var marker in files.Where(f => f.Extension == markerExtension).OrderBy(f => f.LastWriteTimeUtc))
        {
            if (total <= maxBytes * 0.9)
                break;
            // The marker goes first: a reader that finds it then finds its companions too, or finds nothing.
            total -= Delete(marker);
            foreach (var companion in companions[Path.GetFileNameWithoutExtension(marker.Name)])
                total -= Delete(companion);
        }
    }

    /// <summary>A name beside <paramref name="finalPath"/> that no other writer uses, for writing before the rename.</summary>
    public static string TemporaryPath(string finalPath) => $"{finalPath}.{Guid.NewGuid():N}.tmp";

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
}
