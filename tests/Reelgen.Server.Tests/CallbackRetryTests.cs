using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
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
    public async Task Failed_attempts_are_retried_on_the_schedule_with_the_same_id_and_each_is_listed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await CallbackReceiver.StartAsync(Answer(500, 503, 200));
        using var app = CallbackApps.Create(schedule: "5m,5m,5m", time: time);
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var first = await receiver.NextAsync();
        await client.WaitForDeliveryAsync(jobId, "pending", attempts: 1);
        // Five minutes, jittered by 10%: nothing before 4.5 minutes, the retry by 5.5.
        time.Advance(TimeSpan.FromMinutes(4.4));
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
        time.Advance(TimeSpan.FromMinutes(1.2));
        var second = await receiver.NextAsync();
        await client.WaitForDeliveryAsync(jobId, "pending", attempts: 2);
        time.Advance(TimeSpan.FromMinutes(5.6));
        var third = await receiver.NextAsync();

        var attempts = new[] { first, second, third };
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.Single(attempts.Select(a => a.Body).Distinct());
        Assert.All(attempts, a => Assert.True(a.IsSignedWith(CallbackApps.Secret)));
        var delivery = await client.WaitForDeliveryAsync(jobId, "delivered", attempts: 3);
        Assert.Equal(attempts[0].Id, (string?)delivery["id"]);
        Assert.Equal([500, 503, 200], delivery["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        var at = delivery["attempts"]!.AsArray().Select(a => DateTimeOffset.Parse((string)a!["at"]!, CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(at[1] - at[0], TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5.6));
        time.Advance(TimeSpan.FromHours(1));
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task After_the_last_attempt_the_delivery_is_failed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await CallbackReceiver.StartAsync(Answer(500));
        using var app = CallbackApps.Create(schedule: "1h,1h", time: time);
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await client.WaitForDeliveryAsync(jobId, "pending", attempts: attempt);
            time.Advance(TimeSpan.FromHours(1.2));
        }
        var delivery = await client.WaitForDeliveryAsync(jobId, "failed");
        Assert.Equal(3, delivery["attempts"]!.AsArray().Count);
        Assert.Null(delivery["nextAttemptAt"]);
        time.Advance(TimeSpan.FromDays(1));
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
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await CallbackReceiver.StartAsync((i, http) =>
        {
            if (i == 0)
            {
                http.Response.StatusCode = 503;
                http.Response.Headers.RetryAfter = "600";
            }
            return Task.CompletedTask;
        });
        using var app = CallbackApps.Create(schedule: "1s,1s", time: time);
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);

        var first = await receiver.NextAsync();
        await client.WaitForDeliveryAsync(jobId, "pending", attempts: 1);
        time.Advance(TimeSpan.FromMinutes(9));
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
        time.Advance(TimeSpan.FromMinutes(1.1));
        var second = await receiver.NextAsync();

        Assert.Equal(first.Id, second.Id);
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
