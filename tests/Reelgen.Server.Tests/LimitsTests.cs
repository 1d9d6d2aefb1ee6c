using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>What the request itself shows is checked at submit: a 413 for a body too large, a 400 naming the field for the rest.</summary>
public sealed class LimitsTests : IDisposable
{
    private readonly ReelgenApp _app = new(s => s["Reelgen:Roles"] = "api");

    public void Dispose() => _app.Dispose();

    private static object TextJob(string text, object? variables = null, int scenes = 1, int durationMs = 1000, int tracksPerScene = 1) => new
    {
        videoCreative = new
        {
            scenes = Enumerable.Range(0, scenes).Select(_ => new
            {
                duration = durationMs,
                tracks = Enumerable.Range(0, tracksPerScene).Select(_ => new { type = "text", text }).ToArray(),
            }).ToArray(),
        },
        dynamicVariables = variables,
    };

    private static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpClient client, object body, string path = "video-generation-jobs")
    {
        var response = await client.PostAsJsonAsync(path, body);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static string OnlyError(JsonObject problem, string field)
    {
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"no error names {field}: {problem.ToJsonString()}");
        return (string)errors[field]![0]!;
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_problem_whether_or_not_its_length_is_declared()
    {
        // A real Kestrel server, so a body without a Content-Length really arrives chunked.
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/api/v1/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ReelgenApp.Token);
        var big = JsonSerializer(TextJob(new string('a', 1024 * 1024)));

        // With Expect: 100-continue the client waits for the answer before sending: the server answers 413 before reading
        // and closes, and a client still writing the body would see a broken pipe instead of the answer.
        var declared = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "video-generation-jobs")
        {
            Content = new ByteArrayContent(big) { Headers = { ContentType = new("application/json") } },
            Headers = { ExpectContinue = true },
        });
        var chunked = await client.PostAsync("video-generation-jobs", new ChunkedContent(big) { Headers = { ContentType = new("application/json") } });

        Assert.True(chunked.RequestMessage!.Headers.TransferEncodingChunked, "the second body was sent with a length");
        foreach (var response in new[] { declared, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(413, (int)problem["status"]!);
            Assert.Contains("more than 1048576 bytes", OnlyError(problem, "body"));
        }
        // Under the limit, a body is read (and judged on its content), chunked or not.
        var fits = await client.PostAsync("video-generation-jobs", new ChunkedContent(JsonSerializer(TextJob(new string('a', 19_000)))) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(address.TrimEnd('/') + "/health"))).StatusCode);
    }

    [Fact]
    public async Task A_variable_value_over_ten_thousand_characters_is_a_400_naming_it()
    {
        var client = _app.V1Client();

        var (status, problem) = await PostAsync(client, TextJob("Hi {name}", new { name = new string('x', 10_001) }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("is 10001 characters; a variable's value is at most 10000.", OnlyError(problem, "dynamicVariables.name"));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, TextJob("Hi {name}", new { name = new string('x', 10_000) }))).Status);
    }

    [Fact]
    public async Task The_whole_dynamic_variables_object_has_a_limit_of_its_own()
    {
        var variables = Enumerable.Range(0, 11).ToDictionary(i => $"v{i}", _ => new string('x', 9_999));

        var (status, problem) = await PostAsync(_app.V1Client(), TextJob("Hi", variables));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 100000 are allowed", OnlyError(problem, "dynamicVariables"));
    }

    [Fact]
    public async Task Text_is_measured_after_its_variables_are_filled_in()
    {
        var client = _app.V1Client();

        var (status, problem) = await PostAsync(client, TextJob("{x}{x}{x}", new { x = new string('x', 9_000) }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("is 27000 characters once its variables are filled in; at most 20000 are allowed.", OnlyError(problem, "videoCreative.scenes[0].tracks[0].text"));

        // The same through a template: short in the template, long once run.
        var template = await client.PostAsJsonAsync("video-generation-jobs/templates", TextJob("{x}{x}{x}"));
        var templateJobId = (string)(await template.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;
        var (runStatus, runProblem) = await PostAsync(client, new { templateJobId, dynamicVariables = new { x = new string('x', 9_000) } }, "video-generation-jobs/template-jobs");
        Assert.Equal(HttpStatusCode.BadRequest, runStatus);
        Assert.Contains("once its variables are filled in", OnlyError(runProblem, "videoCreative.scenes[0].tracks[0].text"));
    }

    [Fact]
    public async Task A_video_known_to_last_over_thirty_minutes_is_a_400()
    {
        var (status, problem) = await PostAsync(_app.V1Client(), TextJob("x", scenes: 31, durationMs: 60_000));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("the scenes last at least 1860 s; a video is at most 1800 s long.", OnlyError(problem, "videoCreative.scenes"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_app.V1Client(), TextJob("x", scenes: 30, durationMs: 60_000))).Status);
    }

    [Fact]
    public async Task Each_limit_follows_its_setting()
    {
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:Roles"] = "api";
            s["Reelgen:Limits:MaxVideoSeconds"] = "5";
            s["Reelgen:Limits:MaxScenes"] = "3";
            s["Reelgen:Limits:MaxTracks"] = "4";
            s["Reelgen:Limits:MaxTracksPerScene"] = "2";
            s["Reelgen:Limits:MaxTextCharacters"] = "10";
            s["Reelgen:Limits:MaxVariableCharacters"] = "3";
            s["Reelgen:Limits:MaxRequestBytes"] = "2048";
        });
        var client = app.V1Client();

        Assert.Contains("at most 5 s", OnlyError((await PostAsync(client, TextJob("x", scenes: 2, durationMs: 3000))).Body, "videoCreative.scenes"));
        Assert.Contains("at most 3 are allowed", OnlyError((await PostAsync(client, TextJob("x", scenes: 4))).Body, "videoCreative.scenes"));
        Assert.Contains("at most 4 are allowed in one job", OnlyError((await PostAsync(client, TextJob("x", scenes: 3, tracksPerScene: 2))).Body, "videoCreative.scenes"));
        Assert.Contains("at most 2 are allowed in one scene", OnlyError((await PostAsync(client, TextJob("x", tracksPerScene: 3))).Body, "videoCreative.scenes[0].tracks"));
        Assert.Contains("at most 10 are allowed", OnlyError((await PostAsync(client, TextJob(new string('a', 11)))).Body, "videoCreative.scenes[0].tracks[0].text"));
        Assert.Contains("at most 3.", OnlyError((await PostAsync(client, TextJob("{v}", new { v = "abcd" }))).Body, "dynamicVariables.v"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(client, TextJob("x", new { pad = new string('p', 3000) }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, TextJob("{v}", new { v = "abc" }, scenes: 2, durationMs: 2000, tracksPerScene: 2))).Status);
    }

    [Fact]
    public async Task The_worker_checks_the_same_limits_and_fails_the_job_naming_the_field()
    {
        await using var assets = await AssetHost.StartAsync();
        using var bitmap = new SkiaSharp.SKBitmap(320, 240);
        using var encoded = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var url = assets.Serve("/picture.png", encoded.ToArray());
        using var app = new ReelgenApp(s =>
        {
            s["Reelgen:Network:AllowPrivateAddresses"] = "true";
            s["Reelgen:Limits:MaxImagePixels"] = "10000";
        });
        var client = app.V1Client();

        var (jobId, _) = await client.SubmitAsync(new
        {
            videoCreative = new
            {
                settings = new { videoSize = new { width = 160, height = 120 } },
                scenes = new[] { new { duration = 500, tracks = new object[] { new { type = "image", imageUrl = url } } } },
            },
        });
        var job = await client.WaitForFinishedAsync(jobId);

        Assert.Equal("failed", (string?)job["status"]);
        Assert.Equal($"scene 1, track 1: imageUrl {url} is 320x240, more than the 0.01 megapixels allowed for a picture", (string?)job["error"]);
    }

    /// <summary>A body sent without a Content-Length (chunked), so only counting what arrives can stop it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static byte[] JsonSerializer(object value) => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(value));
}
