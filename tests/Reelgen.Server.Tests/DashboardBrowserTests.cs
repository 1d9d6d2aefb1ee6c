using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Reelgen.Server.Tests.Support;
using Xunit.Abstractions;

namespace Reelgen.Server.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's chromium through Playwright) against a real Kestrel port and a real
/// callback receiver: sign in, submit, watch the job finish live, play the video, redeliver its callback, on a
/// desktop and a phone screen. Screenshots are kept as test artifacts (see <see cref="Browser"/>).
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    // Kept in sessionStorage, which survives the reload a finished job's page makes: every live-progress event that
    // arrived, and every value the page's progress bar was given by its script.
    private const string Recorder = """
        (() => {
          const log = line => { const seen = JSON.parse(sessionStorage.getItem('seen') || '[]'); seen.push(line); sessionStorage.setItem('seen', JSON.stringify(seen)); };
          const Native = window.EventSource;
          window.EventSource = function (url, options) {
            const stream = new Native(url, options);
            for (const type of ['progress', 'done'])
              stream.addEventListener(type, e => { const d = JSON.parse(e.data); log(`event:${type}:${d.status}:${d.progress}`); });
            return stream;
          };
          document.addEventListener('DOMContentLoaded', () => {
            const card = document.querySelector('[data-live-job]');
            if (!card) return;
            new MutationObserver(() => log(`bar:${card.dataset.status}:${card.querySelector('progress').value}`))
              .observe(card, { subtree: true, attributes: true, attributeFilter: ['value', 'data-status'] });
          });
        })();
        """;

    [Fact]
    public async Task An_operator_signs_in_submits_a_sample_watches_it_finish_plays_it_and_redelivers_its_callback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var port = Browser.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:PublicBaseUrl"] = baseUrl;
            s["Reelgen:Network:AllowPrivateAddresses"] = "true";
        });
        app.UseKestrel(port);
        app.StartServer();

        // A job that fails (its picture is not there), submitted through the API before anyone looks.
        using var api = new HttpClient { BaseAddress = new Uri($"{baseUrl}/api/v1/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReelgenApp.Token);
        var failing = JsonNode.Parse(JsonSerializer.Serialize(Creatives.ColourSlide(name: "Product shot (missing picture)")))!.AsObject();
        failing["videoCreative"]!["scenes"]![0]!["tracks"] = new JsonArray(new JsonObject
        {
            ["type"] = "image",
            ["imageUrl"] = new Uri(receiver.BaseAddress, "/missing.png").ToString(),
            ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 },
            ["size"] = new JsonObject { ["width"] = 320, ["height"] = 240 },
        });
        var (failedJob, _) = await api.SubmitAsync(failing);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright, output);
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await context.AddInitScriptAsync(Recorder);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add($"console: {m.Text}"); };
        page.Response += (_, r) => { if (r.Status >= 400) problems.Add($"{r.Status} {r.Request.Method} {r.Url}"); };
        page.RequestFailed += (_, r) =>
        {
            // A media element drops a range request it no longer needs, and a stream is cut when its page reloads.
            if (!(r.Failure == "net::ERR_ABORTED" && (r.ResourceType is "media" or "eventsource" || r.Url.EndsWith("/events", StringComparison.Ordinal))))
                problems.Add($"failed: {r.Url} {r.Failure}");
        };

        // Not signed in: sent to sign in. A wrong token is refused there.
        await page.GotoAsync($"{baseUrl}/dashboard");
        Assert.Equal($"{baseUrl}/dashboard/sign-in", page.Url);
        await page.FillAsync("#token", "rg_wrong_token_of_no_workspace_0123456789");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("That token is not valid", await page.Locator(".alert.error").InnerTextAsync());
        await Shot(page, "dashboard-sign-in.png");
        problems.RemoveAll(p => p.StartsWith("401 POST", StringComparison.Ordinal) || p.Contains("401 (Unauthorized)", StringComparison.Ordinal));

        await page.FillAsync("#token", ReelgenApp.Token);
        await page.ClickAsync("button[type=submit]");
        Assert.Equal($"{baseUrl}/dashboard", page.Url);
        Assert.Equal("default", await page.Locator(".workspace").InnerTextAsync());
        // The failed job shows why (whether it had failed by the time the page came, or the page saw it fail).
        var failedItem = page.Locator($".job[data-job='{failedJob}']");
        await failedItem.Locator(".alert.error").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("Failed", await failedItem.Locator(".badge").InnerTextAsync());
        Assert.Contains("missing.png", await failedItem.Locator(".alert.error").InnerTextAsync());

        // The form starts with a sample; a broken job is refused naming the field, then a tiny one is queued.
        await page.ClickAsync("text=New video");
        Assert.Contains("\"Dashboard sample\"", await page.InputValueAsync("#job"));
        await page.FillAsync("#job", """{ "videoCreative": { "settings": { "videoSize": { "width": 320, "height": 240 } }, "scenes": [ { "tracks": [] } ] } }""");
        await page.ClickAsync("text=Queue job");
        Assert.Contains("videoCreative.scenes[0]", await page.Locator(".alert.error").InnerTextAsync());
        await Shot(page, "dashboard-new-refused.png");
        problems.RemoveAll(p => p.StartsWith("400 POST", StringComparison.Ordinal) || p.Contains("400 (Bad Request)", StringComparison.Ordinal));
        var job = JsonNode.Parse(JsonSerializer.Serialize(Creatives.ColourSlide(durationMs: 1500, color: "#D03030", name: "Spring campaign — teaser")))!.AsObject();
        job["callback"] = receiver.Url;
        await page.FillAsync("#job", job.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await page.ClickAsync("text=Queue job");
        Assert.Matches($"^{baseUrl}/dashboard/jobs/[0-9a-f-]+$", page.Url);
        var jobId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // The page follows the job live and redraws itself once it is over.
        await page.WaitForSelectorAsync("video", new() { Timeout = 60_000 });
        Assert.Equal("Finished", await page.Locator(".job-card .badge").InnerTextAsync());
        Assert.Equal("100%", await page.Locator(".job-card .pct").InnerTextAsync());
        var seen = await page.EvaluateAsync<string[]>("() => JSON.parse(sessionStorage.getItem('seen') || '[]')");
        output.WriteLine("seen: " + string.Join(", ", seen));
        Assert.Equal("event:done:finished:100", seen.Last(s => s.StartsWith("event:", StringComparison.Ordinal)));
        Assert.Contains("bar:finished:100", seen);

        // The video plays inline, from the public file URL, and the share link is the video's.
        var apiJob = (await api.GetFromJsonAsync<JsonObject>($"video-generation-jobs/{jobId}"))!;
        var video = (await api.GetFromJsonAsync<JsonObject>($"generated-videos/{(string)apiJob["videoId"]!}"))!;
        Assert.Equal((string?)video["shareUrl"], await page.InputValueAsync("#share-url"));
        Assert.Equal(new Uri((string)video["publicUrl"]!).AbsolutePath, await page.Locator("video").GetAttributeAsync("src"));
        var started = await page.EvaluateAsync<double>("""
            async () => { const v = document.querySelector('video'); v.muted = true; await v.play(); return v.currentTime; }
            """);
        await page.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 0.4", null, new() { Timeout = 10_000 });
        Assert.True(await page.EvaluateAsync<int>("() => document.querySelector('video').readyState") >= 2);
        Assert.True(await page.EvaluateAsync<double>("() => document.querySelector('video').currentTime") > started);
        Assert.Equal(1.5, await page.EvaluateAsync<double>("() => document.querySelector('video').duration"), 1);
        await page.EvaluateAsync("""
            async () => { const v = document.querySelector('video'); v.pause(); v.currentTime = 0.7; await new Promise(r => v.addEventListener('seeked', r, { once: true })); }
            """);

        // The callback went out once; redelivering sends it again with the same webhook-id.
        var first = await receiver.NextAsync();
        await page.ReloadAsync();
        await page.WaitForSelectorAsync(".attempts td.ok");
        Assert.Equal("Delivered", await page.Locator(".delivery .badge").InnerTextAsync());
        await page.ClickAsync("text=Redeliver callback");
        Assert.Contains("queued to be sent again", await page.Locator(".alert.success").InnerTextAsync());
        var again = await receiver.NextAsync();
        Assert.Equal(first.Id, again.Id);
        await page.GotoAsync($"{baseUrl}/dashboard/jobs/{jobId}");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.attempts tbody tr').length === 2", null, new() { Timeout = 10_000 });
        await WaitForVideoAsync(page);
        await Shot(page, "dashboard-job.png");

        // The list: the job finished, with its thumbnail and timings.
        await page.ClickAsync("nav.crumbs a");
        var item = page.Locator($".job[data-job='{jobId}']");
        Assert.Equal("Finished", await item.Locator(".badge").InnerTextAsync());
        Assert.Equal("Spring campaign — teaser", await item.Locator(".job-name").InnerTextAsync());
        Assert.Contains("Took", await item.Locator(".meta").InnerTextAsync());
        await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)");
        await Shot(page, "dashboard-jobs.png");

        // A phone: one column, nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await Shot(page, "dashboard-jobs-phone.png");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the job list is wider than a phone");
        await page.GotoAsync($"{baseUrl}/dashboard/jobs/{jobId}");
        await WaitForVideoAsync(page);
        await Shot(page, "dashboard-job-phone.png");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the job page is wider than a phone");

        // Signing out ends the session.
        await page.ClickAsync("text=Sign out");
        Assert.Equal($"{baseUrl}/dashboard/sign-in", page.Url);
        await page.GotoAsync($"{baseUrl}/dashboard/jobs/{jobId}");
        Assert.Equal($"{baseUrl}/dashboard/sign-in", page.Url);

        Assert.Empty(problems);
    }

    private static async Task WaitForVideoAsync(IPage page) =>
        await page.WaitForFunctionAsync("""
            async () => {
              const v = document.querySelector('video');
              if (!v) return false;
              v.currentTime = 0.7;
              await new Promise(r => v.addEventListener('seeked', r, { once: true }));
              return v.readyState >= 2;
            }
            """, null, new() { Timeout = 10_000 });

    private Task Shot(IPage page, string name) => Browser.ScreenshotAsync(page, name, output);
}
