using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenTelemetry.Trace;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// Listeners of traces and metrics see every source and meter of the process by name, so these tests run alone:
/// another test's app rendering at the same time would add to the figures read here.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryTests))]
public sealed partial class TelemetryTests
{
    [Fact]
    public async Task A_jobs_request_worker_steps_and_callback_are_one_trace()
    {
        var spans = new List<Activity>();
        string? callbackTraceParent = null;
        await using var receiver = await CallbackReceiver.StartAsync((_, http) =>
        {
            callbackTraceParent = http.Request.Headers["traceparent"];
            return Task.CompletedTask;
        });
        using var app = CallbackApps.Create(services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var client = app.V1Client();
        // The client's own trace: Reelgen's spans join it.
        var traceId = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        client.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{clientSpan}-01");
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide()))!.AsObject();
        body["callback"] = receiver.Url;
        var (jobId, _) = await client.SubmitAsync(body);
        await receiver.NextAsync();

        List<Activity> trace = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (spans)
                trace = [.. spans.Where(s => s.TraceId == traceId)];
            if (trace.Any(s => s.DisplayName == "callback"))
                break;
            await Task.Delay(50);
        }
        string Names() => string.Join(", ", trace.Select(s => $"{s.DisplayName} ({s.SpanId} < {s.ParentSpanId})"));

        var api = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.request.method") as string == "POST"
            && (s.GetTagItem("http.route") as string ?? "").TrimEnd('/').EndsWith("video-generation-jobs", StringComparison.Ordinal));
        Assert.Equal(clientSpan, api.ParentSpanId);
        var job = Assert.Single(trace, s => s.DisplayName == "job");
        Assert.Equal(api.SpanId, job.ParentSpanId);
        Assert.Equal(jobId, job.GetTagItem("reelgen.job.id"));
        foreach (var step in new[] { "claim", "preprocess", "render", "store", "finish" })
        {
            var span = trace.SingleOrDefault(s => s.DisplayName == step);
            Assert.True(span is not null, $"no {step} span in the trace: {Names()}");
            Assert.Equal(job.SpanId, span.ParentSpanId);
            Assert.InRange(span.StartTimeUtc, job.StartTimeUtc, job.StartTimeUtc + job.Duration);
        }
        var finish = trace.Single(s => s.DisplayName == "finish");
        var callback = Assert.Single(trace, s => s.DisplayName == "callback");
        Assert.Equal(finish.SpanId, callback.ParentSpanId);
        Assert.Equal("delivered", callback.GetTagItem("reelgen.callback.outcome"));
        // The POST to the receiver is the callback span's child, and the receiver is told the trace.
        var post = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == callback.SpanId);
        Assert.StartsWith($"00-{traceId}-{post.SpanId}-", callbackTraceParent);
    }

    [Fact]
    public async Task Metrics_after_a_job_show_its_status_the_queue_and_its_render_ratio()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide()))!.AsObject();
        body["callback"] = receiver.Url;
        var (jobId, _) = await client.SubmitAsync(body);
        await client.WaitForDeliveryAsync(jobId, "delivered");
        // A job whose picture cannot be fetched: an asset failure, and a failed job.
        var broken = await client.SubmitAsync(new
        {
            videoCreative = new
            {
                settings = new { videoSize = new { width = 320, height = 240 } },
                scenes = new[] { new { duration = 1000, tracks = new object[] { new { type = "image", imageUrl = "http://127.0.0.1:9/missing.png" } } } },
            },
        });
        Assert.Equal("failed", (string?)(await client.WaitForFinishedAsync(broken.JobId))["status"]);

        var response = await app.CreateClient().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var samples = Samples(text);
        string Show() => text.Length > 4000 ? text[..4000] : text;

        Assert.True(samples.ContainsKey("reelgen_jobs{status=\"finished\"}"), Show());
        Assert.Equal(1, samples["reelgen_jobs{status=\"finished\"}"]);
        Assert.Equal(1, samples["reelgen_jobs{status=\"failed\"}"]);
        Assert.Equal(0, samples["reelgen_jobs{status=\"in_queue\"}"]);
        Assert.Equal(0, samples["reelgen_queue_depth"]);
        Assert.Equal(0, samples["reelgen_queue_oldest_age_seconds"]);
        Assert.Equal(1, samples["reelgen_render_seconds_per_video_second_count"]);
        // Rendering one second of a plain slide takes some time, and not minutes.
        Assert.InRange(samples["reelgen_render_seconds_per_video_second_sum"], 0.001, 60);
        Assert.Equal(1, samples["reelgen_callback_attempts_total{outcome=\"delivered\"}"]);
        Assert.Equal(1, samples["reelgen_callback_duration_seconds_count{outcome=\"delivered\"}"]);
        Assert.InRange(samples["reelgen_callback_duration_seconds_sum{outcome=\"delivered\"}"], 0, 15);
        Assert.Equal(1, samples["reelgen_asset_fetch_failures_total{kind=\"image\"}"]);
        // ASP.NET Core's own request metrics come along.
        Assert.Contains(samples.Keys, k => k.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_queue_gauges_show_a_waiting_job_and_its_age()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        // An API-only process: nothing renders, so the job waits.
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api", time);
        await app.V1Client().SubmitAsync(Creatives.ColourSlide());
        time.Advance(TimeSpan.FromSeconds(90));

        var samples = Samples(await app.CreateClient().GetStringAsync("/metrics"));
        Assert.Equal(1, samples["reelgen_queue_depth"]);
        Assert.Equal(1, samples["reelgen_jobs{status=\"in_queue\"}"]);
        Assert.Equal(90, samples["reelgen_queue_oldest_age_seconds"], 0.5);
    }

    [Fact]
    public async Task Metrics_can_be_turned_off()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Telemetry:Metrics"] = "false");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    /// <summary>Prometheus text as series (name and labels, without OpenTelemetry's scope labels) to values; buckets left out.</summary>
    private static Dictionary<string, double> Samples(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success || match.Groups["name"].Value.EndsWith("_bucket", StringComparison.Ordinal))
                continue;
            var labels = match.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal))
                .ToList();
            var key = labels.Count == 0 ? match.Groups["name"].Value : $"{match.Groups["name"].Value}{{{string.Join(",", labels)}}}";
            samples[key] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)( \d+)?$")]
    private static partial Regex SampleLine();
}
