using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

using SkiaSharp;

namespace Reelgen.Rendering;

/// <summary>A downloaded, checked and probed asset on local disk, with the SHA-256 of the bytes downloaded (hex).</summary>
internal sealed record LocalAsset(string Path, string Format, MediaInfo Info, string Sha256 = "");

/// <summary>
/// Downloads every asset of a render itself, so ffmpeg only ever opens local files: http and https only, through
/// <see cref="SafeHttp"/>, with a size cap and timeouts, redirects followed by hand and checked again, the first
/// bytes matched against the kind the field promises, then probed. The same URL is fetched once per render.
/// </summary>
internal sealed class AssetFetcher(HttpClient client, MediaProbe probe, RenderOptions options, string directory, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Url, MediaKind Kind), Lazy<Task<LocalAsset>>> _assets = new();
    private int _counter;

    // label: who asks, as a person reads it ("scene 2, track 1: imageUrl"); errors start with it.
    public Task<LocalAsset> FetchAsync(string url, MediaKind kind, string label, CancellationToken cancellationToken) =>
        _assets.GetOrAdd((url, kind), key => new Lazy<Task<LocalAsset>>(() => DownloadAsync(key.Url, key.Kind, label, cancellationToken))).Value;

    private async Task<LocalAsset> DownloadAsync(string url, MediaKind kind, string label, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(options.AssetTimeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var ct = timeout.Token;
        var path = System.IO.Path.Combine(directory, "asset-" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture));
        string format;
        string sha256;
        try
        {
            (format, sha256) = await DownloadToFileAsync(url, kind, label, path, ct);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RenderException($"{label}: downloading {Shorten(url)} took longer than {options.AssetTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            throw new RenderException($"{label} {Shorten(url)} could not be fetched: {Reason(ex)}", ex);
        }
        catch (UnsafeAddressException ex)
        {
            throw new RenderException($"{label} {Shorten(url)} was refused: {ex.Message}", ex);
        }
        var named = path + "." + format;
        File.Move(path, named, overwrite: true);
        if (kind == MediaKind.Font)
            return await FontAsync(named, format, label, url, cancellationToken) with { Sha256 = sha256 };
        MediaInfo info;
        try
        {
            // Pictures are measured by the decoder that will draw them, saving an ffprobe process per picture.
            info = kind == MediaKind.Image ? MeasurePicture(named) : await probe.ProbeAsync(named, sha256, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new RenderException($"{label} {Shorten(url)} is not readable {Describe(kind)}: {ex.Message}", ex);
        }
        if (kind is MediaKind.Image or MediaKind.Video && (!info.HasVideo || info.Width <= 0 || info.Height <= 0))
            throw new RenderException($"{label} {Shorten(url)} has no picture in it");
        // Sizes come from the header (pictures) or ffprobe (clips), before anything decodes a frame.
        var limits = options.Limits;
        if (kind == MediaKind.Image && (long)info.Width * info.Height > limits.MaxImagePixels)
            throw new RenderException($"{label} {Shorten(url)} is {info.Width}x{info.Height}, more than the {Megapixels(limits.MaxImagePixels)} megapixels allowed for a picture");
        if (kind == MediaKind.Video && (long)info.Width * info.Height > limits.MaxVideoInputPixels)
            throw new RenderException($"{label} {Shorten(url)} is {info.Width}x{info.Height}, more than the {Megapixels(limits.MaxVideoInputPixels)} megapixels allowed for a video frame");
        if (kind == MediaKind.Video && info.Fps > limits.MaxVideoInputFps)
            throw new RenderException($"{label} {Shorten(url)} runs at {info.Fps:0.##} frames a second, more than the {limits.MaxVideoInputFps:0.##} allowed");
        if (kind is MediaKind.Video or MediaKind.Audio && info.DurationMs > limits.MaxMediaInputSeconds * 1000.0)
            throw new RenderException($"{label} {Shorten(url)} lasts {info.DurationMs / 1000:0.#} s, more than the {limits.MaxMediaInputSeconds} s allowed for a clip or sound");
        if (kind == MediaKind.Audio && !info.HasAudio)
            throw new RenderException($"{label} {Shorten(url)} has no sound in it");
        if (kind != MediaKind.Image && info.DurationMs <= 0)
            throw new RenderException($"{label} {Shorten(url)} has no duration ffprobe can read");
        return new LocalAsset(named, format, info, sha256);
    }

    /// <summary>
    /// A font must open as one: WOFF2 is unpacked to TrueType first (woff2_decompress; the drawing library reads TTF,
    /// OTF and WOFF itself), then the typeface is loaded once to prove it has glyphs.
    /// </summary>
    private async Task<LocalAsset> FontAsync(string path, string format, string label, string url, CancellationToken ct)
    {
        if (format == "woff2")
        {
            var unpacked = await ProcessRunner.RunAsync("woff2_decompress", [path], TimeSpan.FromSeconds(30), ct, time: time);
            if (unpacked.ExitCode != 0)
                throw new RenderException($"{label} {Shorten(url)} is not a readable WOFF2 font: {unpacked.ErrorTail}");
            path = System.IO.Path.ChangeExtension(path, ".ttf");
        }
        using var typeface = File.Exists(path) ? SKTypeface.FromFile(path) : null;
        if (typeface is null || typeface.GlyphCount == 0)
            throw new RenderException($"{label} {Shorten(url)} is not a readable font");
        return new LocalAsset(path, format, new MediaInfo(0, HasVideo: false, HasAudio: false, 0, 0));
    }

    /// <summary>Fonts are small (even a full CJK font is about 20 MB), so they get a tighter cap than other assets.</summary>
    internal const long MaxFontBytes = 50L * 1024 * 1024;

    private long Limit(MediaKind kind) => kind == MediaKind.Font ? Math.Min(MaxFontBytes, options.MaxAssetBytes) : options.MaxAssetBytes;

    private static MediaInfo MeasurePicture(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException("the picture could not be decoded");
        return new MediaInfo(0, HasVideo: true, HasAudio: false, codec.Info.Width, codec.Info.Height);
    }

    private async Task<(string Format, string Sha256)> DownloadToFileAsync(string url, MediaKind kind, string label, string path, CancellationToken ct)
    {
        var uri = new Uri(url);
        for (var redirects = 0; ; redirects++)
        {
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                throw new RenderException($"{label} {Shorten(uri.ToString())} is not an http or https URL");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.UserAgent.ParseAdd("Reelgen/1.0");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                if (redirects >= options.MaxRedirects)
                    throw new RenderException($"{label} {Shorten(url)} redirected more than {options.MaxRedirects} times");
                var location = response.Headers.Location
                    ?? throw new RenderException($"{label} {Shorten(uri.ToString())} answered {status} without a Location");
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }
            if (!response.IsSuccessStatusCode)
                throw new RenderException($"{label} answered {status} {response.ReasonPhrase ?? ((HttpStatusCode)status).ToString()} ({Shorten(uri.ToString())})");
            if (response.Content.Headers.ContentLength is { } length && length > Limit(kind))
                throw new RenderException($"{label} {Shorten(url)} is {Megabytes(length)}, more than the {Megabytes(Limit(kind))} allowed");
            return await CopyCheckedAsync(response, kind, label, url, path, ct);
        }
    }

    /// <summary>Copies the body to <paramref name="path"/>, checking it on the way; returns its format and the SHA-256 of its bytes.</summary>
    private async Task<(string Format, string Sha256)> CopyCheckedAsync(HttpResponseMessage response, MediaKind kind, string label, string url, string path, CancellationToken ct)
    {
        await using var source = await response.Content.ReadAsStreamAsync(ct);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        var head = new byte[MediaSniffer.HeaderLength * 4];
        var headLength = 0;
        string? format = null;
        var playlist = new PlaylistScan();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > Limit(kind))
                throw new RenderException($"{label} {Shorten(url)} is more than the {Megabytes(Limit(kind))} allowed");
            if (format is null)
            {
                var take = Math.Min(read, head.Length - headLength);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                headLength += take;
                if (headLength == head.Length)
                    format = Check(head, headLength, kind, label, url);
            }
            playlist.Feed(buffer.AsSpan(0, read));
            if (playlist.Found is { } found)
                throw new RenderException($"{label} {Shorten(url)} contains {found}, which is refused: a media file may not name other files");
            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return (format ?? Check(head, headLength, kind, label, url), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static string Check(byte[] head, int length, MediaKind kind, string label, string url) =>
        MediaSniffer.Recognise(head.AsSpan(0, length), kind)
        ?? throw new RenderException(length == 0
            ? $"{label} {Shorten(url)} is empty"
            : $"{label} {Shorten(url)} is not {Describe(kind)} (its first bytes match no supported format)");

    private static string Describe(MediaKind kind) => kind switch
    {
        MediaKind.Image => "an image (PNG, JPEG, WebP or GIF)",
        MediaKind.Video => "a video (MP4, MOV, WebM, MKV, AVI, MPEG, GIF)",
        MediaKind.Font => "a font (TTF, OTF, WOFF or WOFF2)",
        _ => "audio (MP3, WAV, AAC, M4A, OGG, FLAC, or a video with sound)",
    };

    private static string Reason(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is UnsafeAddressException)
                return e.Message;
        }
        return ex.InnerException?.Message ?? ex.Message;
    }

    private static string Megapixels(long pixels) => (pixels / 1e6).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB");

    internal static string Shorten(string url) => url.Length <= 120 ? url : url[..120] + "…";
}
