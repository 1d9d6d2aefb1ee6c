using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Data;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

public sealed class LeaseRescueTests
{
    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task The_rescuer_returns_a_lapsed_lease_to_the_queue_at_its_next_round(string provider)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var db = await StoreDatabase.CreateAsync(provider);
        var jobs = new JobStore(db.Db, time);
        var workspace = await new WorkspaceStore(db.Db, time, new MemoryCache(new MemoryCacheOptions())).EnsureAsync("w", null, default);
        var job = await jobs.CreateAsync(workspace.Id, "{}", null, null, default);
        // A worker claims the job and dies: nothing renews its 30 s lease.
        await jobs.ClaimAsync("gone", TimeSpan.FromSeconds(30), default);
        var options = Options.Create(new ReelgenOptions { Worker = { RescueInterval = TimeSpan.FromSeconds(5) } });
        using var signal = new WorkSignal(db.Db, Options.Create(db.Options), time, NullLogger<WorkSignal>.Instance);
        using var rescuer = new LeaseRescuer(jobs, signal, options, time, NullLogger<LeaseRescuer>.Instance);
        await rescuer.StartAsync(default);

        // Rounds at 5, 10, ... 25 s find the lease still valid.
        for (var i = 0; i < 29; i++)
            time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        Assert.Equal(JobStatus.Preprocessing, (await jobs.FindAsync(workspace.Id, job.Id, default))!.Status);

        // The round at 35 s finds it lapsed.
        time.Advance(TimeSpan.FromSeconds(6));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await jobs.FindAsync(workspace.Id, job.Id, default))!.Status != JobStatus.InQueue && DateTime.UtcNow < deadline)
            await Task.Delay(20);

        Assert.Equal(JobStatus.InQueue, (await jobs.FindAsync(workspace.Id, job.Id, default))!.Status);
        await rescuer.StopAsync(default);
    }
}
