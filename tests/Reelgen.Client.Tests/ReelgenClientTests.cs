using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Creative;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Client.Tests;

/// <summary>The SDK against a real Reelgen server (API and worker) in-process.</summary>
public sealed class ReelgenClientTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_job_is_created_and_waited_for_until_finished_reporting_progress_on_the_way()
    {
        using var client = _app.Client();
        var progress = new RecordingProgress<JobProgress>();

        var created = await client.CreateJobAsync(TestCreatives.Slide());
        var job = await client.WaitForJobAsync(created.Id, progress, new WaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(50), Timeout = TimeSpan.FromMinutes(1) });

        Assert.True(job.IsFinished, $"job ended {job.Status}: {job.Error}");
        Assert.Equal(created.VideoId, job.VideoId);
        Assert.Equal(job.MaximumProgress, job.Progress);
        Assert.NotEmpty(progress.Reports);
        Assert.All(progress.Reports, r => Assert.Equal(created.Id, r.JobId));
        Assert.Equal(JobStatus.Finished, progress.Reports[^1].Status);
        Assert.Equal(1, progress.Reports[^1].Fraction);
        // Reports are made only on change, and progress never goes down.
        Assert.Equal(progress.Reports.Count, progress.Reports.Distinct().Count());
        Assert.True(progress.Reports.Zip(progress.Reports.Skip(1)).All(p => p.First.Progress <= p.Second.Progress));
        Assert.Equal("SDK test", (string?)job.Raw["videoCreative"]!["settings"]!["name"]);
    }

    [Fact]
    public async Task A_finished_video_is_read_and_downloaded_to_a_stream_and_to_a_file()
    {
        using var client = _app.Client();
        var created = await client.CreateJobAsync(TestCreatives.Slide(name: "Download me"));
        await client.WaitForJobAsync(created.Id, options: new WaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(50) });

        var video = await client.GetVideoAsync(created.VideoId);
        using var stream = new MemoryStream();
        await client.DownloadVideoAsync(created.VideoId, stream);
        var path = Path.Combine(_app.DataDirectory, "downloaded.mp4");
        await client.DownloadVideoAsync(created.VideoId, path);

        Assert.Equal("Download me", video.Name);
        Assert.Equal(created.Id, video.JobId);
        Assert.NotNull(video.PublicUrl);
        Assert.NotNull(video.ShareUrl);
        Assert.Equal(video.VideoSizeBytes, stream.Length);
        Assert.Equal("ftyp"u8.ToArray(), stream.ToArray()[4..8]);
        var info = await Probe.ReadAsync(path);
        Assert.Equal((320, 240), (info.Width, info.Height));
        Assert.InRange(info.DurationSeconds, 0.9, 1.2);
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public async Task A_deleted_video_answers_404_afterwards()
    {
        using var client = _app.Client();
        var created = await client.CreateJobAsync(TestCreatives.Slide());
        await client.WaitForJobAsync(created.Id, options: new WaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(50) });

        await client.DeleteVideoAsync(created.VideoId);

        var error = await Assert.ThrowsAsync<ReelgenApiException>(() => client.GetVideoAsync(created.VideoId));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task An_invalid_creative_throws_a_400_naming_each_bad_field_by_json_path()
    {
        using var client = _app.Client();
        var request = TestCreatives.Slide();
        request.VideoCreative!.Settings!.VideoSize = new VideoSize(321, 240);
        request.VideoCreative.Scenes![0].Tracks!.Add(new Track { Type = TrackTypes.Image, ImageUrl = "ftp://example.com/a.png" });

        var error = await Assert.ThrowsAsync<ReelgenApiException>(() => client.CreateJobAsync(request));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("The request is invalid.", error.Title);
        Assert.Contains("videoCreative.settings.videoSize", error.Errors.Keys);
        Assert.Contains("videoCreative.scenes[0].tracks[1].imageUrl", error.Errors.Keys);
        Assert.Contains("even", error.Errors["videoCreative.settings.videoSize"][0], StringComparison.Ordinal);
        Assert.Contains("videoCreative.settings.videoSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_throws_a_401_and_an_unknown_job_a_404()
    {
        using var stranger = _app.Client(token: "not-a-token");
        using var client = _app.Client();

        var unauthorized = await Assert.ThrowsAsync<ReelgenApiException>(() => stranger.GetActorsAsync());
        var notFound = await Assert.ThrowsAsync<ReelgenApiException>(() => client.GetJobAsync("no-such-job"));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("The API token is not valid.", unauthorized.Detail);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("no-such-job", notFound.Detail, StringComparison.Ordinal);
        Assert.Empty(notFound.Errors);
    }

    [Theory]
    [InlineData(AuthStyle.Bearer, "/api/v1")]
    [InlineData(AuthStyle.AuthorizationTokenHeader, "/api")]
    [InlineData(AuthStyle.AuthorizationTokenHeader, "/api/v1")]
    public async Task Actors_and_voices_are_listed_with_either_auth_style_on_either_path(AuthStyle style, string apiPath)
    {
        using var client = _app.Client(style: style, apiPath: apiPath);

        var actors = await client.GetActorsAsync();
        var voices = await client.GetVoicesAsync();

        var ryan = Assert.Single(actors, a => a.Name == "ryan");
        Assert.Equal("Ryan", ryan.DisplayName);
        Assert.Contains(voices, v => v.SpeakerId == ryan.DefaultVoice);
        Assert.All(voices, v => Assert.False(string.IsNullOrEmpty(v.Language)));
        Assert.All(voices, v => Assert.Contains(v.Engine, new[] { "rhvoice", "espeak-ng" }));
        Assert.All(voices, v => Assert.EndsWith("/sample.wav", v.Sample, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_sent_as_raw_json_is_accepted_as_it_is()
    {
        using var client = _app.Client();
        var json = JsonNode.Parse("""
            { "videoCreative": { "settings": { "name": "Raw", "videoSize": { "width": 320, "height": 240 } },
              "scenes": [ { "duration": 500, "tracks": [ { "type": "text", "text": "Hi {who}" } ] } ] },
              "dynamicVariables": { "who": "there" } }
            """)!.AsObject();

        var created = await client.CreateJobAsync(json);
        var job = await client.GetJobAsync(created.Id);

        Assert.Equal("there", (string?)job.Raw["dynamicVariables"]!["who"]);
    }

    [Fact]
    public async Task The_client_registered_with_the_http_client_factory_uses_the_configured_server_and_token()
    {
        var services = new ServiceCollection();
        services.AddReelgenClient(o =>
        {
            o.BaseUrl = new Uri("http://localhost");
            o.Token = ReelgenApp.Token;
        }).ConfigurePrimaryHttpMessageHandler(() => _app.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ReelgenClient>();

        Assert.Equal(new Uri("http://localhost/api/v1/"), client.ApiBaseUrl);
        Assert.NotEmpty(await client.GetActorsAsync());
    }

    [Fact]
    public void The_api_path_is_appended_to_the_base_url_whatever_its_slashes()
    {
        using var http = new HttpClient();
        Assert.Equal("https://app.colossyan.com/api/v1/", new ReelgenClient(http, ReelgenClientOptions.ForColossyan("t")).ApiBaseUrl.AbsoluteUri);
        Assert.Equal("http://host/reelgen/api/", new ReelgenClient(http, new ReelgenClientOptions { BaseUrl = new Uri("http://host/reelgen"), ApiPath = "api" }).ApiBaseUrl.AbsoluteUri);
        Assert.Throws<ArgumentException>(() => new ReelgenClient(http, new ReelgenClientOptions()));
    }
}
