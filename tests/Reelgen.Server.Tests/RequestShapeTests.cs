using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>Request bodies whose meaning would be ambiguous are refused with a 400, never guessed at.</summary>
public sealed class RequestShapeTests : IDisposable
{
    private readonly ReelgenApp _app = new(s => s["Reelgen:Roles"] = "api");

    [Fact]
    public async Task Duplicate_json_keys_are_a_400()
    {
        var response = await _app.V1Client().PostAsync("video-generation-jobs", new StringContent(
            """{"videoCreative":{"scenes":[{"duration":1000,"duration":2000,"tracks":[]}]}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("duration", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_reference_id_in_a_scene_is_a_400_naming_it()
    {
        var response = await _app.V1Client().PostAsJsonAsync("video-generation-jobs", new
        {
            videoCreative = new
            {
                scenes = new[]
                {
                    new
                    {
                        duration = 1000,
                        tracks = new object[] { new { type = "text", text = "a", referenceId = "t" }, new { type = "text", text = "b", referenceId = "t" } },
                    },
                },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal("videoCreative.scenes[0].tracks[1].referenceId", errors.Single().Key);
        Assert.Contains("'t' is already the referenceId of tracks[0]", (string?)errors.Single().Value![0]);
    }

    public void Dispose() => _app.Dispose();
}
