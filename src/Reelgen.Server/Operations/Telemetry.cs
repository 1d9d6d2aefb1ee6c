using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Reelgen.Server.Data;
using Reelgen.Server.Jobs;

namespace Reelgen.Server.Operations;

/// <summary>
/// Traces and metrics, both named <c>Reelgen</c>. One job's life is one trace: the request that queued it, the
/// worker's claim, preprocess, render, store and finish, and the callback's delivery, each continued from the W3C
/// traceparent stored with the job and the delivery, so the trace holds across processes. Metrics are served as
/// Prometheus text at <c>/metrics</c>; both go to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class Telemetry
{
    public const string Name = "Reelgen";

    public static readonly ActivitySource Source = new(Name, Version);

    private static string Version =>
        typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration, TelemetryOptions options)
    {
        services.AddSingleton<ReelgenMetrics>();
        // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _PROTOCOL, _HEADERS) itself; without it nothing is sent anywhere.
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("reelgen", serviceVersion: Version))
            .WithTracing(t =>
            {
                t.AddSource(Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperations(http.Request.Path))
                    .AddHttpClientInstrumentation();
                if (otlp)
                    t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                // The built-in meters of ASP.NET Core, HttpClient and the runtime come at no cost beside Reelgen's own.
                m.AddMeter(Name, "System.Runtime")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (options.Metrics)
                    m.AddPrometheusExporter();
                if (otlp)
                    m.AddOtlpExporter();
            });
        return services;
    }

    /// <summary><c>/metrics</c>, when <see cref="TelemetryOptions.Metrics"/> is on; on every process whatever its role, without a token.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        // Made now rather than by the first worker that records: an API-only process serves the queue's gauges too.
        app.ServiceProvider.GetRequiredService<ReelgenMetrics>();
        if (app.ServiceProvider.GetRequiredService<IOptions<ReelgenOptions>>().Value.Telemetry.Metrics)
            app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        return app;
    }

    // Scrapes and health probes every few seconds would bury the jobs' traces.
    private static bool IsOperations(PathString path) => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    /// <summary>A span continuing the trace whose W3C traceparent was stored with a row; a new trace when there is none.</summary>
    public static Activity? StartFromStored(string name, ActivityKind kind, string? traceParent, DateTimeOffset startTime = default)
    {
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        return Source.StartActivity(name, kind, parent, startTime: startTime);
    }

    /// <summary>Marks the span failed with the reason a person reads on the job.</summary>
    public static void Fail(this Activity? activity, string reason) => activity?.SetStatus(ActivityStatusCode.Error, reason);
}

/// <summary>
/// Reelgen's own instruments. The job counts and the queue are read from the database (so they are the whole
/// deployment's, whichever process is scraped) at most once per <see cref="TelemetryOptions.DatabaseGaugeInterval"/>,
/// in two indexed queries, however often the gauges are read.
/// </summary>
public sealed partial class ReelgenMetrics
{
    private readonly Db _db;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<ReelgenMetrics> _logger;
    private readonly Histogram<double> _renderRatio;
    private readonly Counter<long> _callbackAttempts;
    private readonly Histogram<double> _callbackDuration;
    private readonly Lock _lock = new();
    private QueueFigures _figures = new([], 0, 0);
    private DateTimeOffset? _readAt;

    public ReelgenMetrics(IMeterFactory meters, Db db, TimeProvider time, IOptions<ReelgenOptions> options, ILogger<ReelgenMetrics> logger)
    {
        _db = db;
        _time = time;
        _interval = options.Value.Telemetry.DatabaseGaugeInterval;
        _logger = logger;
        var meter = meters.Create(Telemetry.Name);
        meter.CreateObservableGauge("reelgen.jobs", () => Figures().ByStatus, "{job}", "Jobs in the database by status.");
        meter.CreateObservableGauge("reelgen.queue.depth", () => Figures().Queued, "{job}", "Jobs waiting for a worker (in_queue).");
        meter.CreateObservableGauge("reelgen.queue.oldest_age", () => Figures().OldestAgeSeconds, "s", "How long the oldest queued job has waited; 0 when the queue is empty.");
        _renderRatio = meter.CreateHistogram("reelgen.render.seconds_per_video_second", "{ratio}", "Seconds of rendering per second of finished video.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100] });
        _callbackAttempts = meter.CreateCounter<long>("reelgen.callback.attempts", "{attempt}", "Callback attempts by outcome: delivered, retrying or failed (for good).");
        _callbackDuration = meter.CreateHistogram("reelgen.callback.duration", "s", "How long one callback attempt took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    /// <summary>A finished render: how long it took for how long a video.</summary>
    public void RenderFinished(double renderSeconds, double videoSeconds)
    {
        if (videoSeconds > 0)
            _renderRatio.Record(renderSeconds / videoSeconds);
    }

    /// <summary>One callback attempt and what became of its delivery (<c>delivered</c>, <c>pending</c> for a retry, <c>failed</c>).</summary>
    public void CallbackAttempted(string nextStatus, long durationMs)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", nextStatus == "pending" ? "retrying" : nextStatus);
        _callbackAttempts.Add(1, outcome);
        _callbackDuration.Record(durationMs / 1000.0, outcome);
    }

    private sealed record QueueFigures(Measurement<long>[] ByStatus, long Queued, double OldestAgeSeconds);

    private QueueFigures Figures()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_readAt is { } readAt && now - readAt < _interval)
                return _figures;
            try
            {
                // Gauges are read synchronously by the exporter; the wait is bounded so a slow database cannot hang a scrape.
                _figures = ReadAsync(now).WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                // A scrape during a database outage shows the last figures; /health/ready says the database is down.
                LogReadFailed(ex);
            }
            _readAt = now;
            return _figures;
        }
    }

    private async Task<QueueFigures> ReadAsync(DateTimeOffset now)
    {
        var counts = (await _db.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM jobs GROUP BY status"))
            .ToDictionary(c => c.Status, c => c.Count);
        var oldest = await _db.QuerySingleOrDefaultAsync<long?>("SELECT MIN(created_at) FROM jobs WHERE status = 'in_queue'");
        // Every status is a series, 0 included, so a dashboard's query never meets a missing one.
        var byStatus = JobStatus.All.Select(s => new Measurement<long>(counts.GetValueOrDefault(s), new KeyValuePair<string, object?>("status", s))).ToArray();
        var age = oldest is { } created ? Math.Max(0, (now.ToUnixTimeMilliseconds() - created) / 1000.0) : 0;
        return new QueueFigures(byStatus, counts.GetValueOrDefault(JobStatus.InQueue), age);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics: the job counts could not be read from the database; the last ones are shown")]
    private partial void LogReadFailed(Exception ex);
}
