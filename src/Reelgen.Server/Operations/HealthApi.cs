using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reelgen.Server.Data;
using Reelgen.Server.Storage;

namespace Reelgen.Server.Operations;

/// <summary>
/// <c>/health/live</c>: the process answers (restart it when this fails). <c>/health/ready</c>: it can do its work,
/// the database answers and the video storage takes writes (send it traffic only when this passes). <c>/health</c>:
/// every check, as before. Each answers on every process whatever its role, without a token.
/// </summary>
public static class HealthApi
{
    private const string Ready = "ready";

    public static IServiceCollection AddReelgenHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteReportAsync });
        return app;
    }

    /// <summary>The overall status and each check's, so an operator sees which part is down.</summary>
    private static Task WriteReportAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

internal sealed class DatabaseHealthCheck(Db db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.QuerySingleOrDefaultAsync<long>("SELECT 1", ct: cancellationToken);
            return HealthCheckResult.Healthy("the database answers");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"the database does not answer: {ex.Message}", ex);
        }
    }
}

/// <summary>Stores and removes a small file in the video storage: a full, read-only or unmounted disk, or an unreachable bucket, fails here.</summary>
internal sealed class StorageHealthCheck(VideoStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var key = $"health-{Guid.NewGuid():N}";
        var probe = Path.Combine(storage.WorkDirectory, key);
        try
        {
            await File.WriteAllTextAsync(probe, "WEBVTT\n", cancellationToken);
            await storage.StoreAsync(probe, key, ".vtt", cancellationToken);
            await storage.DeleteAsync(key, cancellationToken);
            return HealthCheckResult.Healthy("the video storage takes writes");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the video storage does not take writes: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
