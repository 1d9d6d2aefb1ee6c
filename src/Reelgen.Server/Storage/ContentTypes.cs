namespace Reelgen.Server.Storage;

/// <summary>The media type of each kind of stored file.</summary>
public static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.Ordinal)
    {
        [".mp4"] = "video/mp4",
        [".jpg"] = "image/jpeg",
        [".vtt"] = "text/vtt; charset=utf-8",
        [".srt"] = "application/x-subrip; charset=utf-8",
    };

    public static string For(string extension) => ByExtension.GetValueOrDefault(extension, "application/octet-stream");

    public static bool IsStored(string extension) => ByExtension.ContainsKey(extension);
}
