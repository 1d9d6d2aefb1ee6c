using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Data;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class RetentionTests
{
    [Fact]
    public async Task Videos_and_then_jobs_past_their_days_are_deleted_files_and_all()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create(configure: s =>
        {
            s["Reelgen:Retention:VideoDays"] = "7";
            s["Reelgen:Retention:JobDays"] = "30";
            // Advancing the fake clock by days fires every periodic timer once per period: keep them few.
            s["Reelgen:Worker:RescueInterval"] = "01:00:00";
        }, time: time);
        var client = app.V1Client();
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide()))!.AsObject();
        body["callback"] = receiver.Url;
        var (jobId, videoId) = await client.SubmitAsync(body);
        Assert.Equal("finished", (string?)(await client.WaitForFinishedAsync(jobId))["status"]);
        await client.WaitForDeliveryAsync(jobId, "delivered");
        var videos = Path.Combine(app.DataDirectory, "videos");
        Assert.Contains(Directory.GetFiles(videos), f => f.EndsWith(".mp4", StringComparison.Ordinal));

        // Six days on, nothing is old enough.
        time.Advance(TimeSpan.FromDays(6));
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"generated-videos/{videoId}")).StatusCode);

        // Past seven days the video goes, its files with it; the job stays.
        time.Advance(TimeSpan.FromDays(2));
        await WaitUntilAsync(async () => (await client.GetAsync($"generated-videos/{videoId}")).StatusCode == HttpStatusCode.NotFound);
        Assert.Empty(Directory.GetFiles(videos));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"video-generation-jobs/{jobId}")).StatusCode);

        // Past thirty days the job goes too, with its video's row and its callback's records.
        time.Advance(TimeSpan.FromDays(23));
        await WaitUntilAsync(async () => (await client.GetAsync($"video-generation-jobs/{jobId}")).StatusCode == HttpStatusCode.NotFound);
        var db = app.Services.GetRequiredService<Db>();
        Assert.Equal(0, await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM videos"));
        Assert.Equal(0, await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM callback_deliveries"));
        Assert.Equal(0, await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM callback_attempts"));
    }

    [Fact]
    public async Task A_queued_job_is_never_removed_however_old()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // An API-only process queues; a worker-only one on the same data directory cleans and would render, but
        // is not started until the job is old: what counts is that waiting is not ending.
        using var api = new ReelgenApp(s => s["Reelgen:Roles"] = "api", time);
        var (jobId, _) = await api.V1Client().SubmitAsync(Creatives.ColourSlide());
        time.Advance(TimeSpan.FromDays(400));
        var store = api.Services.GetRequiredService<Reelgen.Server.Jobs.JobStore>();
        var (ids, _) = await store.ListEndedBeforeAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), 100, CancellationToken.None);
        Assert.DoesNotContain(jobId, ids);
        Assert.Equal(0, await store.RemoveEndedAsync([jobId], CancellationToken.None));
        Assert.Equal("in_queue", (string?)(await api.V1Client().GetJobAsync(jobId))["status"]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the retention pass did not run");
            await Task.Delay(50);
        }
    }
}
