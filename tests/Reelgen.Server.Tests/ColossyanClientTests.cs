using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// Client code written for Colossyan's hosted API, pointed at a real Reelgen process on loopback with nothing changed
/// but the base URL. Each request is replayed as such clients write it (raw JSON, their headers, hosted catalogue
/// ids, fields Reelgen does not know), over the old style (<c>/api</c>, <c>authorizationtoken</c>) and the new
/// (<c>/api/v1</c>, Bearer).
/// </summary>
public sealed class ColossyanClientTests(ColossyanClientTests.Server server) : IClassFixture<ColossyanClientTests.Server>
{
    /// <summary>One reelgen process for the class: starting one costs seconds, and each test uses its own jobs.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _data = Directory.CreateTempSubdirectory("reelgen-compat-").FullName;

        public ServerProcess Process { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Process = new ServerProcess(_data, new() { ["Reelgen__Network__AllowPrivateAddresses"] = "true" });
            await Process.StartAsync();
        }

        public Task DisposeAsync()
        {
            Process.Dispose();
            Directory.Delete(_data, recursive: true);
            return Task.CompletedTask;
        }
    }

    public static TheoryData<string> Styles => ["api", "api/v1"];

    /// <summary>A client as the hosted service's documentation for that style writes one.</summary>
    private HttpClient ClientFor(string style)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Process.Port}/{style}/") };
        if (style == "api")
            client.DefaultRequestHeaders.Add("authorizationtoken", ReelgenApp.Token);
        else
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReelgenApp.Token);
        return client;
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task An_old_style_client_with_a_named_scene_and_a_removed_background_runs_without_warnings(string style)
    {
        using var client = ClientFor(style);
        await using var hooks = await CallbackReceiver.StartAsync();
        // The old docs' snippet sends its body without a Content-Type.
        var body = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""
            {
              "videoCreative": {
                "settings": { "name": "Onboarding", "videoSize": { "width": 320, "height": 240 } },
                "scenes": [
                  { "name": "Intro", "tracks": [
                    { "type": "actor", "actor": "ryan", "text": "Welcome aboard.", "speakerId": "en-GB-RyanNeural",
                      "removeBackground": true, "position": { "x": 0, "y": 0 }, "size": { "width": 320, "height": 240 } } ] }
                ]
              },
              "callback": "{{hooks.Url}}"
            }
            """));

        var created = await ReadAsync(await client.PostAsync("video-generation-jobs", body));
        var job = await PollAsync(client, (string)created["id"]!);

        Assert.Equal("finished", (string?)job["status"]);
        Assert.Empty(job["warnings"]!.AsArray());
        var video = await ReadAsync(await client.GetAsync($"videos/{created["videoId"]}"));
        Assert.Empty(video["warnings"]!.AsArray());
        Assert.StartsWith("WEBVTT", (string?)video["vttSubtitleString"]);
        Assert.Contains("Welcome aboard", (string?)video["vttSubtitleString"]);
        var callback = JsonNode.Parse((await hooks.NextAsync()).Body)!;
        Assert.Equal("finished", (string?)callback["status"]);
        Assert.Equal((string?)video["publicUrl"], (string?)callback["url"]);
        Assert.Null(callback["warnings"]);
        await AssertSpokenVideoAsync(client, video);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task A_voice_id_from_the_hosted_catalogue_renders_with_the_presenters_own_voice_and_says_so(string style)
    {
        using var client = ClientFor(style);
        await using var hooks = await CallbackReceiver.StartAsync();
        var created = await ReadAsync(await client.PostAsync("video-generation-jobs", Json($$"""
            {
              "videoCreative": {
                "settings": { "name": "Hosted voice", "videoSize": { "width": 320, "height": 240 } },
                "scenes": [ { "tracks": [ { "type": "actor", "actor": "karen", "text": "Hello there.", "speakerId": "aquXcfLbkxpW4BBI5qKm" } ] } ]
              },
              "callback": "{{hooks.Url}}",
              "callbackPayload": { "crmId": "42" }
            }
            """)));

        var job = await PollAsync(client, (string)created["id"]!);

        Assert.Equal("finished", (string?)job["status"]);
        var warning = Assert.Single(job["warnings"]!.AsArray().Select(w => (string)w!));
        Assert.StartsWith("videoCreative.scenes[0].tracks[0].speakerId: 'aquXcfLbkxpW4BBI5qKm'", warning);
        Assert.Contains("'en-US-JennyNeural' stands in (the voice of 'karen')", warning);
        // The job still shows what the client sent.
        Assert.Equal("aquXcfLbkxpW4BBI5qKm", (string?)job["videoCreative"]!["scenes"]![0]!["tracks"]![0]!["speakerId"]);
        var video = await ReadAsync(await client.GetAsync($"generated-videos/{created["videoId"]}"));
        Assert.Equal([warning], video["warnings"]!.AsArray().Select(w => (string)w!));
        var callback = JsonNode.Parse((await hooks.NextAsync()).Body)!;
        Assert.Equal([warning], callback["warnings"]!.AsArray().Select(w => (string)w!));
        Assert.Equal("42", (string?)callback["crmId"]);
        await AssertSpokenVideoAsync(client, video);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task A_client_that_tests_its_connection_with_a_list_and_sends_a_hosted_presenter_runs_with_stand_ins(string style)
    {
        using var client = ClientFor(style);
        // Its connection test: a GET carrying Content-Type: application/json and no body.
        var probe = await client.SendAsync(JsonGet("generated-videos?limit=1"));
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.NotNull((await ReadAsync(probe))["items"]!.AsArray());

        var created = await ReadAsync(await client.PostAsync("video-generation-jobs", Json("""
            {
              "videoCreative": {
                "settings": { "name": "Hosted presenter", "videoSize": { "width": 320, "height": 240 }, "alphaChannel": false },
                "scenes": [ { "tracks": [
                  { "type": "actor", "actor": "nina1", "variant": "full_body", "view": "front", "rotation": 0,
                    "speakerId": "English_witty_female_1", "text": "Nice to meet you." } ] } ]
              }
            }
            """)));
        var job = await PollAsync(client, (string)created["id"]!);

        Assert.Equal("finished", (string?)job["status"]);
        Assert.Equal(
            [
                "videoCreative.scenes[0].tracks[0].actor: 'nina1' is not a Reelgen presenter; 'karen' stands in (a female presenter, from the voice asked for).",
                "videoCreative.scenes[0].tracks[0].speakerId: 'English_witty_female_1' is not a Reelgen voice; 'en-US-JennyNeural' stands in (the voice of 'karen').",
            ],
            job["warnings"]!.AsArray().Select(w => (string)w!));
        var video = await ReadAsync(await client.SendAsync(JsonGet($"generated-videos/{created["videoId"]}")));
        Assert.Equal(2, video["warnings"]!.AsArray().Count);
        var listed = await ReadAsync(await client.SendAsync(JsonGet("generated-videos?limit=1")));
        Assert.Equal((string?)created["videoId"], (string?)listed["items"]![0]!["id"]);
        await AssertSpokenVideoAsync(client, video);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Errors_read_as_error_or_message_say_what_is_wrong(string style)
    {
        using var client = ClientFor(style);
        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress };

        var missing = await client.SendAsync(JsonGet("video-generation-jobs/no-such-job"));
        var invalid = await client.PostAsync("video-generation-jobs", Json("""{ "videoCreative": { "scenes": [] } }"""));
        var unauthorised = await anonymous.GetAsync("generated-videos?limit=1");
        var deleteMissing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "generated-videos/no-such-video") { Content = JsonContentWithNoBody() });

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no-such-job", await ErrorOrMessageAsync(missing));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.StartsWith("videoCreative.scenes:", await ErrorOrMessageAsync(invalid));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Contains("token", await ErrorOrMessageAsync(unauthorised));
        Assert.Equal(HttpStatusCode.NotFound, deleteMissing.StatusCode);
        Assert.Contains("no-such-video", await ErrorOrMessageAsync(deleteMissing));
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task A_json_body_labelled_as_a_form_or_plain_text_is_read_as_json(string style)
    {
        using var client = ClientFor(style);
        foreach (var type in new[] { "application/x-www-form-urlencoded", "text/plain" })
        {
            // curl -d sends the first; some scripts the second. Either way the body is the creative.
            var body = new StringContent("""{ "videoCreative": { "scenes": [] } }""", Encoding.UTF8, type);
            var response = await client.PostAsync("video-generation-jobs", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("videoCreative.scenes:", await ErrorOrMessageAsync(response));
        }
    }

    /// <summary>What such clients do with an error: <c>body.error || body.message</c>.</summary>
    private static async Task<string> ErrorOrMessageAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        var said = (string?)body["error"] ?? (string?)body["message"];
        Assert.False(string.IsNullOrEmpty(said), $"neither error nor message in {text}");
        return said;
    }

    /// <summary>Polls as the hosted docs' v1 example does: GET with Content-Type: application/json, until finished or failed.</summary>
    private static async Task<JsonObject> PollAsync(HttpClient client, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var job = await ReadAsync(await client.SendAsync(JsonGet($"video-generation-jobs/{jobId}")));
            if ((string?)job["status"] is "finished" or "failed")
                return job;
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} is still {job["status"]}");
            await Task.Delay(200);
        }
    }

    /// <summary>Reads the file as the clients do (<c>publicUrl || url</c>): an H.264/AAC MP4 in which someone speaks.</summary>
    private static async Task AssertSpokenVideoAsync(HttpClient client, JsonObject video)
    {
        var url = (string?)video["publicUrl"] ?? (string?)video["url"];
        Assert.NotNull(url);
        var path = Path.Combine(Path.GetTempPath(), $"reelgen-compat-{Guid.NewGuid():N}.mp4");
        try
        {
            await File.WriteAllBytesAsync(path, await client.GetByteArrayAsync(url));
            var info = await Probe.ReadAsync(path);
            Assert.Equal(("h264", "aac", 320, 240), (info.VideoCodec, info.AudioCodec, info.Width, info.Height));
            Assert.InRange(await Probe.MeanVolumeAsync(path), -45, 0); // speech; silence measures about -91 dB
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage JsonGet(string path) => new(HttpMethod.Get, path) { Content = JsonContentWithNoBody() };

    private static ByteArrayContent JsonContentWithNoBody()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
