using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// The per-token rate limit. The framework's limiter counts in one-minute windows on the machine's clock (it takes no
/// TimeProvider), so these tests use a limit of 3 and make their requests well within one window.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly ReelgenApp _app = new(s =>
    {
        s["Reelgen:Roles"] = "api";
        s["Reelgen:RateLimit:RequestsPerMinute"] = "3";
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_token_over_its_limit_is_answered_429_with_retry_after_and_other_tokens_are_not_slowed()
    {
        var other = _app.V1Client(await _app.CreateWorkspaceTokenAsync("other"));
        var client = _app.V1Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("video-generation-jobs")).StatusCode);

        var refused = await client.GetAsync("video-generation-jobs");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(429, (int)problem["status"]!);
        Assert.Contains("more than 3 requests in a minute", (string?)problem["message"], StringComparison.Ordinal);
        // The same token in the older header and under the older prefix shares the count; a job submission too.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _app.LegacyClient().GetAsync("generated-videos")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("video-generation-jobs", Creatives.ColourSlide())).StatusCode);

        // Another workspace's token has its own count.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("video-generation-jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await other.GetAsync("video-generation-jobs")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_token_health_and_public_files_are_not_counted()
    {
        var client = _app.V1Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("video-generation-jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("video-generation-jobs")).StatusCode);

        // Routes outside the token-guarded API answer as ever, even when sent with the exhausted token.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/files/no-such-key.mp4")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/share/no-such-share")).StatusCode);
        }
        // A request without a token gets its 401, however many come.
        var anonymous = _app.CreateClient();
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/video-generation-jobs")).StatusCode);
    }

    [Fact]
    public async Task A_limit_of_zero_turns_the_limit_off()
    {
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:Roles"] = "api";
            s["Reelgen:RateLimit:RequestsPerMinute"] = "0";
        });
        var client = app.V1Client();
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("video-generation-jobs")).StatusCode);
    }
}
