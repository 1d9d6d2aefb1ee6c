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

    private static Task<bool> FinishAsync(StoreDatabase db, JobStore jobs, JobRow job, string owner, FinishedVideo video) =>
        db.Db.WriteAsync((c, t) => jobs.FinishAsync(c, t, job, owner, video, default));

    private static Task<bool> DeleteAsync(StoreDatabase db, JobStore jobs, string workspaceId, string jobId) =>
        db.Db.WriteAsync((c, t) => jobs.DeleteAsync(c, t, workspaceId, jobId, default));

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Claims_take_the_oldest_queued_job_once(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var first = await jobs.CreateAsync(ws, "{}", null, null, default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await jobs.CreateAsync(ws, "{}", null, null, default);

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
            await jobs.CreateAsync(ws, "{}", null, null, default);

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
        var job = await jobs.CreateAsync(ws, "{}", null, null, default);
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
        Assert.False(await FinishAsync(db, jobs, first, "old", Video("k1")));
        Assert.True(await FinishAsync(db, jobs, second, "new", Video("k2")));
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
        var job = await jobs.CreateAsync(ws, "{}", null, null, default);
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
        var job = await jobs.CreateAsync(ws, "{}", "http://example.com/cb", null, default);
        var claimed = (await jobs.ClaimAsync("a", Lease, default))!;

        Assert.True(await DeleteAsync(db, jobs, ws, job.Id));

        Assert.False(await jobs.HeartbeatAsync(job.Id, "a", JobStatus.Generating, 50, Lease, default));
        Assert.False(await FinishAsync(db, jobs, claimed, "a", Video("k")));
        Assert.False(await db.Db.WriteAsync((c, t) => jobs.FailAsync(c, t, claimed, "a", "boom", default)));
        Assert.Equal(JobStatus.Deleted, (await jobs.FindAsync(ws, job.Id, default))!.Status);
        Assert.False(await DeleteAsync(db, jobs, "another-workspace", job.Id));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Lists_are_newest_first_paged_by_cursor_filtered_and_kept_to_the_workspace(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var other = await new WorkspaceStore(db.Db, _time, new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions())).EnsureAsync("other", null, CancellationToken.None);
        var oldest = await jobs.CreateAsync(ws, "{}", null, null, default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var created = new List<string> { oldest.Id };
        for (var i = 0; i < 5; i++)
        {
            created.Add((await jobs.CreateAsync(ws, "{}", null, null, default)).Id);
            await jobs.CreateAsync(other.Id, "{}", null, null, default);
            // Two jobs in the same millisecond: the id breaks the tie, so none is skipped or repeated.
            if (i != 2)
                _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        var claimed = (await jobs.ClaimAsync("a", Lease, default))!;
        Assert.Equal(oldest.Id, claimed.Id);
        Assert.True(await FinishAsync(db, jobs, claimed, "a", Video("k")));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var request = cursor is null ? new Reelgen.Server.Data.PageRequest(2, null, null) : Cursor(cursor, 2);
            var page = await jobs.ListAsync(ws, request, null, default);
            seen.AddRange(page.Items.Select(j => j.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);
        var finished = await jobs.ListAsync(ws, new Reelgen.Server.Data.PageRequest(20, null, null), JobStatus.Finished, default);
        var videos = await new Reelgen.Server.Videos.VideoStore(db.Db, _time).ListAsync(ws, new Reelgen.Server.Data.PageRequest(20, null, null), default);
        var otherVideos = await new Reelgen.Server.Videos.VideoStore(db.Db, _time).ListAsync(other.Id, new Reelgen.Server.Data.PageRequest(20, null, null), default);

        var rows = await Task.WhenAll(created.Select(id => jobs.FindAsync(ws, id, default)));
        Assert.Equal(rows.OrderByDescending(j => j!.CreatedAt).ThenByDescending(j => j!.Id, StringComparer.Ordinal).Select(j => j!.Id), seen);
        Assert.Equal(3, pages);
        Assert.Equal([claimed.Id], finished.Items.Select(j => j.Id));
        Assert.Equal([claimed.VideoId], videos.Items.Select(v => v.Id));
        Assert.Empty(otherVideos.Items);
    }

    private static Reelgen.Server.Data.PageRequest Cursor(string cursor, int limit)
    {
        var errors = new Dictionary<string, string[]>();
        var page = Reelgen.Server.Data.PageRequest.Read(
            new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["cursor"] = cursor, ["limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            errors);
        Assert.Empty(errors);
        return page;
    }
}
