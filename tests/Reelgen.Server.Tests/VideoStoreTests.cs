using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Videos;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

/// <summary>The generated-video store's contract, run against SQLite and PostgreSQL alike.</summary>
public sealed class VideoStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A finished job of workspace "w", and the store its video is in.</summary>
    private async Task<(StoreDatabase Db, VideoStore Videos, string WorkspaceId, JobRow Job)> SetUpAsync(string provider)
    {
        var db = await StoreDatabase.CreateAsync(provider);
        var workspace = await new WorkspaceStore(db.Db, _time, new MemoryCache(new MemoryCacheOptions())).EnsureAsync("w", null, CancellationToken.None);
        var jobs = new JobStore(db.Db, _time);
        await jobs.CreateAsync(workspace.Id, "{}", null, null, default);
        var job = (await jobs.ClaimAsync("worker", TimeSpan.FromSeconds(30), default))!;
        Assert.True(await db.Db.WriteAsync((c, t) => jobs.FinishAsync(c, t, job, "worker", new FinishedVideo("Tour", "filekey", "shareid", 1234, 2.5, 320, 240, true), default)));
        return (db, new VideoStore(db.Db, _time), workspace.Id, job);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_finished_video_is_found_by_id_in_its_workspace_and_by_its_public_keys(string provider)
    {
        var (db, videos, ws, job) = await SetUpAsync(provider);
        await using var _ = db;

        var video = (await videos.FindAsync(ws, job.VideoId, default))!;

        Assert.Equal(job.Id, video.JobId);
        Assert.Equal("Tour", video.Name);
        Assert.Equal(1234, video.SizeBytes);
        Assert.Equal(2.5, video.DurationSeconds);
        Assert.Equal((320, 240), (video.Width, video.Height));
        Assert.Equal(1, video.HasCaptions);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), video.CreatedAt);
        Assert.Equal(video.Id, (await videos.FindByFileKeyAsync("filekey", default))!.Id);
        Assert.Equal(video.Id, (await videos.FindByShareIdAsync("shareid", default))!.Id);
        Assert.Null(await videos.FindAsync("another-workspace", job.VideoId, default));
        Assert.Null(await videos.FindByFileKeyAsync("otherkey", default));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_deleted_video_is_found_by_nothing_and_is_deleted_once(string provider)
    {
        var (db, videos, ws, job) = await SetUpAsync(provider);
        await using var _ = db;

        Assert.False(await videos.DeleteAsync("another-workspace", job.VideoId, default));
        Assert.True(await videos.DeleteAsync(ws, job.VideoId, default));
        Assert.False(await videos.DeleteAsync(ws, job.VideoId, default));

        Assert.Null(await videos.FindAsync(ws, job.VideoId, default));
        Assert.Null(await videos.FindByFileKeyAsync("filekey", default));
        Assert.Null(await videos.FindByShareIdAsync("shareid", default));
    }
}
