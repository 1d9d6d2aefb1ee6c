using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Reelgen.Server.Shares;

/// <summary>
/// The share page's HTML. Every value from a creative (the name above all) goes through <see cref="Encode"/>; the page
/// has no script, and its one inline style sheet is allowed by hash, so the policy can stay <c>'self'</c> only.
/// </summary>
public static class SharePageHtml
{
    // Encodes &, <, >, quotes and controls; leaves letters of every script readable in the source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Css = """
        :root{color-scheme:dark;--bg:#0e1014;--panel:#171a20;--line:#262a33;--text:#eceef2;--muted:#9aa1ad;--accent:#5b8cff;--accent-hover:#7aa2ff}
        *{box-sizing:border-box}
        html,body{margin:0}
        body{min-height:100vh;display:flex;flex-direction:column;background:radial-gradient(1200px 600px at 50% -200px,#1b2030 0%,var(--bg) 70%) fixed,var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
        main{flex:1;width:100%;max-width:1040px;margin:0 auto;padding:clamp(16px,4vw,48px) clamp(12px,3vw,24px) 24px}
        .player{background:#000;border-radius:14px;overflow:hidden;box-shadow:0 24px 60px rgba(0,0,0,.55),0 0 0 1px var(--line);display:flex;justify-content:center}
        video{display:block;width:100%;height:auto;max-height:78vh;background:#000}
        .details{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:16px 24px;margin-top:22px}
        .title{min-width:0;flex:1 1 320px}
        h1{margin:0;font-size:clamp(1.3rem,2.6vw,1.75rem);line-height:1.25;font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
        .facts{display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0 0;padding:0;list-style:none;color:var(--muted);font-size:.925rem}
        .facts li{display:flex;align-items:center;gap:6px}
        .facts svg{width:15px;height:15px;opacity:.8}
        .download{display:inline-flex;align-items:center;gap:9px;padding:11px 20px;border-radius:10px;background:var(--accent);color:#fff;font-weight:600;text-decoration:none;white-space:nowrap;transition:background .15s}
        .download:hover{background:var(--accent-hover)}
        .download:focus-visible{outline:3px solid #fff;outline-offset:2px}
        .download svg{width:18px;height:18px}
        .empty{max-width:520px;margin:12vh auto 0;text-align:center;padding:40px 28px;background:var(--panel);border:1px solid var(--line);border-radius:16px}
        .empty svg{width:44px;height:44px;color:var(--muted)}
        .empty h1{margin-top:14px}
        .empty p{color:var(--muted);margin:10px 0 0}
        footer{padding:20px 16px 28px;text-align:center;color:var(--muted);font-size:.8rem}
        footer strong{color:var(--text);font-weight:600}
        @media (max-width:560px){.player{border-radius:10px}.download{width:100%;justify-content:center}}
        """;

    /// <summary>Scripts, fonts, frames and connections: none. Media and images: this server. Style: the one sheet above.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; img-src 'self'; media-src 'self'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; base-uri 'none'; form-action 'none'";

    public static string Encode(string value) => Encoder.Encode(value);

    public static string Render(ShareView view)
    {
        var v = view.Video;
        // In-page URLs are relative to /share/ID, so the page works behind any path prefix and under 'self';
        // link previews need absolute ones.
        var key = Uri.EscapeDataString(v.FileKey);
        var file = $"../files/{key}.mp4";
        var shareUrl = view.Absolute($"/share/{Uri.EscapeDataString(v.ShareId)}");
        var fileUrl = view.Absolute($"/files/{key}.mp4");
        var imageUrl = view.Absolute($"/files/{key}.jpg");
        var duration = Duration(v.DurationSeconds);
        var name = Encode(v.Name);
        var description = Encode($"Video · {duration}");

        var html = new StringBuilder(6000);
        html.Append(HeadStart(name));
        html.Append($"""
            <meta name="description" content="{description}">
            <meta property="og:type" content="video.other">
            <meta property="og:site_name" content="Reelgen">
            <meta property="og:title" content="{name}">
            <meta property="og:description" content="{description}">
            <meta property="og:url" content="{Encode(shareUrl)}">
            <meta property="og:video" content="{Encode(fileUrl)}">

            """);
        if (fileUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            html.Append($"<meta property=\"og:video:secure_url\" content=\"{Encode(fileUrl)}\">\n");
        html.Append($"""
            <meta property="og:video:type" content="video/mp4">
            <meta property="og:video:width" content="{v.Width}">
            <meta property="og:video:height" content="{v.Height}">
            <meta property="video:duration" content="{Math.Round(v.DurationSeconds).ToString(CultureInfo.InvariantCulture)}">

            """);
        if (view.HasThumbnail)
        {
            html.Append($"""
                <meta property="og:image" content="{Encode(imageUrl)}">
                <meta property="og:image:type" content="image/jpeg">
                <meta property="og:image:width" content="{v.Width}">
                <meta property="og:image:height" content="{v.Height}">
                <meta property="og:image:alt" content="{name}">
                <meta name="twitter:image" content="{Encode(imageUrl)}">

                """);
        }
        html.Append($"""
            <meta name="twitter:card" content="player">
            <meta name="twitter:title" content="{name}">
            <meta name="twitter:description" content="{description}">
            <meta name="twitter:player" content="{Encode(shareUrl)}">
            <meta name="twitter:player:width" content="{v.Width}">
            <meta name="twitter:player:height" content="{v.Height}">
            <meta name="twitter:player:stream" content="{Encode(fileUrl)}">
            <meta name="twitter:player:stream:content_type" content="video/mp4">
            <style>{Css}</style>
            </head>
            <body>
            <main>
            <div class="player">
            <video controls playsinline preload="metadata" width="{v.Width}" height="{v.Height}"{(view.HasThumbnail ? $" poster=\"../files/{key}.jpg\"" : "")}>
            <source src="{file}" type="video/mp4">

            """);
        if (view.HasCaptions)
            html.Append($"<track kind=\"captions\" src=\"../files/{key}.vtt\" label=\"Captions\">\n");
        html.Append($"""
            <p>Your browser cannot play this video here. <a href="{file}?download=1">Download it</a> instead.</p>
            </video>
            </div>
            <div class="details">
            <div class="title">
            <h1>{name}</h1>
            <ul class="facts">
            <li title="Duration">{ClockIcon}<time datetime="{IsoDuration(v.DurationSeconds)}">{duration}</time></li>
            <li title="Resolution">{SizeIcon}{v.Width} × {v.Height}</li>
            <li title="File size">{FileIcon}{FileSize(v.SizeBytes)}</li>
            <li title="Created">{CalendarIcon}{Created(v.CreatedAt)}</li>
            </ul>
            </div>
            <a class="download" href="{file}?download=1" download>{DownloadIcon}Download</a>
            </div>
            </main>
            {Footer}
            </body>
            </html>

            """);
        return html.ToString();
    }

    /// <summary>The opening of every page, up to its title (<paramref name="encodedTitle"/> is HTML-encoded already).</summary>
    private static string HeadStart(string encodedTitle) => $"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <meta name="robots" content="noindex">
        <link rel="icon" href="favicon.svg" type="image/svg+xml">
        <title>{encodedTitle}</title>

        """;

    /// <summary>The page for an unknown or deleted video: same look, no details about why.</summary>
    public static string NotFound() => HeadStart("Video not found") + $"""
        <style>{Css}</style>
        </head>
        <body>
        <main>
        <div class="empty">
        {MissingIcon}
        <h1>This video isn’t available</h1>
        <p>The link may be incomplete, or the video has been deleted. Ask the person who shared it for a new link.</p>
        </div>
        </main>
        {Footer}
        </body>
        </html>

        """;

    /// <summary>"0:07", "12:30", "1:02:03".</summary>
    public static string Duration(double seconds)
    {
        var total = (long)Math.Max(1, Math.Round(seconds, MidpointRounding.AwayFromZero));
        var t = TimeSpan.FromSeconds(total);
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }

    private static string IsoDuration(double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"PT{Math.Round(seconds, 3)}S");

    public static string FileSize(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GB"),
    };

    private static string Created(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The pages' icon: a play button in the accent colour.</summary>
    public const string Icon = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#5b8cff"/><path d="M12.5 9.5v13l10-6.5z" fill="#fff"/></svg>""";

    private const string Footer = """<footer>Made with <strong>Reelgen</strong></footer>""";

    private const string Svg = """<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">""";

    private const string ClockIcon = Svg + """<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/></svg>""";

    private const string SizeIcon = Svg + """<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M7 9v6M17 9v6"/></svg>""";

    private const string FileIcon = Svg + """<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/></svg>""";

    private const string CalendarIcon = Svg + """<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M16 3v4M8 3v4M3 11h18"/></svg>""";

    private const string DownloadIcon = Svg + """<path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 20h14"/></svg>""";

    private const string MissingIcon = Svg + """<rect x="2" y="5" width="15" height="14" rx="2"/><path d="m17 10 5-3v10l-5-3M3 3l18 18"/></svg>""";
}
