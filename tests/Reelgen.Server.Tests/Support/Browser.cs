using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Reelgen.Server.Tests.Support;

/// <summary>
/// Debian's chromium driven by Playwright, for the pages people look at. Screenshots are kept as test artifacts
/// (<c>$REELGEN_TEST_ARTIFACTS</c>, default <c>artifacts/</c> next to the test assembly).
/// </summary>
public static class Browser
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, ITestOutputHelper output)
    {
        var chromium = Environment.GetEnvironmentVariable("REELGEN_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"No browser at {chromium}: install Debian's chromium (apt-get install -y chromium; ./test.sh does) or set REELGEN_TEST_CHROMIUM.");
        output.WriteLine($"browser: {chromium}");
        return await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
    }

    public static async Task ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        var directory = Environment.GetEnvironmentVariable("REELGEN_TEST_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
