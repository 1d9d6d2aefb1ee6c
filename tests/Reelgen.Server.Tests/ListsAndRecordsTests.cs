using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>The list endpoints, the record fields the hosted API's records have, and errors as such clients read them.</summary>
public sealed class ListsAndRecordsTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_jobs_list_pages_newest_first_with_a_cursor_and_filters_by_status()
    {
        var client = _app.V1Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.SubmitAsync(Creatives.ColourSlide(durationMs: 200, name: $"Video {i}"))).JobId);
            await Task.Delay(5);
        }
        foreach (var id in ids)
            await client.WaitForFinishedAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"video-generation-jobs/{ids[1]}")).StatusCode);
        var other = _app.V1Client(await _app.CreateWorkspaceTokenAsync("other"));
        await other.SubmitAsync(Creatives.ColourSlide(durationMs: 200));

        var first = await GetAsync(client, "video-generation-jobs?limit=2");
        var second = await GetAsync(client, $"video-generation-jobs?limit=2&cursor={first["nextCursor"]}");
        var third = await GetAsync(client, $"video-generation-jobs?limit=2&cursor={second["nextCursor"]}");
        var deleted = await GetAsync(client, "video-generation-jobs?status=deleted");
        var all = await GetAsync(client, "video-generation-jobs");

        Assert.Equal(Enumerable.Reverse(ids), Ids(first).Concat(Ids(second)).Concat(Ids(third)));
        Assert.Null(third["nextCursor"]);
        Assert.Equal([ids[1]], Ids(deleted));
        Assert.Equal(5, Ids(all).Count);
        // Items are the records GET answers, with the hosted service's field names beside Reelgen's.
        var item = first["items"]![0]!;
        Assert.Equal("Video 4", (string?)item["videoCreative"]!["settings"]!["name"]);
        Assert.Equal((string?)item["createdAt"], (string?)item["creationDate"]);
        Assert.True((bool)item["isAPIGenerated"]!);
        Assert.Empty(item["warnings"]!.AsArray());
    }

    [Fact]
    public async Task The_videos_list_holds_the_workspaces_existing_videos_newest_first()
    {
        var client = _app.LegacyClient();
        var videos = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (jobId, videoId) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 200));
            await client.WaitForFinishedAsync(jobId);
            videos.Add(videoId);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"generated-videos/{videos[0]}")).StatusCode);
        var other = _app.V1Client(await _app.CreateWorkspaceTokenAsync("other"));

        var first = await GetAsync(client, "generated-videos?limit=1");
        var second = await GetAsync(client, $"videos?limit=1&cursor={first["nextCursor"]}");
        var none = await GetAsync(other, "generated-videos");

        Assert.Equal([videos[2]], Ids(first));
        Assert.Equal([videos[1]], Ids(second));
        Assert.Null(second["nextCursor"]);
        Assert.Empty(Ids(none));
        Assert.StartsWith("http://reelgen.test/files/", (string?)first["items"]![0]!["publicUrl"]);
        Assert.Empty(first["items"]![0]!["warnings"]!.AsArray());
    }

    [Theory]
    [InlineData("video-generation-jobs?limit=0", "limit")]
    [InlineData("video-generation-jobs?limit=101", "limit")]
    [InlineData("generated-videos?limit=ten", "limit")]
    [InlineData("generated-videos?cursor=not-a-cursor", "cursor")]
    [InlineData("video-generation-jobs?cursor=%21%21", "cursor")]
    [InlineData("video-generation-jobs?status=done", "status")]
    public async Task A_bad_list_parameter_is_a_400_naming_it(string path, string parameter)
    {
        var response = await _app.V1Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(body["errors"]![parameter]);
        Assert.StartsWith($"{parameter}:", (string?)body["message"]);
    }

    [Fact]
    public async Task A_limit_of_100_is_accepted()
    {
        var response = await _app.V1Client().GetAsync("video-generation-jobs?limit=100");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_video_with_speech_carries_its_captions_as_vttSubtitleString_and_one_without_none()
    {
        var client = _app.V1Client();

        var spoken = await client.RenderAsync(SharedVideos.Presented());
        var silent = await client.RenderAsync(Creatives.ColourSlide(durationMs: 300));

        var vtt = (string?)spoken["vttSubtitleString"];
        Assert.StartsWith("WEBVTT", vtt);
        Assert.Contains("Thanks for watching.", vtt);
        Assert.Equal(vtt, await client.GetStringAsync(SharedVideos.Local(spoken, "captionsUrl")));
        Assert.Null(silent["vttSubtitleString"]);
    }

    [Fact]
    public async Task Get_and_delete_with_a_json_content_type_and_no_body_work()
    {
        var client = _app.V1Client();
        var (jobId, videoId) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 200));
        await client.WaitForFinishedAsync(jobId);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"video-generation-jobs/{jobId}"),
            (HttpMethod.Get, "video-generation-jobs?limit=1"),
            (HttpMethod.Get, $"generated-videos/{videoId}"),
            (HttpMethod.Get, "assets/actors"),
            (HttpMethod.Delete, $"generated-videos/{videoId}"),
            (HttpMethod.Delete, $"video-generation-jobs/{jobId}"),
        })
        {
            var request = new HttpRequestMessage(method, path) { Content = new StringContent("", Encoding.UTF8, "application/json") };
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Unknown_fields_anywhere_are_ignored_and_never_reported()
    {
        var client = _app.V1Client();
        var body = """
            {
              "folderId": "f1", "sharded": true,
              "videoCreative": {
                "unknownTop": { "deep": [1, 2] },
                "settings": { "name": "Extra", "videoSize": { "width": 320, "height": 240, "ratio": 1.33 }, "alphaChannel": false, "watermark": "none" },
                "scenes": [ { "name": "One", "transitionEffect": "fade", "duration": 300, "tracks": [
                  { "type": "text", "text": "Hi", "motionPath": { "curve": "ease" }, "style": { "fontSize": 20, "glow": true } } ] } ]
              }
            }
            """;

        var response = await client.PostAsync("video-generation-jobs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = await client.WaitForFinishedAsync((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
        Assert.Equal("finished", (string?)job["status"]);
        Assert.Empty(job["warnings"]!.AsArray());
    }

    [Theory]
    [InlineData("GET", "api/v1/video-generation-jobs/nope", 404)]
    [InlineData("GET", "api/v1/no-such-endpoint", 404)]
    [InlineData("PUT", "api/v1/video-generation-jobs", 405)]
    [InlineData("POST", "api/v1/video-generation-jobs", 400)]
    [InlineData("POST", "api/video-generation-jobs/template-jobs", 400)]
    [InlineData("DELETE", "api/generated-videos/nope", 404)]
    [InlineData("POST", "api/v1/video-generation-jobs/nope/callbacks/redeliver", 404)]
    public async Task Every_error_body_is_json_with_a_message(string method, string path, int status)
    {
        var client = _app.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", ReelgenApp.Token);

        var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.EndsWith("json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(text)!["message"]), text);
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static List<string> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => (string)i!["id"]!)];
}
