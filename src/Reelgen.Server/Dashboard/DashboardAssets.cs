using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Reelgen.Server.Shares;

namespace Reelgen.Server.Dashboard;

/// <summary>
/// The dashboard's style sheet, script and icon, built into the assembly (nothing from a CDN). Pages link them with a
/// hash of their content, so a browser may keep them for a year and still never runs an old script with a new page.
/// </summary>
public static class DashboardAssets
{
    private sealed record Asset(byte[] Content, string ContentType, string Version);

    private static readonly Dictionary<string, Asset> Assets = new(StringComparer.Ordinal)
    {
        ["dashboard.css"] = Load("dashboard.css", "text/css; charset=utf-8"),
        ["dashboard.js"] = Load("dashboard.js", "text/javascript; charset=utf-8"),
        ["favicon.svg"] = Make(System.Text.Encoding.UTF8.GetBytes(SharePageHtml.Icon), "image/svg+xml"),
    };

    /// <summary>The URL of an asset under <paramref name="dashboardBase"/>, versioned by its content.</summary>
    public static string Url(string dashboardBase, string name) => $"{dashboardBase}/assets/{name}?v={Assets[name].Version}";

    public static Results<FileContentHttpResult, NotFound> Get(string name, HttpContext http)
    {
        if (!Assets.TryGetValue(name, out var asset))
            return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.File(asset.Content, asset.ContentType);
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream($"Reelgen.Server.Dashboard.{name}")
            ?? throw new InvalidOperationException($"the dashboard's {name} is not built into the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Make(copy.ToArray(), contentType);
    }

    private static Asset Make(byte[] content, string contentType) =>
        new(content, contentType, Convert.ToHexStringLower(SHA256.HashData(content))[..12]);
}
