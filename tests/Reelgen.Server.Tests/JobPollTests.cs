using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// Polls are answered from a job's fixed part kept in memory and its state read on every poll: two API processes on
/// one database, a change made through one is seen by the next poll of the other.
/// </summary>
public sealed class JobPollTests : IDisposable
{
    private readonly ReelgenApp _first = new(s => s["Reelgen:Roles"] = "api");
    private readonly ReelgenApp _second;

    public JobPollTests()
    {
        var shared = _first.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value;
        _second = new ReelgenApp(s =>
        {
            s["Reelgen:Roles"] = "api";
            s["Reelgen:DataDirectory"] = shared.DataDirectory;
            s["Reelgen:Database:Provider"] = shared.Database.Provider;
            if (shared.Database.ConnectionString is { } connectionString)
                s["Reelgen:Database:ConnectionString"] = connectionString;
        });
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
    }

    [Fact]
    public async Task A_poll_shows_the_state_another_process_wrote_and_the_job_as_submitted()
    {
        var first = _first.V1Client();
        var body = JsonNode.Parse("""
            { "videoCreative": { "settings": { "name": "Polled \"quoted\" é" }, "scenes": [ { "duration": 1000, "tracks": [] } ] },
              "callbackPayload": { "order": 7 } }
            """)!;
        var (jobId, videoId) = await first.SubmitAsync(body);

        var queued = await first.GetJobAsync(jobId);
        Assert.Equal("in_queue", (string?)queued["status"]);
        Assert.Equal(jobId, (string?)queued["id"]);
        Assert.Equal(videoId, (string?)queued["videoId"]);
        Assert.Equal("Polled \"quoted\" é", (string?)queued["videoCreative"]!["settings"]!["name"]);
        Assert.Equal(7, (int)queued["callbackPayload"]!["order"]!);
        Assert.Equal(0, (long)queued["progress"]!);
        Assert.True((long)queued["maximumProgress"]! > 0);
        Assert.Equal((string?)queued["createdAt"], (string?)queued["creationDate"]);
        Assert.True((bool)queued["isAPIGenerated"]!);
        Assert.Empty(queued["warnings"]!.AsArray());
        Assert.Null(queued["error"]);
        // The same poll again comes from the kept bytes: the same record.
        Assert.Equal(queued.ToJsonString(), (await first.GetJobAsync(jobId)).ToJsonString());

        // Deleted through the other process: the first one's next poll says so.
        Assert.Equal(HttpStatusCode.OK, (await _second.V1Client().DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);
        var deleted = await first.GetJobAsync(jobId);
        Assert.Equal("deleted", (string?)deleted["status"]);
        Assert.Equal(jobId, (string?)deleted["id"]);
        Assert.True(string.CompareOrdinal((string)deleted["updatedAt"]!, (string)queued["updatedAt"]!) >= 0);

        // Kept bytes never leak across workspaces.
        var stranger = _first.V1Client(await _first.CreateWorkspaceTokenAsync("stranger"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"video-generation-jobs/{jobId}")).StatusCode);
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
