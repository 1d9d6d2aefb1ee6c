using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

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
