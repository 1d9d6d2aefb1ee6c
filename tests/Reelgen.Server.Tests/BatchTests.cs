using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary><c>POST /video-generation-jobs/batch</c>: one template, many variants, all or nothing.</summary>
public sealed class BatchTests
{
    private static object Template => new
    {
        videoCreative = new
        {
            settings = new { name = "Welcome", videoSize = new { width = 320, height = 240 } },
            scenes = new object[] { new { duration = 400, tracks = new object[] { new { type = "text", text = "Hi {firstName}" } } } },
        },
    };

    private static async Task<string> SaveTemplateAsync(HttpClient client)
    {
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Template);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        return (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;
    }

    [Fact]
    public async Task A_batch_answers_every_job_at_once_and_each_renders_and_calls_back_with_its_own_values()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        var templateJobId = await SaveTemplateAsync(client);
        string[] names = ["Ada", "Grace", "Linus"];

        var response = await client.PostAsJsonAsync("video-generation-jobs/batch", new
        {
            templateJobId,
            items = names.Select((name, i) => new { dynamicVariables = new { firstName = name }, callbackUrl = receiver.Url, callbackPayload = new { row = i } }),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jobs = (await response.Content.ReadFromJsonAsync<JsonObject>())!["jobs"]!.AsArray();
        Assert.Equal(3, jobs.Count);
        for (var i = 0; i < names.Length; i++)
        {
            var job = await client.WaitForFinishedAsync((string)jobs[i]!["id"]!);
            Assert.Equal("finished", (string?)job["status"]);
            Assert.Equal((string?)jobs[i]!["videoId"], (string?)job["videoId"]);
            Assert.Equal(names[i], (string?)job["dynamicVariables"]!["firstName"]);
        }
        var callbacks = new List<JsonNode>();
        for (var i = 0; i < names.Length; i++)
            callbacks.Add(JsonNode.Parse((await receiver.NextAsync(TimeSpan.FromSeconds(60))).Body)!);
        foreach (var callback in callbacks)
        {
            var row = (int)callback["row"]!;
            Assert.Equal("finished", (string?)callback["status"]);
            Assert.Equal(names[row], (string?)callback["firstName"]);
            Assert.Equal((string?)jobs[row]!["id"], (string?)callback["jobId"]);
        }
    }

    [Fact]
    public async Task A_bad_item_is_a_400_naming_it_and_nothing_is_created()
    {
        using var app = new ReelgenApp();
        var client = app.V1Client();
        var templateJobId = await SaveTemplateAsync(client);

        var response = await client.PostAsJsonAsync("video-generation-jobs/batch", new
        {
            templateJobId,
            items = new object[]
            {
                new { dynamicVariables = new { firstName = "Ada" } },
                new { dynamicVariables = new { firstName = "Grace" }, callbackUrl = "ftp://example.com/hook" },
                new { dynamicVariables = new { lastName = "Torvalds" } },
                new { dynamicVariables = new { firstName = "Alan" }, callbackPayload = new { url = "x" } },
                7,
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(
            ["items[1].callbackUrl", "items[2].videoCreative.scenes[0].tracks[0].text", "items[3].callbackPayload.url", "items[4]"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("{firstName}", (string?)errors["items[2].videoCreative.scenes[0].tracks[0].text"]![0]);
        var listed = (await client.GetFromJsonAsync<JsonObject>("video-generation-jobs"))!;
        Assert.Empty(listed["items"]!.AsArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public async Task A_batch_holds_one_to_ten_thousand_items(int count)
    {
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        var client = app.V1Client();
        var templateJobId = await SaveTemplateAsync(client);

        var response = await client.PostAsJsonAsync("video-generation-jobs/batch", new
        {
            templateJobId,
            items = Enumerable.Range(0, count).Select(i => new { dynamicVariables = new { firstName = $"n{i}" } }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["items"]);
    }

    [Fact]
    public async Task Ten_thousand_items_are_queued_in_one_answer()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        var client = app.V1Client();
        var templateJobId = await SaveTemplateAsync(client);

        var response = await client.PostAsJsonAsync("video-generation-jobs/batch", new
        {
            templateJobId,
            // About 1.5 MB: more than one job may send, well within what a batch may.
            items = Enumerable.Range(0, 10_000).Select(i => new { dynamicVariables = new { firstName = $"n{i}", company = new string('c', 100) } }),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jobs = (await response.Content.ReadFromJsonAsync<JsonObject>())!["jobs"]!.AsArray();
        Assert.Equal(10_000, jobs.Select(j => (string)j!["id"]!).Distinct().Count());
        var last = await client.GetJobAsync((string)jobs[^1]!["id"]!);
        Assert.Equal(("in_queue", "n9999"), ((string?)last["status"], (string?)last["dynamicVariables"]!["firstName"]));
    }

    [Fact]
    public async Task Another_workspaces_template_answers_404()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        var templateJobId = await SaveTemplateAsync(app.V1Client());
        var other = app.V1Client(await app.CreateWorkspaceTokenAsync("other"));

        var response = await other.PostAsJsonAsync("video-generation-jobs/batch", new { templateJobId, items = new[] { new { dynamicVariables = new { firstName = "Ada" } } } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
