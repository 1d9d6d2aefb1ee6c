using System.Net.Http.Headers;
using Microsoft.Playwright;
using Reelgen.Server.Tests.Support;
using Xunit.Abstractions;

namespace Reelgen.Server.Tests;

/// <summary>
/// The share page in a real browser (Debian's chromium, driven by Playwright) against a real Kestrel port: the
/// player plays, the captions show, the page obeys its own security policy. Screenshots are kept as test artifacts
/// (see <see cref="Browser"/>).
/// </summary>
public sealed class SharePageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_browser_plays_the_shared_video_with_captions_and_reads_its_link_preview()
    {
        var port = Browser.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = new ReelgenApp(s => s["Reelgen:PublicBaseUrl"] = baseUrl);
        app.UseKestrel(port);
        app.StartServer();
        using var api = new HttpClient { BaseAddress = new Uri($"{baseUrl}/api/v1/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReelgenApp.Token);
        var video = await api.RenderAsync(SharedVideos.Presented(
            name: "Welcome to the team — onboarding, part 1", first: "Hi, and welcome to the team! Let's get you set up.", width: 1280, height: 720));
        var shareUrl = (string)video["shareUrl"]!;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright, output);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add($"console: {m.Text}"); };
        page.Response += (_, r) => { if (r.Status >= 400) problems.Add($"{r.Status} {r.Url}"); };
        // A media element drops a range request it no longer needs when it seeks; that is the browser's choice, not a fault.
        page.RequestFailed += (_, r) =>
        {
            if (!(r.ResourceType == "media" && r.Failure == "net::ERR_ABORTED"))
                problems.Add($"failed: {r.Url} {r.Failure}");
        };

        var response = await page.GotoAsync(shareUrl);
        Assert.Equal(200, response!.Status);
        Assert.Equal("Welcome to the team — onboarding, part 1", await page.TitleAsync());
        Assert.Equal("Welcome to the team — onboarding, part 1", await page.Locator("h1").InnerTextAsync());

        // The link preview a chat app or social network would build.
        Assert.Equal("Welcome to the team — onboarding, part 1", await Meta(page, "og:title"));
        Assert.Equal("video.other", await Meta(page, "og:type"));
        Assert.Equal((string?)video["publicUrl"], await Meta(page, "og:video"));
        Assert.Equal("video/mp4", await Meta(page, "og:video:type"));
        Assert.Equal("1280", await Meta(page, "og:video:width"));
        Assert.Equal("720", await Meta(page, "og:video:height"));
        Assert.Equal((string?)video["thumbnailUrl"], await Meta(page, "og:image"));
        Assert.Equal("player", await Meta(page, "twitter:card"));
        Assert.Equal(shareUrl, await Meta(page, "twitter:player"));

        // The poster is shown before playing, and it is the thumbnail.
        Assert.True(await page.EvaluateAsync<bool>("""
            async () => { const img = new Image(); img.src = document.querySelector('video').poster; await img.decode(); return img.naturalWidth === 1280; }
            """));
        await Screenshot(page, "share-page-poster.png");

        // Play muted (autoplay rules allow it) with the captions on, and watch the clock move.
        var started = await page.EvaluateAsync<double>("""
            async () => {
              const v = document.querySelector('video');
              v.textTracks[0].mode = 'showing';
              v.muted = true;
              await v.play();
              return v.currentTime;
            }
            """);
        await page.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 0.5", null, new() { Timeout = 10_000 });
        var later = await page.EvaluateAsync<double>("() => document.querySelector('video').currentTime");
        Assert.True(later > started, $"currentTime did not advance: {started} then {later}");
        Assert.Equal(2.4, await page.EvaluateAsync<double>("() => document.querySelector('video').duration"), 1);

        // Stop on the first caption for the picture, and check the browser parsed it.
        var cue = await page.EvaluateAsync<string>("""
            async () => {
              const v = document.querySelector('video');
              v.pause();
              v.currentTime = 0.6;
              await new Promise(r => v.addEventListener('seeked', r, { once: true }));
              const cues = v.textTracks[0].activeCues;
              return cues.length ? cues[0].text : '';
            }
            """);
        // Captions are word-timed: at 0.6 s the first sentence shows.
        Assert.Equal("Hi, and welcome to the team!", cue);
        await page.WaitForTimeoutAsync(300);
        await Screenshot(page, "share-page-playing.png");

        var download = page.Locator("a.download");
        Assert.Equal($"../files/{Path.GetFileName(new Uri((string)video["publicUrl"]!).AbsolutePath)}?download=1", await download.GetAttributeAsync("href"));

        await page.SetViewportSizeAsync(390, 844);
        await Screenshot(page, "share-page-phone.png");

        Assert.Empty(problems);

        // Without JavaScript the page still offers the player and the download.
        await using var noScript = await browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 800, Height = 600 } });
        var plain = await noScript.NewPageAsync();
        Assert.Equal(200, (await plain.GotoAsync(shareUrl))!.Status);
        Assert.Equal(1, await plain.Locator("video[controls] source[type='video/mp4']").CountAsync());
        Assert.True(await plain.Locator("a.download").IsVisibleAsync());

        var missing = await plain.GotoAsync($"{baseUrl}/share/00000000000000000000000000000000");
        Assert.Equal(404, missing!.Status);
        Assert.Equal("This video isn’t available", await plain.Locator("h1").InnerTextAsync());
        await Screenshot(plain, "share-page-not-found.png");
    }

    private static Task<string?> Meta(IPage page, string key) =>
        page.Locator($"meta[property='{key}'], meta[name='{key}']").GetAttributeAsync("content");

    private Task Screenshot(IPage page, string name) => Browser.ScreenshotAsync(page, name, output);
}
