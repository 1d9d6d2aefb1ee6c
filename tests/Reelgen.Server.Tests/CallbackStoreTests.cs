using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

/// <summary>The callback outbox's contract, run against SQLite and PostgreSQL alike.</summary>
public sealed class CallbackStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private sealed record Setup(StoreDatabase Db, CallbackStore Callbacks, JobStore Jobs, CallbackOutbox Outbox, JobLifecycle Lifecycle, string WorkspaceId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private async Task<Setup> SetUpAsync(string provider)
    {
        var db = await StoreDatabase.CreateAsync(provider);
        var workspace = await new WorkspaceStore(db.Db, _time, new MemoryCache(new MemoryCacheOptions())).EnsureAsync("w", null, CancellationToken.None);
        var outbox = new CallbackOutbox(Options.Create(new ReelgenOptions { PublicBaseUrl = "http://reelgen.test" }), _time);
        var callbacks = new CallbackStore(db.Db, _time);
        var jobs = new JobStore(db.Db, _time);
        return new Setup(db, callbacks, jobs, outbox, new JobLifecycle(db.Db, jobs, outbox, callbacks), workspace.Id);
    }

    /// <summary>A job with a callback URL, and the delivery its end writes to the outbox.</summary>
    private async Task<JobRow> EndedJobAsync(Setup s, string? callbackUrl = "https://example.com/hook")
    {
        var job = await s.Jobs.CreateAsync(s.WorkspaceId, "{}", callbackUrl, null, default);
        await s.Db.Db.WriteAsync(async (c, t) =>
        {
            await s.Outbox.EnqueueAsync(c, t, job, JobStatus.Finished, "key", "share", null, default);
            return 0;
        });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        return job;
    }

    private static AttemptResult Delivered(long now) => new(now, 200, null, 5, "delivered", now);

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Claims_take_the_most_overdue_delivery_once(string provider)
    {
        await using var s = await SetUpAsync(provider);
        var first = await EndedJobAsync(s);
        var second = await EndedJobAsync(s);

        var a = await s.Callbacks.ClaimAsync("a", Lease, default);
        var b = await s.Callbacks.ClaimAsync("b", Lease, default);
        var none = await s.Callbacks.ClaimAsync("c", Lease, default);

        Assert.Equal(first.Id, a!.JobId);
        Assert.Equal(second.Id, b!.JobId);
        Assert.Null(none);
        Assert.Equal("a", a.LeaseOwner);
        Assert.Contains("\"status\":\"finished\"", a.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Concurrent_claims_never_hand_one_delivery_to_two_senders(string provider)
    {
        await using var s = await SetUpAsync(provider);
        for (var i = 0; i < 12; i++)
            await EndedJobAsync(s);

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => s.Callbacks.ClaimAsync($"s{i}", Lease, default))));

        var claimed = claims.Where(c => c is not null).Select(c => c!.Id).ToList();
        Assert.Equal(12, claimed.Count);
        Assert.Equal(12, claimed.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_claim_whose_sender_died_falls_due_again_and_only_the_new_holder_records_the_attempt(string provider)
    {
        await using var s = await SetUpAsync(provider);
        await EndedJobAsync(s);
        var dead = (await s.Callbacks.ClaimAsync("dead", Lease, default))!;
        Assert.Null(await s.Callbacks.ClaimAsync("other", Lease, default));
        Assert.Equal(_time.GetUtcNow().Add(Lease).ToUnixTimeMilliseconds(), await s.Callbacks.NextDueAsync(default));

        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        var alive = (await s.Callbacks.ClaimAsync("alive", Lease, default))!;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();

        Assert.Equal(dead.Id, alive.Id);
        Assert.False(await s.Callbacks.RecordAttemptAsync(dead, "dead", Delivered(now), default));
        Assert.True(await s.Callbacks.RecordAttemptAsync(alive, "alive", Delivered(now), default));
        var delivery = Assert.Single(await s.Callbacks.ListForJobAsync(alive.JobId, default));
        Assert.Equal("delivered", delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Null(delivery.LeaseOwner);
        var attempt = Assert.Single(await s.Callbacks.AttemptsAsync(alive.Id, default));
        Assert.Equal(200, attempt.StatusCode);
        Assert.Null(await s.Callbacks.NextDueAsync(default));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_failed_attempt_schedules_the_next_and_a_released_claim_is_due_at_once(string provider)
    {
        await using var s = await SetUpAsync(provider);
        await EndedJobAsync(s);
        var claimed = (await s.Callbacks.ClaimAsync("a", Lease, default))!;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();

        Assert.True(await s.Callbacks.RecordAttemptAsync(claimed, "a", new AttemptResult(now, 503, "HTTP 503", 5, "pending", now + 5000), default));
        Assert.Null(await s.Callbacks.ClaimAsync("b", Lease, default));
        _time.Advance(TimeSpan.FromSeconds(5));
        var again = (await s.Callbacks.ClaimAsync("b", Lease, default))!;
        Assert.Equal(1, again.Attempts);
        await s.Callbacks.ReleaseAsync(again, "b", default);
        var third = (await s.Callbacks.ClaimAsync("c", Lease, default))!;

        Assert.Equal(claimed.Id, third.Id);
        var attempt = Assert.Single(await s.Callbacks.AttemptsAsync(claimed.Id, default));
        Assert.Equal("HTTP 503", attempt.Error);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Redelivery_starts_a_fresh_round_for_ended_deliveries_of_live_jobs_only(string provider)
    {
        await using var s = await SetUpAsync(provider);
        var job = await EndedJobAsync(s);
        var claimed = (await s.Callbacks.ClaimAsync("a", Lease, default))!;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await s.Callbacks.RecordAttemptAsync(claimed, "a", Delivered(now), default);
        var silent = await s.Jobs.CreateAsync(s.WorkspaceId, "{}", null, null, default);

        Assert.Equal(RedeliverResult.NoJob, await s.Lifecycle.RedeliverCallbackAsync(s.WorkspaceId, "no-such-job", default));
        Assert.Equal(RedeliverResult.NoJob, await s.Lifecycle.RedeliverCallbackAsync("another-workspace", job.Id, default));
        Assert.Equal(RedeliverResult.NoDelivery, await s.Lifecycle.RedeliverCallbackAsync(s.WorkspaceId, silent.Id, default));
        Assert.Equal(RedeliverResult.Queued, await s.Lifecycle.RedeliverCallbackAsync(s.WorkspaceId, job.Id, default));

        var delivery = Assert.Single(await s.Callbacks.ListForJobAsync(job.Id, default));
        Assert.Equal("pending", delivery.Status);
        Assert.Equal(1, delivery.RoundStart);
        Assert.Equal(claimed.Id, (await s.Callbacks.ClaimAsync("b", Lease, default))!.Id);

        Assert.True(await s.Lifecycle.DeleteAsync(s.WorkspaceId, job.Id, default));
        Assert.Equal(RedeliverResult.JobDeleted, await s.Lifecycle.RedeliverCallbackAsync(s.WorkspaceId, job.Id, default));
    }
}
