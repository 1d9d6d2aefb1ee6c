using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class JobsApiTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_submitted_job_renders_to_an_h264_aac_mp4_of_the_right_size_and_duration()
    {
        var client = _app.V1Client();
        var (jobId, videoId) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1500, width: 320, height: 240));

        var job = await client.WaitForFinishedAsync(jobId);

        Assert.Equal("finished", (string?)job["status"]);
        Assert.Equal(videoId, (string?)job["videoId"]);
        Assert.Equal((long)job["maximumProgress"]!, (long)job["progress"]!);
        var video = (await client.GetFromJsonAsync<JsonObject>($"generated-videos/{videoId}"))!;
        Assert.Equal(jobId, (string?)video["jobId"]);
        Assert.Equal("Test video", (string?)video["name"]);
        var file = await DownloadAsync((string)video["publicUrl"]!);
        var info = await Probe.ReadAsync(file);
        Assert.Equal("h264", info.VideoCodec);
        Assert.Equal("aac", info.AudioCodec);
        Assert.Equal((320, 240), (info.Width, info.Height));
        Assert.Equal("yuv420p", info.PixelFormat);
        Assert.InRange(info.DurationSeconds, 1.45, 1.6);
        Assert.Equal(new FileInfo(file).Length, (long)video["videoSizeBytes"]!);
        Assert.InRange((double)video["videoDurationSeconds"]!, 1.45, 1.6);
    }

    [Fact]
    public async Task Progress_advances_while_encoding_never_goes_down_and_ends_at_the_maximum()
    {
        var client = _app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 90_000, width: 640, height: 360));
        var seen = new List<JsonObject>();

        var job = await client.WaitForFinishedAsync(jobId, TimeSpan.FromSeconds(120), seen);

        Assert.Equal("finished", (string?)job["status"]);
        var progress = seen.Select(j => (long)j["progress"]!).ToList();
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(100, progress[^1]);
        var whileGenerating = seen.Where(j => (string?)j["status"] == "generating").Select(j => (long)j["progress"]!).Distinct().ToList();
        Assert.True(whileGenerating.Count >= 2, $"progress while generating: {string.Join(", ", whileGenerating)}");
        Assert.All(whileGenerating, p => Assert.InRange(p, 30, 99));
        var statuses = seen.Select(j => (string)j["status"]!).Distinct().ToList();
        Assert.Equal(statuses.OrderBy(s => Array.IndexOf(new[] { "in_queue", "preprocessing", "preprocessing_finished", "generating", "finished" }, s)), statuses);
    }

    [Fact]
    public async Task The_legacy_api_accepts_the_authorizationtoken_header_and_a_body_without_content_type()
    {
        var client = _app.LegacyClient();
        var body = new ByteArrayContent(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide())));
        var response = await client.PostAsync("video-generation-jobs", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var job = await client.WaitForFinishedAsync((string)created["id"]!);

        Assert.Equal("finished", (string?)job["status"]);
        var video = (await client.GetFromJsonAsync<JsonObject>($"videos/{created["videoId"]}"))!;
        Assert.StartsWith("http://reelgen.test/files/", (string?)video["publicUrl"]);
    }

    [Fact]
    public async Task The_job_echoes_what_was_submitted_with_its_state_on_top()
    {
        var client = _app.V1Client();
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide(name: "Echo"));

        var job = await client.GetJobAsync(jobId);

        Assert.Equal("Echo", (string?)job["videoCreative"]!["settings"]!["name"]);
        Assert.Equal(100, (long)job["maximumProgress"]!);
        Assert.NotNull(job["createdAt"]);
        Assert.NotNull(job["updatedAt"]);
        Assert.Contains((string?)job["status"], new[] { "in_queue", "preprocessing", "preprocessing_finished", "generating", "finished" });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Requests_without_a_valid_token_are_refused_with_401(string? token)
    {
        var client = _app.CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Add("authorizationtoken", token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/video-generation-jobs", Creatives.ColourSlide())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/video-generation-jobs/x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/generated-videos/x")).StatusCode);
    }

    [Fact]
    public async Task Validation_errors_name_each_bad_field_by_its_json_path()
    {
        var client = _app.V1Client();
        var response = await client.PostAsJsonAsync("video-generation-jobs", new
        {
            videoCreative = new
            {
                settings = new { videoSize = new { width = 321, height = 240 }, subtitles = new { burnIn = true, fontSize = 2 } },
                scenes = new object[]
                {
                    new { duration = 1000, tracks = new object[] { new { type = "text", text = "ok" } } },
                    new { duration = 1000, tracks = new object[] { new { type = "image", imageUrl = "ftp://example.com/a.png" } } },
                },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("videoCreative.settings.videoSize", errors.Select(e => e.Key));
        Assert.Contains("videoCreative.scenes[1].tracks[0].imageUrl", errors.Select(e => e.Key));
        Assert.Equal("must be between 8 and 400 pixels.", errors["videoCreative.settings.subtitles.fontSize"]![0]!.GetValue<string>());
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_a_400_naming_its_path_not_a_500()
    {
        var client = _app.V1Client();
        var response = await client.PostAsync("video-generation-jobs", new StringContent(
            """{"videoCreative":{"scenes":[{"duration":"long","tracks":[]}]}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal("videoCreative.scenes[0].duration", errors.Single().Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    public async Task Bodies_that_are_not_a_job_are_refused_with_400(string body)
    {
        var response = await _app.V1Client().PostAsync("video-generation-jobs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_ambiguous_scene_length_is_refused_naming_the_scene()
    {
        var response = await _app.V1Client().PostAsJsonAsync("video-generation-jobs", new
        {
            videoCreative = new
            {
                scenes = new object[] { new { tracks = new object[] { new { type = "text", text = "no length" } } } },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal("videoCreative.scenes[0]", errors.Single().Key);
    }

    [Fact]
    public async Task Another_workspace_sees_none_of_my_jobs_or_videos()
    {
        var mine = _app.V1Client();
        var theirs = _app.V1Client(await _app.CreateWorkspaceTokenAsync("other"));
        var (jobId, videoId) = await mine.SubmitAsync(Creatives.ColourSlide());
        await mine.WaitForFinishedAsync(jobId);

        Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync($"video-generation-jobs/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync($"generated-videos/{videoId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.DeleteAsync($"video-generation-jobs/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.DeleteAsync($"generated-videos/{videoId}")).StatusCode);
        Assert.Equal("finished", (string?)(await mine.GetJobAsync(jobId))["status"]);
    }

    [Fact]
    public async Task Deleting_a_running_job_stops_its_render_within_a_second()
    {
        var client = _app.V1Client();
        // Long enough to still be rendering when the DELETE arrives.
        var (jobId, videoId) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1_200_000, width: 640, height: 360));
        await client.WaitForAsync(jobId, ["preprocessing", "preprocessing_finished", "generating"]);
        await Task.Delay(300);

        var response = await client.DeleteAsync($"video-generation-jobs/{jobId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deleted", (string?)(await client.GetJobAsync(jobId))["status"]);
        await Task.Delay(1000);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "work"), "*", SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"generated-videos/{videoId}")).StatusCode);
        Assert.Equal("deleted", (string?)(await client.GetJobAsync(jobId))["status"]);
    }

    [Fact]
    public async Task A_deleted_video_and_its_public_file_answer_404()
    {
        var client = _app.V1Client();
        var (jobId, videoId) = await client.SubmitAsync(Creatives.ColourSlide());
        await client.WaitForFinishedAsync(jobId);
        var video = (await client.GetFromJsonAsync<JsonObject>($"generated-videos/{videoId}"))!;
        var fileUrl = new Uri((string)video["publicUrl"]!).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().GetAsync(fileUrl)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"generated-videos/{videoId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"generated-videos/{videoId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync(fileUrl)).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "videos")));
    }

    [Fact]
    public async Task The_public_file_needs_no_token_has_an_unguessable_name_and_serves_ranges()
    {
        var client = _app.V1Client();
        var (jobId, videoId) = await client.SubmitAsync(Creatives.ColourSlide());
        await client.WaitForFinishedAsync(jobId);
        var video = (await client.GetFromJsonAsync<JsonObject>($"generated-videos/{videoId}"))!;
        var path = new Uri((string)video["publicUrl"]!).AbsolutePath;
        var key = Path.GetFileNameWithoutExtension(path);
        Assert.True(key.Length >= 22, "128 bits in base64url is 22 characters");
        Assert.DoesNotContain(videoId, path);

        var anonymous = _app.CreateClient();
        var whole = await anonymous.GetAsync(path);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 99);
        var partial = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/files/AAAAAAAAAAAAAAAAAAAAAA.mp4")).StatusCode);
    }

    [Fact]
    public async Task Health_answers_200_when_ready()
    {
        var response = await _app.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Installed_fonts_are_listed_and_an_unknown_family_is_refused()
    {
        var client = _app.V1Client();
        var fonts = (await client.GetFromJsonAsync<JsonArray>("assets/fonts"))!;
        Assert.Contains(fonts, f => f!["family"]!.GetValue<string>() == "DejaVu Sans");

        var response = await client.PostAsJsonAsync("video-generation-jobs", new
        {
            videoCreative = new
            {
                scenes = new object[] { new { duration = 1000, tracks = new object[] { new { type = "text", text = "x", style = new { fontFamily = "No Such Family" } } } } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal("videoCreative.scenes[0].tracks[0].style.fontFamily", errors.Single().Key);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        await _app.V1Client().GetAsync("assets/actors");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_app.DataDirectory, "reelgen.db"));
        var wal = Path.Combine(_app.DataDirectory, "reelgen.db-wal");
        var all = Encoding.Latin1.GetString(bytes) + (File.Exists(wal) ? Encoding.Latin1.GetString(await File.ReadAllBytesAsync(wal)) : "");

        Assert.DoesNotContain(ReelgenApp.Token, all);
    }

    private async Task<string> DownloadAsync(string publicUrl)
    {
        var path = Path.Combine(_app.DataDirectory, Guid.NewGuid() + ".mp4");
        await File.WriteAllBytesAsync(path, await _app.CreateClient().GetByteArrayAsync(new Uri(publicUrl).PathAndQuery));
        return path;
    }
}
