using System.Net;
using System.Net.Http.Headers;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class PublicFileTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_video_file_answers_byte_ranges_with_206()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide(durationMs: 1500));
        var client = _app.CreateClient();
        var path = SharedVideos.Local(video, "publicUrl");
        var whole = await client.GetByteArrayAsync(path);
        var size = (long)video["videoSizeBytes"]!;
        Assert.Equal(size, whole.LongLength);

        var first = await GetAsync(client, path, r => r.Headers.Range = new RangeHeaderValue(0, 99));
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal("video/mp4", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"bytes 0-99/{size}", first.Content.Headers.ContentRange?.ToString());
        Assert.Equal(whole[..100], await first.Content.ReadAsByteArrayAsync());

        var last = await GetAsync(client, path, r => r.Headers.Range = new RangeHeaderValue(null, 50));
        Assert.Equal(HttpStatusCode.PartialContent, last.StatusCode);
        Assert.Equal($"bytes {size - 50}-{size - 1}/{size}", last.Content.Headers.ContentRange?.ToString());
        Assert.Equal(whole[^50..], await last.Content.ReadAsByteArrayAsync());

        var beyond = await GetAsync(client, path, r => r.Headers.Range = new RangeHeaderValue(size + 10, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{size}", beyond.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task The_video_file_advertises_ranges_and_plays_inline_with_its_name()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide(name: "Launch: v2/final?"));

        var response = await _app.CreateClient().GetAsync(SharedVideos.Local(video, "publicUrl"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Launch_ v2_final_.mp4", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Download_1_asks_the_browser_to_save_the_file_under_the_video_name()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide(name: "Café tour"));

        var response = await _app.CreateClient().GetAsync(SharedVideos.Local(video, "publicUrl") + "?download=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("Café tour.mp4", disposition.FileNameStar);
        Assert.Equal((long)video["videoSizeBytes"]!, (await response.Content.ReadAsByteArrayAsync()).LongLength);
    }

    [Fact]
    public async Task Unchanged_files_answer_304_to_if_none_match_and_if_modified_since()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide());
        var client = _app.CreateClient();
        var path = SharedVideos.Local(video, "publicUrl");
        var first = await client.GetAsync(path);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        var byTag = await GetAsync(client, path, r => r.Headers.IfNoneMatch.Add(etag));
        var byDate = await GetAsync(client, path, r => r.Headers.IfModifiedSince = lastModified);
        var otherTag = await GetAsync(client, path, r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\"")));

        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Empty(await byTag.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Head_answers_the_headers_of_get_without_the_body()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide());

        var response = await _app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, SharedVideos.Local(video, "publicUrl")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((long)video["videoSizeBytes"]!, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(800, 320, 240)]
    [InlineData(2500, 256, 144)]
    public async Task The_thumbnail_is_a_jpeg_of_the_video_size(int durationMs, int width, int height)
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide(durationMs: durationMs, width: width, height: height));

        var response = await _app.CreateClient().GetAsync(SharedVideos.Local(video, "thumbnailUrl"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xFF, 0xD8, 0xFF], bytes[..3]);
        var file = Path.Combine(_app.DataDirectory, "thumbnail.jpg");
        await File.WriteAllBytesAsync(file, bytes);
        Assert.Equal(("mjpeg", width, height), await Probe.ReadImageAsync(file));
    }

    [Fact]
    public async Task A_video_with_speech_has_webvtt_captions_with_a_cue_per_script()
    {
        var video = await _app.V1Client().RenderAsync(SharedVideos.Presented());

        var captionsUrl = (string?)video["captionsUrl"];
        Assert.NotNull(captionsUrl);
        Assert.EndsWith(".vtt", captionsUrl);
        var response = await _app.CreateClient().GetAsync(new Uri(captionsUrl).PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/vtt", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nHello &amp; &lt;welcome&gt; to Reelgen.\n\n2\n00:00:01.200 --> 00:00:02.400\nThanks for watching.\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_silent_video_has_no_captions()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide());

        Assert.Null(video["captionsUrl"]);
        var vtt = SharedVideos.Local(video, "publicUrl").Replace(".mp4", ".vtt", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync(vtt)).StatusCode);
    }

    [Theory]
    [InlineData("/files/00000000000000000000000000000000.mp4")]
    [InlineData("/files/00000000000000000000000000000000.jpg")]
    [InlineData("/files/00000000000000000000000000000000.vtt")]
    [InlineData("/files/..%2Freelgen.db")]
    [InlineData("/files/.mp4")]
    public async Task Unknown_files_answer_404(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task A_deleted_video_file_thumbnail_captions_and_page_answer_404_at_once()
    {
        var api = _app.V1Client();
        var video = await api.RenderAsync(SharedVideos.Presented());
        var client = _app.CreateClient();
        string[] urls = ["publicUrl", "thumbnailUrl", "captionsUrl", "shareUrl"];
        foreach (var url in urls)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(SharedVideos.Local(video, url))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"generated-videos/{video["id"]}")).StatusCode);

        foreach (var url in urls)
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(SharedVideos.Local(video, url))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"generated-videos/{video["id"]}")).StatusCode);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure(request);
        return client.SendAsync(request);
    }
}
