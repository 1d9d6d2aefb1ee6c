using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class CallbackRetryTests
{
    private static Func<int, HttpContext, Task> Answer(params int[] statuses) => (i, http) =>
    {
        http.Response.StatusCode = statuses[Math.Min(i, statuses.Length - 1)];
        return Task.CompletedTask;
    };

    [Fact]
    public async Task Failed_attempts_are_retried_with_the_same_id_and_each_is_listed()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Answer(500, 503, 200));
        using var app = CallbackApps.Create(schedule: "100ms,100ms,100ms");
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var attempts = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() };
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.Single(attempts.Select(a => a.Body).Distinct());
        Assert.All(attempts, a => Assert.True(a.IsSignedWith(CallbackApps.Secret)));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(80), "the retry came before its scheduled wait");

        var delivery = await client.WaitForDeliveryAsync(jobId, "delivered", attempts: 3);
        Assert.Equal(attempts[0].Id, (string?)delivery["id"]);
        Assert.Equal([500, 503, 200], delivery["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task After_the_last_attempt_the_delivery_is_failed()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Answer(500));
        using var app = CallbackApps.Create(schedule: "50ms,50ms");
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var delivery = await client.WaitForDeliveryAsync(jobId, "failed");
        Assert.Equal(3, delivery["attempts"]!.AsArray().Count);
        Assert.Null(delivery["nextAttemptAt"]);
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3, receiver.All.Count);
    }

    [Fact]
    public async Task Gone_410_stops_at_once()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Answer(410));
        using var app = CallbackApps.Create(schedule: "50ms,50ms,50ms");
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var delivery = await client.WaitForDeliveryAsync(jobId, "failed");
        Assert.Equal(410, (int)delivery["attempts"]!.AsArray().Single()!["statusCode"]!);
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(400));
        Assert.Single(receiver.All);
    }

    [Fact]
    public async Task Retry_after_is_honoured_over_the_schedule()
    {
        await using var receiver = await CallbackReceiver.StartAsync((i, http) =>
        {
            if (i == 0)
            {
                http.Response.StatusCode = 503;
                http.Response.Headers.RetryAfter = "1";
            }
            return Task.CompletedTask;
        });
        using var app = CallbackApps.Create(schedule: "50ms,50ms");
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var first = await receiver.NextAsync();
        var second = await receiver.NextAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(first.Id, second.Id);
        var gap = second.At - first.At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"the retry came {gap.TotalMilliseconds:0} ms later; Retry-After asked for 1 s");
        await client.WaitForDeliveryAsync(jobId, "delivered", attempts: 2);
    }

    [Fact]
    public async Task Redirects_are_not_followed_and_count_as_failures()
    {
        await using var elsewhere = await CallbackReceiver.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync((i, http) =>
        {
            if (i == 0)
            {
                http.Response.StatusCode = 307;
                http.Response.Headers.Location = elsewhere.Url;
            }
            return Task.CompletedTask;
        });
        using var app = CallbackApps.Create(schedule: "50ms");
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var delivery = await client.WaitForDeliveryAsync(jobId, "delivered", attempts: 2);
        Assert.Equal([307, 200], delivery["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        Assert.Empty(elsewhere.All);
    }

    [Fact]
    public async Task A_timeout_and_a_refused_connection_are_failures_with_their_reason()
    {
        await using var receiver = await CallbackReceiver.StartAsync(async (i, http) =>
        {
            if (i == 0)
                await Task.Delay(TimeSpan.FromSeconds(2), http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var app = CallbackApps.Create(schedule: "50ms,50ms,50ms", configure: s => s["Reelgen:Callbacks:Timeout"] = "00:00:00.300");
        var client = app.V1Client();
        var slowJob = await app.EndedJobAsync(receiver.Url);
        var closedJob = await app.EndedJobAsync($"http://127.0.0.1:{ClosedPort()}/hook");

        // The receiver stalls its first request only; on a loaded machine an attempt may also time out before
        // reaching it, so the delivery may need more than two attempts.
        var slow = await client.WaitForDeliveryAsync(slowJob, "delivered");
        var timedOut = slow["attempts"]!.AsArray()[0]!;
        Assert.Null(timedOut["statusCode"]);
        Assert.Contains("timed out", (string?)timedOut["error"]);
        Assert.InRange((long)timedOut["durationMs"]!, 250, 1900);

        var closed = await client.WaitForDeliveryAsync(closedJob, "failed", attempts: 4);
        Assert.All(closed["attempts"]!.AsArray(), a =>
        {
            Assert.Null(a!["statusCode"]);
            Assert.False(string.IsNullOrEmpty((string?)a["error"]));
        });
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
