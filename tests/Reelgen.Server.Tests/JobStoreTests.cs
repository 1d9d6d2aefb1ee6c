using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Data;
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
    public async Task Ended_jobs_are_listed_with_their_files_and_removed_and_a_queued_one_stays(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var finished = await jobs.CreateAsync(ws, "{}", null, null, default);
        var claimed = (await jobs.ClaimAsync("a", Lease, default))!;
        Assert.True(await FinishAsync(db, jobs, claimed, "a", Video("k1")));
        var deleted = await jobs.CreateAsync(ws, "{}", null, null, default);
        Assert.True(await DeleteAsync(db, jobs, ws, deleted.Id));
        var queued = await jobs.CreateAsync(ws, "{}", null, null, default);
        _time.Advance(TimeSpan.FromDays(1));

        var (ids, keys) = await jobs.ListEndedBeforeAsync(_time.GetUtcNow().ToUnixTimeMilliseconds(), 10, default);
        Assert.Equal(new[] { finished.Id, deleted.Id }.Order(), ids.Order());
        Assert.Equal(["k1"], keys);
        Assert.Equal(2, await jobs.RemoveEndedAsync([.. ids, queued.Id], default));
        Assert.Null(await jobs.FindAsync(ws, finished.Id, default));
        Assert.Null(await jobs.FindAsync(ws, deleted.Id, default));
        Assert.NotNull(await jobs.FindAsync(ws, queued.Id, default));
    }

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

    private async Task<string> WorkspaceAsync(StoreDatabase db, string name) =>
        (await new WorkspaceStore(db.Db, _time, new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions())).EnsureAsync(name, null, CancellationToken.None)).Id;

    public static IEnumerable<object[]> ProvidersAndWorkers =>
        StoreDatabase.Providers.SelectMany(p => new[] { 1, 3 }.Select(workers => new object[] { p[0], workers }));

    [Theory]
    [MemberData(nameof(ProvidersAndWorkers))]
    public async Task A_thousand_queued_jobs_of_one_workspace_delay_another_workspaces_job_by_at_most_one_render_per_worker(string provider, int workers)
    {
        var (db, jobs, busy) = await SetUpAsync(provider);
        await using var _ = db;
        var quiet = await WorkspaceAsync(db, "quiet");
        await jobs.CreateManyAsync(busy, [.. Enumerable.Range(0, 1000).Select(_ => new NewJob("{}", null, []))], default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        // Every worker is busy with one of the thousand when the other workspace's job arrives.
        var rendering = new Queue<JobRow>();
        for (var w = 0; w < workers; w++)
        {
            rendering.Enqueue((await jobs.ClaimAsync($"w{w}", Lease, default))!);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.All(rendering, j => Assert.Equal(busy, j.WorkspaceId));
        var single = await jobs.CreateAsync(quiet, "{}", null, null, default);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        // The first worker to finish its render takes the single job next.
        var done = rendering.Dequeue();
        Assert.True(await FinishAsync(db, jobs, done, done.LeaseOwner!, Video(done.Id)));
        var next = (await jobs.ClaimAsync(done.LeaseOwner!, Lease, default))!;

        Assert.Equal(single.Id, next.Id);
        Assert.Equal(1000 - workers, (await jobs.ListAsync(busy, new Reelgen.Server.Data.PageRequest(1000, null, null), JobStatus.InQueue, default)).Items.Count);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Workspaces_take_turns_in_order_of_their_last_claim_and_each_serves_its_oldest_job_first(string provider)
    {
        var (db, jobs, a) = await SetUpAsync(provider);
        await using var _ = db;
        var b = await WorkspaceAsync(db, "b");
        var c = await WorkspaceAsync(db, "c");
        var names = new Dictionary<string, string> { [a] = "a", [b] = "b", [c] = "c" };
        var order = new Dictionary<string, List<string>> { [a] = [], [b] = [], [c] = [] };
        // a queues all of its jobs first, then b, then c.
        foreach (var ws in new[] { a, a, a, a, b, b, c, c, c })
        {
            order[ws].Add((await jobs.CreateAsync(ws, "{}", null, null, default)).Id);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var claimed = new List<JobRow>();
        while (await jobs.ClaimAsync("w", Lease, default) is { } job)
        {
            claimed.Add(job);
            Assert.True(await FinishAsync(db, jobs, job, "w", Video(job.Id)));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal("abcabcaca", string.Concat(claimed.Select(j => names[j.WorkspaceId])));
        foreach (var (ws, ids) in order)
            Assert.Equal(ids, claimed.Where(j => j.WorkspaceId == ws).Select(j => j.Id));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_workspace_with_fewer_renders_running_is_served_first(string provider)
    {
        var (db, jobs, a) = await SetUpAsync(provider);
        await using var _ = db;
        var b = await WorkspaceAsync(db, "b");
        for (var i = 0; i < 3; i++)
        {
            await jobs.CreateAsync(a, "{}", null, null, default);
            await jobs.CreateAsync(b, "{}", null, null, default);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // Four workers at once: two renders for each workspace, however the claims interleave.
        var claims = new List<JobRow>();
        for (var w = 0; w < 4; w++)
        {
            claims.Add((await jobs.ClaimAsync($"w{w}", Lease, default))!);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(2, claims.Count(j => j.WorkspaceId == a));
        Assert.Equal(2, claims.Count(j => j.WorkspaceId == b));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Concurrent_claims_across_workspaces_take_every_job_once_and_never_come_back_empty_while_work_is_queued(string provider)
    {
        var (db, jobs, a) = await SetUpAsync(provider);
        await using var _ = db;
        var b = await WorkspaceAsync(db, "b");
        await jobs.CreateManyAsync(a, [.. Enumerable.Range(0, 19).Select(_ => new NewJob("{}", null, []))], default);
        await jobs.CreateAsync(b, "{}", null, null, default);

        // Every claimer ranks b first; all but one must pass over b's locked job to one of a's.
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => jobs.ClaimAsync($"w{i}", Lease, default))));

        Assert.All(claims, Assert.NotNull);
        Assert.Equal(20, claims.Select(c => c!.Id).Distinct().Count());
        Assert.Null(await jobs.ClaimAsync("late", Lease, default));
    }

    private static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(24);

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Twenty_racing_submissions_with_one_idempotency_key_in_two_processes_queue_one_job(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        await using var another = db.OpenAnother();
        var stores = new[] { jobs, new JobStore(another, _time) };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => stores[i % 2].CreateOnceAsync(ws, "key", "hash", KeyLifetime, new NewJob("{}", null, []), default))));

        Assert.All(answers, a => Assert.NotNull(a.Job));
        Assert.Single(answers.Select(a => a.Job!.Id).Distinct());
        Assert.Single(answers, a => !a.Replayed);
        Assert.Single((await jobs.ListAsync(ws, new Reelgen.Server.Data.PageRequest(100, null, null), null, default)).Items);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task An_idempotency_key_refuses_another_request_belongs_to_its_workspace_and_lapses_after_its_lifetime(string provider)
    {
        var (db, jobs, ws) = await SetUpAsync(provider);
        await using var _ = db;
        var other = await WorkspaceAsync(db, "other");
        var first = await jobs.CreateOnceAsync(ws, "key", "hash-1", KeyLifetime, new NewJob("{}", null, []), default);

        var mismatch = await jobs.CreateOnceAsync(ws, "key", "hash-2", KeyLifetime, new NewJob("{}", null, []), default);
        var elsewhere = await jobs.CreateOnceAsync(other, "key", "hash-2", KeyLifetime, new NewJob("{}", null, []), default);
        _time.Advance(KeyLifetime - TimeSpan.FromSeconds(1));
        var stillKept = await jobs.CreateOnceAsync(ws, "key", "hash-1", KeyLifetime, new NewJob("{}", null, []), default);
        _time.Advance(TimeSpan.FromSeconds(2));
        var afterLifetime = await jobs.CreateOnceAsync(ws, "key", "hash-2", KeyLifetime, new NewJob("{}", null, []), default);

        Assert.Null(mismatch.Job);
        Assert.False(elsewhere.Replayed);
        Assert.NotEqual(first.Job!.Id, elsewhere.Job!.Id);
        Assert.True(stillKept.Replayed);
        Assert.Equal(first.Job.Id, stillKept.Job!.Id);
        Assert.False(afterLifetime.Replayed);
        Assert.NotEqual(first.Job.Id, afterLifetime.Job!.Id);
        Assert.Equal(2, (await jobs.ListAsync(ws, new Reelgen.Server.Data.PageRequest(100, null, null), null, default)).Items.Count);
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
