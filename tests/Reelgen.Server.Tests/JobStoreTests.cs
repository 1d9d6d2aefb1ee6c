using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

/// <summary>The store contract, run against SQLite and PostgreSQL alike.</summary>
public sealed class JobStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private async Task<(StoreDatabase Db, JobStore Jobs, string WorkspaceId)> SetUpAsync(string provider)
    {
        var db = await StoreDatabase.CreateAsync(provider);
        var workspace = await new WorkspaceStore(db.Db, _time, new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions())).EnsureAsync("w", null, CancellationToken.None);
        return (db, new JobStore(db.Db, _time), workspace.Id);
    }

    private static FinishedVideo Video(string key) => new("v", key, key + "s", 10, 1.0, 320, 240, false);

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Claims_take_the_oldest_queued_job_once(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var first = await jobs.CreateAsync(ws, "{}", null, default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await jobs.CreateAsync(ws, "{}", null, default);

        var a = await jobs.ClaimAsync("a", Lease, default);
        var b = await jobs.ClaimAsync("b", Lease, default);
        var none = await jobs.ClaimAsync("c", Lease, default);

        Assert.Equal(first.Id, a!.Id);
        Assert.Equal(second.Id, b!.Id);
        Assert.Null(none);
        Assert.Equal(JobStatus.Preprocessing, a.Status);
        Assert.Equal(1, a.Attempts);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Concurrent_claims_never_hand_one_job_to_two_workers(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        for (var i = 0; i < 20; i++)
            await jobs.CreateAsync(ws, "{}", null, default);

        var claims = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => jobs.ClaimAsync($"w{i}", Lease, default))));

        var claimed = claims.Where(c => c is not null).Select(c => c!.Id).ToList();
        Assert.Equal(20, claimed.Count);
        Assert.Equal(20, claimed.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_lapsed_lease_is_rescued_and_only_the_new_holder_can_store_the_result(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var job = await jobs.CreateAsync(ws, "{}", null, default);
        var first = (await jobs.ClaimAsync("old", Lease, default))!;
        Assert.True(await jobs.HeartbeatAsync(job.Id, "old", JobStatus.Generating, 40, Lease, default));

        _time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await jobs.RescueExpiredAsync(default));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await jobs.RescueExpiredAsync(default));
        var rescued = (await jobs.FindAsync(ws, job.Id, default))!;
        Assert.Equal(JobStatus.InQueue, rescued.Status);
        Assert.Equal(40, rescued.Progress);

        var second = (await jobs.ClaimAsync("new", Lease, default))!;
        Assert.Equal(2, second.Attempts);
        Assert.False(await jobs.HeartbeatAsync(job.Id, "old", JobStatus.Generating, 90, Lease, default));
        Assert.False(await jobs.FinishAsync(first, "old", Video("k1"), null, default));
        Assert.True(await jobs.FinishAsync(second, "new", Video("k2"), null, default));
        var finished = (await jobs.FindAsync(ws, job.Id, default))!;
        Assert.Equal(JobStatus.Finished, finished.Status);
        Assert.Equal(finished.MaximumProgress, finished.Progress);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Progress_never_goes_down(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var job = await jobs.CreateAsync(ws, "{}", null, default);
        await jobs.ClaimAsync("a", Lease, default);

        await jobs.HeartbeatAsync(job.Id, "a", JobStatus.Generating, 50, Lease, default);
        await jobs.HeartbeatAsync(job.Id, "a", JobStatus.Generating, 20, Lease, default);

        Assert.Equal(50, (await jobs.FindAsync(ws, job.Id, default))!.Progress);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_deleted_job_cannot_be_finished_or_failed_and_its_worker_learns_at_the_next_heartbeat(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var job = await jobs.CreateAsync(ws, "{}", "http://example.com/cb", default);
        var claimed = (await jobs.ClaimAsync("a", Lease, default))!;

        Assert.True(await jobs.DeleteAsync(ws, job.Id, default));

        Assert.False(await jobs.HeartbeatAsync(job.Id, "a", JobStatus.Generating, 50, Lease, default));
        Assert.False(await jobs.FinishAsync(claimed, "a", Video("k"), null, default));
        Assert.False(await jobs.FailAsync(claimed, "a", "boom", null, default));
        Assert.Equal(JobStatus.Deleted, (await jobs.FindAsync(ws, job.Id, default))!.Status);
        Assert.False(await jobs.DeleteAsync("another-workspace", job.Id, default));
    }
}
