using System.Net;
using System.Text.RegularExpressions;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed partial class SharePageTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_share_page_shows_a_player_with_poster_captions_duration_and_download()
    {
        var video = await _app.V1Client().RenderAsync(SharedVideos.Presented(name: "Welcome aboard"));
        var key = FileKey(video["publicUrl"]!.ToString());

        var response = await _app.CreateClient().GetAsync(SharedVideos.Local(video, "shareUrl"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Welcome aboard</h1>", html);
        Assert.Contains("<title>Welcome aboard</title>", html);
        Assert.Matches($"""<video controls playsinline preload="metadata" width="320" height="240" poster="../files/{key}.jpg">""", html);
        Assert.Contains($"""<source src="../files/{key}.mp4" type="video/mp4">""", html);
        Assert.Contains($"""<track kind="captions" src="../files/{key}.vtt" label="Captions">""", html);
        Assert.Contains("""<time datetime="PT2.4S">0:02</time>""", html);
        Assert.Contains($"""<a class="download" href="../files/{key}.mp4?download=1" download>""", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_share_page_carries_link_preview_tags_with_absolute_urls()
    {
        var video = await _app.V1Client().RenderAsync(SharedVideos.Presented(name: "Preview me"));

        var html = await _app.CreateClient().GetStringAsync(SharedVideos.Local(video, "shareUrl"));
        var meta = MetaTags(html);

        Assert.Equal("Preview me", meta["og:title"]);
        Assert.Equal("video.other", meta["og:type"]);
        Assert.Equal((string?)video["shareUrl"], meta["og:url"]);
        Assert.Equal((string?)video["publicUrl"], meta["og:video"]);
        Assert.Equal("video/mp4", meta["og:video:type"]);
        Assert.Equal("320", meta["og:video:width"]);
        Assert.Equal("240", meta["og:video:height"]);
        Assert.Equal((string?)video["thumbnailUrl"], meta["og:image"]);
        Assert.Equal("player", meta["twitter:card"]);
        Assert.Equal((string?)video["shareUrl"], meta["twitter:player"]);
        Assert.Equal((string?)video["publicUrl"], meta["twitter:player:stream"]);
        Assert.StartsWith("http://reelgen.test/", meta["og:video"]);
        // og:video:secure_url is only for https addresses; this test server's base is http.
        Assert.False(meta.ContainsKey("og:video:secure_url"));
    }

    [Fact]
    public async Task An_https_base_url_adds_the_secure_video_url()
    {
        using var app = new ReelgenApp(s => s["Reelgen:PublicBaseUrl"] = "https://videos.example.com/reelgen/");
        var video = await app.V1Client().RenderAsync(Creatives.ColourSlide());

        var meta = MetaTags(await app.CreateClient().GetStringAsync(new Uri((string)video["shareUrl"]!).AbsolutePath.Replace("/reelgen", "", StringComparison.Ordinal)));

        Assert.StartsWith("https://videos.example.com/reelgen/files/", meta["og:video:secure_url"]);
        Assert.Equal(meta["og:video"], meta["og:video:secure_url"]);
    }

    [Fact]
    public async Task The_share_page_sends_strict_security_headers()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide());

        var response = await _app.CreateClient().GetAsync(SharedVideos.Local(video, "shareUrl"));

        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'; img-src 'self'; media-src 'self'; style-src 'sha256-", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_malicious_name_is_shown_as_text_everywhere_on_the_page()
    {
        const string name = "\"><script>alert('x')</script><img src=x onerror=alert(1)> & Co";
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide(name: name));

        var html = await _app.CreateClient().GetStringAsync(SharedVideos.Local(video, "shareUrl"));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert(1)>", html);
        Assert.Contains("<h1>&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; Co</h1>", html);
        Assert.Equal(name, MetaTags(html)["og:title"]);
    }

    [Fact]
    public async Task A_silent_video_page_has_no_captions_track()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide());

        var html = await _app.CreateClient().GetStringAsync(SharedVideos.Local(video, "shareUrl"));

        Assert.DoesNotContain("<track", html);
        Assert.Contains("<video controls", html);
    }

    [Theory]
    [InlineData("/share/00000000000000000000000000000000")]
    [InlineData("/share/%3Cscript%3E")]
    public async Task An_unknown_share_id_answers_a_friendly_404_page(string path)
    {
        var response = await _app.CreateClient().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This video isn’t available", html);
        Assert.DoesNotContain("<script", html);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task A_deleted_video_page_answers_404_at_once()
    {
        var api = _app.V1Client();
        var video = await api.RenderAsync(Creatives.ColourSlide());
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(SharedVideos.Local(video, "shareUrl"))).StatusCode);

        await api.DeleteAsync($"generated-videos/{video["id"]}");

        var response = await client.GetAsync(SharedVideos.Local(video, "shareUrl"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This video isn’t available", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_share_pages_have_their_own_icon()
    {
        var response = await _app.CreateClient().GetAsync("/share/favicon.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Head_of_the_share_page_answers_200()
    {
        var video = await _app.V1Client().RenderAsync(Creatives.ColourSlide());

        var response = await _app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, SharedVideos.Local(video, "shareUrl")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private static string FileKey(string publicUrl) => Path.GetFileNameWithoutExtension(new Uri(publicUrl).AbsolutePath);

    /// <summary>property or name → decoded content of every meta tag.</summary>
    private static Dictionary<string, string> MetaTags(string html) =>
        MetaTag().Matches(html).ToDictionary(m => m.Groups["key"].Value, m => WebUtility.HtmlDecode(m.Groups["content"].Value));

    [GeneratedRegex("""<meta (?:property|name)="(?<key>[^"]+)" content="(?<content>[^"]*)">""")]
    private static partial Regex MetaTag();
}
