using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Reelgen.Server.Workspaces;

/// <summary>
/// At most <see cref="RateLimitOptions.RequestsPerMinute"/> requests per API token, counted in one-minute windows that
/// start at the token's first request in them, each token on its own: one client's excess never slows another. The
/// count is kept per process (behind a load balancer each API process allows the full rate). A request without a token
/// is not counted: it gets its 401 from <see cref="TokenAuth"/>, and health, public files and share pages carry no
/// token at all.
/// </summary>
public static class TokenRateLimit
{
    private const string Policy = "token";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddTokenRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.AddPolicy(Policy, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<ReelgenOptions>>().Value.RateLimit.RequestsPerMinute;
                if (perMinute == 0 || TokenAuth.ReadToken(http.Request) is not { } token)
                    return RateLimitPartition.GetNoLimiter("");
                // Partitioned by the token's hash, so the limiter's memory never holds a token itself.
                return RateLimitPartition.GetFixedWindowLimiter(WorkspaceStore.HashToken(token), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = Window,
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }

    /// <summary>Counts the group's requests per token; with the limit off (<c>0</c>) nothing is counted, so nothing is added.</summary>
    public static RouteGroupBuilder RequireTokenRateLimit(this RouteGroupBuilder group) =>
        ((IEndpointRouteBuilder)group).ServiceProvider.GetRequiredService<IOptions<ReelgenOptions>>().Value.RateLimit.RequestsPerMinute == 0
            ? group
            : group.RequireRateLimiting(Policy);

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var perMinute = http.RequestServices.GetRequiredService<IOptions<ReelgenOptions>>().Value.RateLimit.RequestsPerMinute;
        // The limiter names the time until its window is sure to have ended; a client waiting that long is served.
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"This token has made more than {perMinute} requests in a minute; retry after {seconds} s.";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            detail: message,
            extensions: new Dictionary<string, object?> { ["message"] = message }).ExecuteAsync(http);
    }
}
