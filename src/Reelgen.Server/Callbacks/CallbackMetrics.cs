using System.Diagnostics.Metrics;
using Reelgen.Server.Operations;

namespace Reelgen.Server.Callbacks;

/// <summary>The callbacks' instruments (meter <c>Reelgen</c>): attempts and how long they took, by outcome.</summary>
public sealed class CallbackMetrics
{
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;

    public CallbackMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.Name);
        _attempts = meter.CreateCounter<long>("reelgen.callback.attempts", "{attempt}", "Callback attempts by outcome: delivered, retrying or failed (for good).");
        _duration = meter.CreateHistogram("reelgen.callback.duration", "s", "How long one callback attempt took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    /// <summary>One attempt and what became of its delivery (<c>delivered</c>, <c>pending</c> for a retry, <c>failed</c>).</summary>
    public void Attempted(string nextStatus, long durationMs)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", nextStatus == CallbackStatus.Pending ? "retrying" : nextStatus);
        _attempts.Add(1, outcome);
        _duration.Record(durationMs / 1000.0, outcome);
    }
}
