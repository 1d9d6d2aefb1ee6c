using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>The <c>Idempotency-Key</c> header of job submissions, through the API (the store's side: <see cref="JobStoreTests"/>).</summary>
public sealed class IdempotencyTests : IDisposable
{
    private readonly ReelgenApp _app = new(s => s["Reelgen:Roles"] = "api");

    public void Dispose() => _app.Dispose();

    private static HttpRequestMessage Post(string path, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private async Task<int> JobCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("video-generation-jobs?limit=100"))!["items"]!.AsArray().Count;

    [Fact]
    public async Task Twenty_concurrent_identical_submissions_with_one_key_queue_one_job_and_all_answer_its_id()
    {
        var client = _app.V1Client();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(), key))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var created = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonObject>()));
        Assert.Single(created.Select(c => (string?)c!["id"]).Distinct());
        Assert.Single(created.Select(c => (string?)c!["videoId"]).Distinct());
        Assert.Equal(19, responses.Count(r => r.Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Single() == "true"));
        Assert.Equal(1, await JobCountAsync(client));
        // The job is the one submitted, queued once.
        var job = (await client.GetFromJsonAsync<JsonObject>($"video-generation-jobs/{created[0]!["id"]}"))!;
        Assert.Equal("Test video", (string?)job["videoCreative"]!["settings"]!["name"]);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_and_queues_nothing()
    {
        var client = _app.V1Client();
        var first = await client.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(name: "One"), "key-1"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var second = await client.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(name: "Two"), "key-1"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var problem = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("Idempotency-Key", (string?)problem["message"], StringComparison.Ordinal);
        Assert.Equal("Idempotency-Key", problem["errors"]!.AsObject().Single().Key);
        Assert.Equal(1, await JobCountAsync(client));
        // Formatting is not a different body: the same JSON sent with other white space is a retry.
        var spaced = new HttpRequestMessage(HttpMethod.Post, "video-generation-jobs")
        {
            Content = new StringContent(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide(name: "One")))!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), Encoding.UTF8, "application/json"),
        };
        spaced.Headers.Add("Idempotency-Key", "key-1");
        var retry = await client.SendAsync(spaced);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((string?)(await first.Content.ReadFromJsonAsync<JsonObject>())!["id"], (string?)(await retry.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
    }

    [Fact]
    public async Task Keys_belong_to_their_workspace()
    {
        var other = _app.V1Client(await _app.CreateWorkspaceTokenAsync("other"));
        var mine = await _app.V1Client().SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(), "shared-key"));
        var theirs = await other.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(name: "Theirs"), "shared-key"));

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        Assert.NotEqual((string?)(await mine.Content.ReadFromJsonAsync<JsonObject>())!["id"], (string?)(await theirs.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
    }

    [Fact]
    public async Task A_template_job_with_a_key_is_queued_once()
    {
        var client = _app.V1Client();
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Creatives.ColourSlide());
        var templateJobId = (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;
        var body = new { templateJobId, dynamicVariables = new { name = "Ada" } };

        var first = await client.SendAsync(Post("video-generation-jobs/template-jobs", body, "run-1"));
        var again = await client.SendAsync(Post("video-generation-jobs/template-jobs", body, "run-1"));
        var other = await client.SendAsync(Post("video-generation-jobs/template-jobs", new { templateJobId, dynamicVariables = new { name = "Bo" } }, "run-1"));
        // A key is tied to the request it came with: a plain job submitted under it is another request.
        var plain = await client.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(), "run-1"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((string?)(await first.Content.ReadFromJsonAsync<JsonObject>())!["id"], (string?)(await again.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, plain.StatusCode);
        Assert.Equal(1, await JobCountAsync(client));
    }

    [Fact]
    public async Task A_malformed_key_is_a_400_naming_the_header_and_an_invalid_body_stores_no_key()
    {
        var client = _app.V1Client();
        var tooLong = await client.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(), new string('k', 256)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("Idempotency-Key", (await tooLong.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Single().Key);

        var invalid = await client.SendAsync(Post("video-generation-jobs", new { videoCreative = new { scenes = "none" } }, "key-2"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        // The refused request left the key free for the corrected one.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Post("video-generation-jobs", Creatives.ColourSlide(), "key-2"))).StatusCode);
    }
}
