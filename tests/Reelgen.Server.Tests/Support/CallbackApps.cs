using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Jobs;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests.Support;

/// <summary>Settings and helpers shared by the callback tests.</summary>
public static class CallbackApps
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// <summary>An app whose callbacks may reach the loopback receiver, with a retry schedule in milliseconds.</summary>
    public static ReelgenApp Create(string schedule = "100ms,100ms,100ms", Action<Dictionary<string, string?>>? configure = null, TimeProvider? time = null, Action<IServiceCollection>? services = null) => new(
        s =>
    {
        s["Reelgen:BootstrapWebhookSecret"] = Secret;
        s["Reelgen:Network:AllowPrivateAddresses"] = "true";
        s["Reelgen:Callbacks:RetrySchedule"] = schedule;
        s["Reelgen:Callbacks:PollInterval"] = "00:00:00.200";
        configure?.Invoke(s);
    }, time, services);

    /// <summary>
    /// Writes a job row straight into the store, past the submit checks (for URLs the API would refuse, or a
    /// request the renderer cannot render), and wakes the workers.
    /// </summary>
    public static async Task<JobRow> InsertJobAsync(this ReelgenApp app, JsonObject request)
    {
        var workspace = await app.Services.GetRequiredService<WorkspaceStore>().FindByNameAsync("default", CancellationToken.None);
        var job = await app.Services.GetRequiredService<JobStore>().CreateAsync(workspace!.Id, request.ToJsonString(), (string?)request["callback"], null, CancellationToken.None);
        app.Services.GetRequiredService<WorkSignal>().Notify();
        return job;
    }

    /// <summary>
    /// A job that ends (failed) at once with a callback to <paramref name="url"/>: it has no creative, so the worker
    /// cannot render it. Cheaper than a render for tests about delivery rather than content.
    /// </summary>
    public static async Task<string> EndedJobAsync(this ReelgenApp app, string url) =>
        (await app.InsertJobAsync(new JsonObject { ["callback"] = url })).Id;

    public static async Task<JsonObject> GetCallbacksAsync(this HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JsonObject>($"video-generation-jobs/{jobId}/callbacks"))!;

    /// <summary>Polls the job's callback listing until its delivery reaches <paramref name="status"/>.</summary>
    public static async Task<JsonObject> WaitForDeliveryAsync(this HttpClient client, string jobId, string status, int? attempts = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var listing = await client.GetCallbacksAsync(jobId);
            if (listing["deliveries"]!.AsArray().FirstOrDefault() is JsonObject d && (string?)d["status"] == status
                && (attempts is null || d["attempts"]!.AsArray().Count == attempts))
            {
                return d;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"delivery of job {jobId} did not become {status}: {listing.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
