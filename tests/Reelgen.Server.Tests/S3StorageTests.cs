using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Reelgen.Server.Storage;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>Videos in an S3-compatible bucket (a real s3rver on loopback), served and deleted through the API.</summary>
public sealed class S3StorageTests
{
    private static ReelgenApp App(S3Server s3, bool presigned = false) => new(settings =>
    {
        foreach (var (key, value) in s3.Settings(presigned: presigned))
            settings[key] = value;
    });

    [Fact]
    public async Task Videos_thumbnails_and_captions_go_to_the_bucket_and_are_served_with_ranges_and_etags()
    {
        await using var s3 = await S3Server.StartAsync();
        using var app = App(s3);
        var video = await app.V1Client().RenderAsync(SharedVideos.Presented());
        var client = app.CreateClient();
        var key = new Uri((string)video["publicUrl"]!).Segments[^1].Replace(".mp4", "", StringComparison.Ordinal);

        Assert.Equal([key + ".jpg", key + ".mp4", key + ".srt", key + ".vtt"], await s3.KeysAsync());
        // Only the scene cache (encoded scenes, not videos) keeps MP4 files on the worker's disk.
        var cache = Path.Combine(app.DataDirectory, "cache") + Path.DirectorySeparatorChar;
        // The work folder goes after the commit that a poll may already show.
        await Wait.UntilAsync(() => !Directory.EnumerateFiles(app.DataDirectory, "*.mp4", SearchOption.AllDirectories).Any(f => !f.StartsWith(cache, StringComparison.Ordinal)), "no MP4 is left outside the scene cache");

        var path = SharedVideos.Local(video, "publicUrl");
        var size = (long)video["videoSizeBytes"]!;
        var whole = await client.GetAsync(path);
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(size, bytes.LongLength);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        using (var stored = await s3.Client.GetObjectAsync(S3Server.Bucket, key + ".mp4"))
        {
            using var copy = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(copy);
            Assert.Equal(copy.ToArray(), bytes);
        }

        var middle = await GetAsync(client, path, r => r.Headers.Range = new RangeHeaderValue(1000, 1999));
        Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
        Assert.Equal($"bytes 1000-1999/{size}", middle.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[1000..2000], await middle.Content.ReadAsByteArrayAsync());
        var last = await GetAsync(client, path, r => r.Headers.Range = new RangeHeaderValue(null, 50));
        Assert.Equal(bytes[^50..], await last.Content.ReadAsByteArrayAsync());
        var beyond = await GetAsync(client, path, r => r.Headers.Range = new RangeHeaderValue(size + 10, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);

        var unchanged = await GetAsync(client, path, r => r.Headers.IfNoneMatch.Add(whole.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(size, head.Content.Headers.ContentLength);

        var thumbnail = await client.GetAsync(SharedVideos.Local(video, "thumbnailUrl"));
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xFF, 0xD8], (await thumbnail.Content.ReadAsByteArrayAsync())[..2]);
        Assert.StartsWith("WEBVTT", await client.GetStringAsync(SharedVideos.Local(video, "captionsUrl")), StringComparison.Ordinal);
        var page = await client.GetStringAsync(SharedVideos.Local(video, "shareUrl"));
        Assert.Contains($"/files/{key}.vtt", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_video_removes_its_objects_from_the_bucket()
    {
        await using var s3 = await S3Server.StartAsync();
        using var app = App(s3);
        var api = app.V1Client();
        var video = await api.RenderAsync(SharedVideos.Presented());
        Assert.Equal(4, (await s3.KeysAsync()).Count);

        var deleted = await api.DeleteAsync($"generated-videos/{video["id"]}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Empty(await s3.KeysAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(SharedVideos.Local(video, "publicUrl"))).StatusCode);
    }

    [Fact]
    public async Task With_presigned_urls_the_public_url_redirects_to_the_bucket()
    {
        await using var s3 = await S3Server.StartAsync();
        using var app = App(s3, presigned: true);
        var video = await app.V1Client().RenderAsync(Creatives.ColourSlide(name: "Café tour"));

        var answer = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(SharedVideos.Local(video, "publicUrl") + "?download=1");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.StartsWith(s3.ServiceUrl + "/" + S3Server.Bucket + "/", location.ToString(), StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);
        using var direct = new HttpClient();
        var range = await direct.SendAsync(new HttpRequestMessage(HttpMethod.Get, location) { Headers = { Range = new RangeHeaderValue(0, 99) } });
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(100, (await range.Content.ReadAsByteArrayAsync()).Length);
        var whole = await direct.GetAsync(location);
        Assert.Equal((long)video["videoSizeBytes"]!, (await whole.Content.ReadAsByteArrayAsync()).LongLength);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", whole.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task A_large_file_is_uploaded_in_parts_and_read_back_whole()
    {
        await using var s3 = await S3Server.StartAsync();
        var options = new ReelgenOptions { DataDirectory = Directory.CreateTempSubdirectory("reelgen-s3-store-").FullName };
        new ConfigurationBuilder().AddInMemoryCollection(s3.Settings().Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build()
            .GetSection(ReelgenOptions.Section).Bind(options);
        using var storage = new S3VideoStorage(Options.Create(options), TimeProvider.System);
        var source = Path.Combine(storage.WorkDirectory, "large.mp4");
        var data = RandomNumberGenerator.GetBytes((int)(S3VideoStorage.PartSize * 3 / 2));
        await File.WriteAllBytesAsync(source, data);

        await storage.StoreAsync(source, "large", ".mp4", CancellationToken.None);

        var metadata = await s3.Client.GetObjectMetadataAsync(S3Server.Bucket, "large.mp4");
        Assert.True(s3.Log.Count(l => l.Contains("partNumber=", StringComparison.Ordinal)) >= 2, string.Join('\n', s3.Log));
        Assert.Equal(data.LongLength, metadata.ContentLength);
        using var stored = await s3.Client.GetObjectAsync(new GetObjectRequest { BucketName = S3Server.Bucket, Key = "large.mp4" });
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(copy.ToArray()));
        Directory.Delete(options.DataDirectory, recursive: true);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure(request);
        return client.SendAsync(request);
    }
}
