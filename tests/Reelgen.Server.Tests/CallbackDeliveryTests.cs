using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;
using Xunit.Abstractions;

namespace Reelgen.Server.Tests;

public sealed class CallbackDeliveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_finished_job_posts_a_signed_body_with_every_key_within_a_second_of_finishing()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide()))!.AsObject();
        body["callback"] = receiver.Url;
        body["callbackPayload"] = new JsonObject { ["orderId"] = "A-42", ["nested"] = new JsonObject { ["n"] = 1 } };
        body["dynamicVariables"] = new JsonObject { ["firstName"] = "Ada" };
        var (jobId, videoId) = await client.SubmitAsync(body);

        var callback = await receiver.NextAsync();
        var job = await client.GetJobAsync(jobId);
        Assert.Equal("finished", (string?)job["status"]);

        // The body: the contract's keys, then callbackPayload and dynamicVariables flat at the top level.
        var sent = JsonNode.Parse(callback.Body)!.AsObject();
        var video = (await client.GetFromJsonAsync<JsonObject>($"generated-videos/{videoId}"))!;
        Assert.Equal((string?)video["publicUrl"], (string?)sent["url"]);
        Assert.Equal((string?)video["shareUrl"], (string?)sent["videoUrl"]);
        Assert.Equal((string?)video["shareUrl"], (string?)sent["shareUrl"]);
        Assert.Equal("finished", (string?)sent["status"]);
        Assert.Equal(jobId, (string?)sent["jobId"]);
        Assert.Equal(videoId, (string?)sent["videoId"]);
        Assert.Equal("A-42", (string?)sent["orderId"]);
        Assert.Equal(1, (int?)sent["nested"]!["n"]);
        Assert.Equal("Ada", (string?)sent["firstName"]);
        Assert.False(sent.ContainsKey("error"));
        Assert.StartsWith("application/json", callback.ContentType);

        // Standard Webhooks headers, the signature checked by hand.
        Assert.StartsWith("msg_", callback.Id);
        var timestamp = long.Parse(callback.Timestamp!, CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(callback.IsSignedWith(CallbackApps.Secret), $"signature {callback.Signature} does not verify");
        Assert.DoesNotContain(' ', callback.Signature!);

        // It leaves promptly: the dispatcher is woken by the job's end, not by its next poll.
        var finishedAt = DateTimeOffset.Parse((string)job["updatedAt"]!, CultureInfo.InvariantCulture);
        var latency = callback.At - finishedAt;
        output.WriteLine($"callback arrived {latency.TotalMilliseconds:0} ms after the job finished");
        Assert.True(latency < TimeSpan.FromSeconds(1), $"the callback arrived {latency.TotalMilliseconds:0} ms after the job finished");

        // Visible: one delivery, one attempt with its status code.
        var delivery = await client.WaitForDeliveryAsync(jobId, "delivered");
        Assert.Equal(callback.Id, (string?)delivery["id"]);
        Assert.Equal(receiver.Url, (string?)delivery["url"]);
        var attempt = delivery["attempts"]!.AsArray().Single()!;
        Assert.Equal(200, (int?)attempt["statusCode"]);
        Assert.Null(attempt["error"]);
        Assert.True((long)attempt["durationMs"]! >= 0);
        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_failed_job_posts_status_failed_with_the_error_and_no_video_urls()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        // No creative at all: the renderer cannot render it, so the worker fails the job (the API would refuse it).
        var job = await app.InsertJobAsync(new JsonObject
        {
            ["callback"] = receiver.Url,
            ["callbackPayload"] = new JsonObject { ["orderId"] = "B-7" },
            ["dynamicVariables"] = new JsonObject { ["firstName"] = "Grace" },
        });

        var callback = await receiver.NextAsync();
        var finished = await client.GetJobAsync(job.Id);
        Assert.Equal("failed", (string?)finished["status"]);
        var sent = JsonNode.Parse(callback.Body)!.AsObject();
        Assert.Equal("failed", (string?)sent["status"]);
        Assert.Equal((string?)finished["error"], (string?)sent["error"]);
        Assert.False(string.IsNullOrEmpty((string?)sent["error"]));
        Assert.Null(sent["url"]);
        Assert.Null(sent["shareUrl"]);
        Assert.Equal(job.Id, (string?)sent["jobId"]);
        Assert.Equal(job.VideoId, (string?)sent["videoId"]);
        Assert.Equal("B-7", (string?)sent["orderId"]);
        Assert.Equal("Grace", (string?)sent["firstName"]);
        Assert.True(callback.IsSignedWith(CallbackApps.Secret));
    }

    [Fact]
    public async Task Redelivery_sends_the_same_id_again_signed_with_both_secrets_during_a_rotation()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);
        var first = await receiver.NextAsync();
        await client.WaitForDeliveryAsync(jobId, "delivered", attempts: 1);

        var rotated = await app.Services.GetRequiredService<WorkspaceStore>().RotateWebhookSecretAsync("default", CancellationToken.None);
        var legacy = app.LegacyClient();
        var response = await legacy.PostAsync($"video-generation-jobs/{jobId}/callbacks/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var again = await receiver.NextAsync();
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(2, again.Signature!.Split(' ').Length);
        Assert.True(again.IsSignedWith(rotated.WebhookSecret), "the new secret's signature does not verify");
        Assert.True(again.IsSignedWith(CallbackApps.Secret), "the previous secret's signature does not verify");

        var delivery = await legacy.WaitForDeliveryAsync(jobId, "delivered", attempts: 2);
        Assert.Equal([1, 2], delivery["attempts"]!.AsArray().Select(a => (int)a!["attempt"]!));
    }

    [Fact]
    public async Task Another_workspace_cannot_see_or_redeliver_my_callbacks()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var jobId = await app.EndedJobAsync(receiver.Url);
        var other = app.V1Client(await app.CreateWorkspaceTokenAsync("other"));

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"video-generation-jobs/{jobId}/callbacks")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"video-generation-jobs/{jobId}/callbacks/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.V1Client().GetAsync("video-generation-jobs/nope/callbacks")).StatusCode);
    }

    [Fact]
    public async Task A_job_without_a_callback_url_lists_nothing_and_cannot_be_redelivered()
    {
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        var jobId = (await app.InsertJobAsync([])).Id;
        await client.WaitForFinishedAsync(jobId);
        Assert.Empty((await client.GetCallbacksAsync(jobId))["deliveries"]!.AsArray());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"video-generation-jobs/{jobId}/callbacks/redeliver", null)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_job_cancels_its_pending_retries_and_redelivery()
    {
        await using var receiver = await CallbackReceiver.StartAsync((_, http) =>
        {
            http.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        using var app = CallbackApps.Create(schedule: "1500ms,1500ms,1500ms");
        var client = app.V1Client();
        var jobId = await app.EndedJobAsync(receiver.Url);
        // The retries are 1.5 s apart, so the delete lands before the second attempt even on a busy machine, and the
        // wait below spans where that attempt would have come.
        await receiver.NextAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);

        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(2500));
        var delivery = (await client.GetCallbacksAsync(jobId))["deliveries"]!.AsArray().Single()!;
        Assert.Equal("cancelled", (string?)delivery["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"video-generation-jobs/{jobId}/callbacks/redeliver", null)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_finished_job_cancels_its_pending_callback_and_keeps_its_video()
    {
        await using var receiver = await CallbackReceiver.StartAsync((_, http) =>
        {
            http.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var app = CallbackApps.Create(schedule: "1500ms,1500ms,1500ms");
        var client = app.V1Client();
        var body = System.Text.Json.JsonSerializer.SerializeToNode(Creatives.ColourSlide(durationMs: 400))!.AsObject();
        body["callback"] = receiver.Url;
        var (jobId, videoId) = await client.SubmitAsync(body);
        Assert.Equal("finished", (string?)(await client.WaitForFinishedAsync(jobId))["status"]);
        Assert.Equal("finished", System.Text.Json.JsonDocument.Parse((await receiver.NextAsync()).Body).RootElement.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);

        await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(2500));
        Assert.Equal("cancelled", (string?)(await client.GetCallbacksAsync(jobId))["deliveries"]!.AsArray().Single()!["status"]);
        var video = (await client.GetFromJsonAsync<JsonObject>($"generated-videos/{videoId}"))!;
        Assert.NotNull((string?)video["publicUrl"]);
    }

    [Fact]
    public async Task A_delivery_written_before_a_restart_is_sent_after_it()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var data = Directory.CreateTempSubdirectory("reelgen-callback-restart-").FullName;
        try
        {
            JobRow job;
            // First life: an API-only process (no dispatcher) ends a job, writing its callback to the outbox, and stops.
            using (var before = CallbackApps.Create(configure: s =>
            {
                s["Reelgen:DataDirectory"] = data;
                s["Reelgen:Roles"] = "api";
            }))
            {
                job = await before.InsertJobAsync(new JsonObject { ["callback"] = receiver.Url, ["callbackPayload"] = new JsonObject { ["k"] = "v" } });
                var jobs = before.Services.GetRequiredService<JobStore>();
                var claimed = await jobs.ClaimAsync("test-worker", TimeSpan.FromMinutes(1), CancellationToken.None);
                Assert.Equal(job.Id, claimed!.Id);
                var video = new FinishedVideo("v", "file-key", "share-id", 1, 1, 2, 2, false);
                Assert.True(await before.Services.GetRequiredService<JobLifecycle>().FinishAsync(claimed, "test-worker", video, CancellationToken.None));
                var pending = (await before.V1Client().GetCallbacksAsync(job.Id))["deliveries"]!.AsArray().Single()!;
                Assert.Equal("pending", (string?)pending["status"]);
                await receiver.AssertNothingArrivesAsync(TimeSpan.FromMilliseconds(300));
            }

            // Second life: a worker on the same data sends it.
            using var after = CallbackApps.Create(configure: s => s["Reelgen:DataDirectory"] = data);
            var client = after.V1Client();
            var callback = await receiver.NextAsync(TimeSpan.FromSeconds(10));
            var sent = JsonNode.Parse(callback.Body)!;
            Assert.Equal(job.Id, (string?)sent["jobId"]);
            Assert.Equal("http://reelgen.test/files/file-key.mp4", (string?)sent["url"]);
            Assert.Equal("v", (string?)sent["k"]);
            Assert.True(callback.IsSignedWith(CallbackApps.Secret));
            var delivered = await client.WaitForDeliveryAsync(job.Id, "delivered");
            Assert.Equal(callback.Id, (string?)delivered["id"]);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static JsonObject WithCallback(object creative, string url, JsonObject? payload = null)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(creative))!.AsObject();
        body["callback"] = url;
        if (payload is not null)
            body["callbackPayload"] = payload;
        return body;
    }
}
