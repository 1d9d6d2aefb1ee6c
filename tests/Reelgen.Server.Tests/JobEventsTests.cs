using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>GET /video-generation-jobs/{id}/events: live progress as Server-Sent Events, read as a client reads them.</summary>
public sealed class JobEventsTests
{
    [Fact]
    public async Task The_stream_reports_each_change_and_ends_with_the_finished_video()
    {
        using var app = new ReelgenApp();
        using var api = app.V1Client();
        var (jobId, videoId) = await api.SubmitAsync(Creatives.ColourSlide(durationMs: 2000));

        var events = await ReadAllAsync(api, $"video-generation-jobs/{jobId}/events");

        Assert.All(events[..^1], e => Assert.Equal("progress", e.Type));
        var done = events[^1];
        Assert.Equal("done", done.Type);
        Assert.Equal("finished", (string?)done.Data!["status"]);
        Assert.Equal(100, (long)done.Data["progress"]!);
        Assert.Equal(videoId, (string?)done.Data["video"]!["id"]);
        Assert.StartsWith("http://reelgen.test/files/", (string?)done.Data["video"]!["publicUrl"], StringComparison.Ordinal);
        Assert.StartsWith("http://reelgen.test/share/", (string?)done.Data["video"]!["shareUrl"], StringComparison.Ordinal);
        // Each event is a change, and progress never goes down.
        var states = events.Select(e => ((string?)e.Data!["status"], (long)e.Data["progress"]!)).ToList();
        Assert.Equal(states.Count, states.Distinct().Count());
        Assert.True(states.Zip(states.Skip(1)).All(p => p.First.Item2 <= p.Second.Item2), string.Join(", ", states));
        Assert.Contains(states, s => s.Item1 is "preprocessing" or "preprocessing_finished" or "generating");
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeats_and_a_deleted_job_ends_it()
    {
        // API role only: the job stays queued, so nothing changes until it is deleted.
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:Roles"] = "api";
            s["Reelgen:Events:HeartbeatInterval"] = "00:00:00.100";
        });
        using var api = app.LegacyClient();
        var (jobId, _) = await api.SubmitAsync(Creatives.ColourSlide());

        var reading = ReadAllAsync(api, $"video-generation-jobs/{jobId}/events", keepComments: true);
        await Task.Delay(1500);
        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);
        var events = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("progress", events[0].Type);
        Assert.Equal("in_queue", (string?)events[0].Data!["status"]);
        Assert.True(events.Count(e => e.Type == ":heartbeat") >= 2, string.Join(", ", events.Select(e => e.Type)));
        Assert.Equal("done", events[^1].Type);
        Assert.Equal("deleted", (string?)events[^1].Data!["status"]);
        Assert.Null(events[^1].Data!["video"]);
    }

    [Fact]
    public async Task The_stream_needs_a_token_of_the_jobs_workspace()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        using var api = app.V1Client();
        var (jobId, _) = await api.SubmitAsync(Creatives.ColourSlide());
        using var stranger = app.V1Client(await app.CreateWorkspaceTokenAsync("other"));
        using var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/video-generation-jobs/{jobId}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"video-generation-jobs/{jobId}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("video-generation-jobs/no-such-job/events")).StatusCode);
    }

    private sealed record Event(string Type, JsonObject? Data);

    /// <summary>Reads the stream to its end: each event with its data, and (when asked) each comment as ":heartbeat".</summary>
    private static async Task<List<Event>> ReadAllAsync(HttpClient api, string path, bool keepComments = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<Event>();
        string? type = null;
        string? data = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                if (keepComments)
                    events.Add(new Event(":heartbeat", null));
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.Length == 0 && type is not null)
            {
                events.Add(new Event(type, JsonNode.Parse(data!)!.AsObject()));
                (type, data) = (null, null);
            }
        }
        return events;
    }
}
