using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class TemplateJobTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    public void Dispose() => _app.Dispose();

    private static object Template => new
    {
        videoCreative = new
        {
            settings = new { name = "Welcome", videoSize = new { width = 320, height = 240 } },
            scenes = new object[] { new { duration = 1000, tracks = new object[] { new { type = "text", text = "Hi {firstName}" } } } },
        },
    };

    [Fact]
    public async Task A_saved_template_runs_with_its_variables_like_any_job()
    {
        var client = _app.V1Client();
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Template);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var templateJobId = (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;

        var response = await client.PostAsJsonAsync("video-generation-jobs/template-jobs", new
        {
            templateJobId,
            dynamicVariables = new { firstName = "Ada" },
            callbackPayload = new { crmId = 42 },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var job = await client.WaitForFinishedAsync((string)created["id"]!);
        Assert.Equal("finished", (string?)job["status"]);
        Assert.Equal("Ada", (string?)job["dynamicVariables"]!["firstName"]);
        Assert.Equal(42, (int)job["callbackPayload"]!["crmId"]!);
    }

    [Fact]
    public async Task A_template_job_calls_back_its_callbackUrl_with_its_variables_and_payload()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create();
        var client = app.V1Client();
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Template);
        var templateJobId = (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;

        var response = await client.PostAsJsonAsync("video-generation-jobs/template-jobs", new
        {
            templateJobId,
            dynamicVariables = new { firstName = "Ada" },
            callbackUrl = receiver.Url,
            callbackPayload = new { crmId = 42 },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var callback = await receiver.NextAsync(TimeSpan.FromSeconds(60));
        var body = JsonNode.Parse(callback.Body)!;
        Assert.Equal("finished", (string?)body["status"]);
        Assert.Equal("Ada", (string?)body["firstName"]);
        Assert.Equal(42, (int)body["crmId"]!);
        Assert.True(callback.IsSignedWith(CallbackApps.Secret));
    }

    [Fact]
    public async Task A_template_job_missing_a_variable_is_refused_naming_it()
    {
        var client = _app.V1Client();
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Template);
        var templateJobId = (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;

        var response = await client.PostAsJsonAsync("video-generation-jobs/template-jobs", new { templateJobId, dynamicVariables = new { } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("{firstName}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_or_foreign_template_answers_404()
    {
        var client = _app.V1Client();
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Template);
        var templateJobId = (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;
        var other = _app.V1Client(await _app.CreateWorkspaceTokenAsync("other"));

        var foreign = await other.PostAsJsonAsync("video-generation-jobs/template-jobs", new { templateJobId, dynamicVariables = new { firstName = "x" } });
        var unknown = await client.PostAsJsonAsync("video-generation-jobs/template-jobs", new { templateJobId = "nope", dynamicVariables = new { } });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
