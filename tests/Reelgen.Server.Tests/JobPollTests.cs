using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// Polls are answered from each job's record kept as bytes: byte for byte what a read from the database gives, every
/// change this process makes shown at the next poll, a change made by another process sharing the database within
/// <c>Reelgen__Database__PollCacheTime</c>, and never to another workspace.
/// </summary>
public sealed class JobPollTests
{
    private static readonly JsonNode Body = JsonNode.Parse("""
        { "videoCreative": { "settings": { "name": "Polled \"quoted\" é </script> \u2028" }, "scenes": [ { "duration": 1000, "tracks": [] } ] },
          "callbackPayload": { "order": 7, "note": null, "list": [1.5, "x"] } }
        """)!;

    private static ReelgenApp Api(Action<Dictionary<string, string?>>? configure = null) => new(s =>
    {
        s["Reelgen:Roles"] = "api";
        configure?.Invoke(s);
    });

    /// <summary>A second server on <paramref name="first"/>'s database and files, as another process would be.</summary>
    private static ReelgenApp Beside(ReelgenApp first, string? pollCacheTime = null)
    {
        var shared = first.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value;
        return Api(s =>
        {
            s["Reelgen:DataDirectory"] = shared.DataDirectory;
            s["Reelgen:Database:Provider"] = shared.Database.Provider;
            if (shared.Database.ConnectionString is { } connectionString)
                s["Reelgen:Database:ConnectionString"] = connectionString;
            if (pollCacheTime is not null)
                s["Reelgen:Database:PollCacheTime"] = pollCacheTime;
        });
    }

    private static async Task<(byte[] Body, string? ETag)> RawAsync(HttpClient client, string jobId)
    {
        using var response = await client.GetAsync($"video-generation-jobs/{jobId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag?.Tag);
    }

    private static async Task<string?> StatusAsync(HttpClient client, string jobId)
    {
        using var response = await client.GetAsync($"video-generation-jobs/{jobId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"];
    }

    private static FinishedVideo Video(string name) =>
        new(name, "key-" + Guid.NewGuid().ToString("N"), "share-" + Guid.NewGuid().ToString("N"), 1234, 1.5, 320, 240, false,
            """{"scenesRendered":1,"scenesReused":0,"speechReused":0,"seconds":0.25}""");

    [Fact]
    public async Task A_kept_answer_is_byte_for_byte_the_answer_read_from_the_database_in_every_state()
    {
        using var cached = Api();
        // Reads the state on every poll: what a poll answered before answers were kept.
        using var uncached = Beside(cached, pollCacheTime: "00:00:00");
        var client = cached.V1Client();
        var jobs = cached.Services.GetRequiredService<JobStore>();
        var lifecycle = cached.Services.GetRequiredService<JobLifecycle>();
        var (finishedId, _) = await client.SubmitAsync(Body);
        var (failedId, _) = await client.SubmitAsync(Body);

        async Task SameEverywhere(string jobId, string status)
        {
            var first = await RawAsync(client, jobId);
            var again = await RawAsync(client, jobId);
            var legacy = await RawAsync(cached.LegacyClient(), jobId);
            var read = await RawAsync(uncached.V1Client(), jobId);
            Assert.Equal(status, (string?)JsonNode.Parse(first.Body)!["status"]);
            Assert.Equal(read.Body, first.Body);
            Assert.Equal(read.Body, again.Body);
            Assert.Equal(read.Body, legacy.Body);
            Assert.NotNull(read.ETag);
            Assert.All(new[] { first.ETag, again.ETag, legacy.ETag }, tag => Assert.Equal(read.ETag, tag));
            // The same record as the list shows, field for field.
            var listed = (await client.GetFromJsonAsync<JsonObject>("video-generation-jobs"))!["items"]!.AsArray().Single(j => (string?)j!["id"] == jobId)!;
            Assert.True(JsonNode.DeepEquals(listed, JsonNode.Parse(first.Body)), $"list: {listed}\npoll: {System.Text.Encoding.UTF8.GetString(first.Body)}");
        }

        await SameEverywhere(finishedId, "in_queue");
        var claimed = (await jobs.ClaimAsync("test-worker", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        await SameEverywhere(claimed.Id, "preprocessing");
        Assert.True(await jobs.HeartbeatAsync(claimed.Id, "test-worker", "generating", 64, TimeSpan.FromMinutes(1), CancellationToken.None));
        await SameEverywhere(claimed.Id, "generating");
        Assert.True(await lifecycle.FinishAsync(claimed, "test-worker", Video("Finished"), CancellationToken.None));
        await SameEverywhere(claimed.Id, "finished");

        var other = (await jobs.ClaimAsync("test-worker", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        failedId = other.Id;
        Assert.True(await lifecycle.FailAsync(other, "test-worker", "The image at \"videoCreative.scenes[0]\" could not be read: é\n", CancellationToken.None));
        await SameEverywhere(failedId, "failed");
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"video-generation-jobs/{failedId}")).StatusCode);
        await SameEverywhere(failedId, "deleted");
    }

    [Fact]
    public async Task Every_change_this_process_makes_shows_in_its_next_poll()
    {
        // Kept answers never go stale by age here: only the writes' own word can make a change show.
        using var app = Api(s => s["Reelgen:Database:PollCacheTime"] = "00:01:00");
        var client = app.V1Client();
        var jobs = app.Services.GetRequiredService<JobStore>();
        var lifecycle = app.Services.GetRequiredService<JobLifecycle>();
        var (jobId, _) = await client.SubmitAsync(Body);
        Assert.Equal("in_queue", await StatusAsync(client, jobId));

        var job = (await jobs.ClaimAsync("w1", TimeSpan.FromMilliseconds(1), CancellationToken.None))!;
        Assert.Equal("preprocessing", await StatusAsync(client, jobId));
        await Task.Delay(20);
        Assert.Equal(1, await jobs.RescueExpiredAsync(CancellationToken.None));
        Assert.Equal("in_queue", await StatusAsync(client, jobId));

        job = (await jobs.ClaimAsync("w2", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        Assert.Equal("preprocessing", await StatusAsync(client, jobId));
        Assert.True(await jobs.ReleaseAsync(jobId, "w2", CancellationToken.None));
        Assert.Equal("in_queue", await StatusAsync(client, jobId));

        job = (await jobs.ClaimAsync("w3", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        foreach (var (status, progress) in new[] { ("preprocessing_finished", 30L), ("generating", 31L), ("generating", 77L) })
        {
            Assert.True(await jobs.HeartbeatAsync(jobId, "w3", status, progress, TimeSpan.FromMinutes(1), CancellationToken.None));
            var polled = await client.GetJobAsync(jobId);
            Assert.Equal((status, progress), ((string?)polled["status"], (long)polled["progress"]!));
        }
        Assert.True(await lifecycle.FinishAsync(job, "w3", Video("Done"), CancellationToken.None));
        var finished = await client.GetJobAsync(jobId);
        Assert.Equal("finished", (string?)finished["status"]);
        Assert.Equal(1, (int)finished["renderStats"]!["scenesRendered"]!);

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);
        Assert.Equal("deleted", await StatusAsync(client, jobId));
        Assert.Equal(1, await jobs.RemoveEndedAsync([jobId], CancellationToken.None));
        Assert.Null(await StatusAsync(client, jobId));

        var (failing, _) = await client.SubmitAsync(Body);
        Assert.Equal("in_queue", await StatusAsync(client, failing));
        job = (await jobs.ClaimAsync("w4", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        Assert.True(await lifecycle.FailAsync(job, "w4", "It broke.", CancellationToken.None));
        var failed = await client.GetJobAsync(failing);
        Assert.Equal(("failed", "It broke."), ((string?)failed["status"], (string?)failed["error"]));
    }

    [Fact]
    public async Task A_kept_answer_is_a_404_to_another_workspace()
    {
        using var app = Api();
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Body);
        var stranger = app.V1Client(await app.CreateWorkspaceTokenAsync("stranger"));
        // Before the answer is kept, while it is, and after a change.
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"video-generation-jobs/{jobId}")).StatusCode);
        Assert.Equal("in_queue", await StatusAsync(client, jobId));
        using var notFound = await stranger.GetAsync($"video-generation-jobs/{jobId}");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.DoesNotContain("videoCreative", await notFound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.LegacyClient(await app.CreateWorkspaceTokenAsync("other")).GetAsync($"video-generation-jobs/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);
        Assert.Equal("in_queue", await StatusAsync(client, jobId));
    }

    [Fact]
    public async Task A_poll_naming_the_current_tag_is_a_304_and_a_change_gives_a_new_tag()
    {
        using var app = Api();
        var client = app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Body);
        var (_, tag) = await RawAsync(client, jobId);
        Assert.Matches("^\"[0-9a-f]{24}\"$", tag);

        async Task<HttpResponseMessage> Conditional(string ifNoneMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"video-generation-jobs/{jobId}");
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            return await client.SendAsync(request);
        }

        foreach (var header in new[] { tag!, $"W/{tag}", $"\"other\", {tag}", "*" })
        {
            using var notModified = await Conditional(header);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(tag, notModified.Headers.ETag?.Tag);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }
        using (var other = await Conditional("\"other\""))
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);
        using var changed = await Conditional(tag!);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag?.Tag);
        Assert.Equal("deleted", (string?)JsonNode.Parse(await changed.Content.ReadAsStringAsync())!["status"]);
    }

    [Fact]
    public async Task A_change_made_by_one_server_shows_in_the_others_polls_within_the_poll_cache_time()
    {
        // Two servers on one PostgreSQL, each keeping answers for the default second.
        var (connectionString, schema) = StoreDatabase.CreateSchema();
        try
        {
            using var first = Api(s =>
            {
                s["Reelgen:Database:Provider"] = "postgres";
                s["Reelgen:Database:ConnectionString"] = connectionString;
            });
            using var second = Beside(first);
            var bound = second.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value.Database.PollCacheTime;
            Assert.Equal(TimeSpan.FromSeconds(1), bound);
            var a = first.V1Client();
            var b = second.V1Client();
            var jobs = first.Services.GetRequiredService<JobStore>();
            var (jobId, _) = await a.SubmitAsync(Body);

            // Each change through the first, then the second polled until the bound has passed since the change: the
            // poll after that shows it.
            async Task SeenWithinBound(Func<Task> change, string status, long progress)
            {
                Assert.Equal(HttpStatusCode.OK, (await b.GetAsync($"video-generation-jobs/{jobId}")).StatusCode);
                await change();
                var changed = Stopwatch.StartNew();
                while (changed.Elapsed < bound)
                {
                    await b.GetJobAsync(jobId);
                    await Task.Delay(50);
                }
                var polled = await b.GetJobAsync(jobId);
                Assert.Equal((status, progress), ((string?)polled["status"], (long)polled["progress"]!));
                // And the first, which made the change, shows it at once; both give the same bytes.
                Assert.Equal((await RawAsync(a, jobId)).Body, (await RawAsync(b, jobId)).Body);
            }

            JobRow? job = null;
            await SeenWithinBound(async () => job = await jobs.ClaimAsync("w", TimeSpan.FromMinutes(1), CancellationToken.None), "preprocessing", 0);
            await SeenWithinBound(() => jobs.HeartbeatAsync(jobId, "w", "generating", 55, TimeSpan.FromMinutes(1), CancellationToken.None), "generating", 55);
            await SeenWithinBound(() => first.Services.GetRequiredService<JobLifecycle>().FinishAsync(job!, "w", Video("Shared"), CancellationToken.None), "finished", 100);
            await SeenWithinBound(() => a.DeleteAsync($"video-generation-jobs/{jobId}"), "deleted", 100);
        }
        finally
        {
            StoreDatabase.DropSchema(schema);
        }
    }
}

/// <summary>A finished job shows what its render did: the second job speaking the same script reuses its speech.</summary>
public sealed class RenderStatsTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_finished_job_reports_its_render_figures_and_reused_speech()
    {
        var client = _app.V1Client();
        var body = JsonNode.Parse("""
            { "videoCreative": { "settings": { "videoSize": { "width": 160, "height": 120 } }, "scenes": [ { "tracks": [
                { "type": "actor", "actor": "ryan", "text": "Spoken once.", "position": { "x": 40, "y": 10 }, "size": { "width": 80, "height": 100 } } ] } ] } }
            """)!;

        var (firstId, _) = await client.SubmitAsync(body);
        var first = await client.WaitForFinishedAsync(firstId, TimeSpan.FromSeconds(120));
        var (secondId, _) = await client.SubmitAsync(body);
        var second = await client.WaitForFinishedAsync(secondId, TimeSpan.FromSeconds(120));

        Assert.Equal("finished", (string?)first["status"]);
        Assert.Equal("finished", (string?)second["status"]);
        Assert.Equal(1, (int)first["renderStats"]!["scenesRendered"]!);
        Assert.Equal(0, (int)first["renderStats"]!["scenesReused"]!);
        Assert.Equal(0, (int)first["renderStats"]!["speechReused"]!);
        Assert.True((double)first["renderStats"]!["seconds"]! > 0);
        Assert.Equal(1, (int)second["renderStats"]!["speechReused"]!);
        Assert.Equal(0, (int)second["renderStats"]!["scenesRendered"]!);
        Assert.Equal(1, (int)second["renderStats"]!["scenesReused"]!);
        // The list shows the same record.
        var listed = (await client.GetFromJsonAsync<JsonObject>("video-generation-jobs"))!["items"]!.AsArray();
        Assert.Equal(1, (int)listed.Single(j => (string?)j!["id"] == secondId)!["renderStats"]!["speechReused"]!);
    }

    [Fact]
    public async Task A_template_job_with_one_variable_changed_renders_only_the_scene_that_uses_it()
    {
        var client = _app.V1Client();
        JsonNode Job(string name) => JsonNode.Parse($$"""
            { "videoCreative": { "settings": { "videoSize": { "width": 160, "height": 120 } }, "scenes": [
                { "duration": 400, "backgroundColor": "#FF0000", "tracks": [ { "type": "text", "text": "Hello" } ] },
                { "duration": 400, "backgroundColor": "#0000FF", "tracks": [ { "type": "text", "text": "Hi {name}" } ] } ] },
              "dynamicVariables": { "name": "{{name}}" } }
            """)!;

        var (firstId, _) = await client.SubmitAsync(Job("Ada"));
        var first = await client.WaitForFinishedAsync(firstId, TimeSpan.FromSeconds(120));
        var (secondId, _) = await client.SubmitAsync(Job("Grace"));
        var second = await client.WaitForFinishedAsync(secondId, TimeSpan.FromSeconds(120));

        Assert.Equal((2, 0), ((int)first["renderStats"]!["scenesRendered"]!, (int)first["renderStats"]!["scenesReused"]!));
        Assert.Equal((1, 1), ((int)second["renderStats"]!["scenesRendered"]!, (int)second["renderStats"]!["scenesReused"]!));
    }
}
