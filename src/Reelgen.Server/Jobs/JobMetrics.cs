using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Reelgen.Server.Data;
using Reelgen.Server.Operations;

namespace Reelgen.Server.Jobs;

/// <summary>
/// The jobs' instruments (meter <c>Reelgen</c>). The job counts and the queue are read from the database (so they are the whole
/// deployment's, whichever process is scraped) at most once per <see cref="TelemetryOptions.DatabaseGaugeInterval"/>,
/// in two indexed queries, however often the gauges are read.
/// </summary>
public sealed partial class JobMetrics
{
    private readonly Db _db;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<JobMetrics> _logger;
    private readonly Histogram<double> _renderRatio;
    private readonly Lock _lock = new();
    private QueueFigures _figures = new([], 0, 0);
    private DateTimeOffset? _readAt;

    public JobMetrics(IMeterFactory meters, Db db, TimeProvider time, IOptions<ReelgenOptions> options, ILogger<JobMetrics> logger)
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
    }

    /// <summary>A finished render: how long it took for how long a video.</summary>
    public void RenderFinished(double renderSeconds, double videoSeconds)
    {
        if (videoSeconds > 0)
            _renderRatio.Record(renderSeconds / videoSeconds);
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
