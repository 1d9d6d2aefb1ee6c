using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class DiskSpaceTests
{
    [Fact]
    public async Task Below_the_free_space_asked_for_new_jobs_are_answered_503_with_retry_after_and_the_rest_works()
    {
        // More free space than any test machine has: the guard is reached on the real volume.
        using var app = new ReelgenApp(s => s["Reelgen:Limits:MinFreeDiskBytes"] = (1L << 60).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var client = app.V1Client();
        foreach (var (path, body) in new (string, object)[]
        {
            ("video-generation-jobs", Creatives.ColourSlide()),
            ("video-generation-jobs/template-jobs", new { templateJobId = "any" }),
            ("video-generation-jobs/batch", new { items = Array.Empty<object>() }),
        })
        {
            var response = await client.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
            Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(503, (int?)problem["status"]);
            Assert.Contains("low on disk space", (string?)problem["message"]);
            Assert.Contains("Reelgen__Limits__MinFreeDiskBytes", (string?)problem["detail"]);
        }
        // Reading and deleting, which free space or cost none, still answer.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("video-generation-jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("generated-videos")).StatusCode);
    }

    [Fact]
    public async Task With_enough_space_or_the_check_off_jobs_are_accepted()
    {
        foreach (var minimum in new[] { "1", "0" })
        {
            using var app = new ReelgenApp(s =>
            {
                s["Reelgen:Limits:MinFreeDiskBytes"] = minimum;
                s["Reelgen:Roles"] = "api";
            });
            await app.V1Client().SubmitAsync(Creatives.ColourSlide());
        }
    }
}
