using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Storage;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Live_ready_and_the_whole_health_answer_200_without_a_token()
    {
        using var app = new ReelgenApp();
        using var http = app.CreateClient();

        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");
        var all = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string?)report["status"]);
        Assert.Equal("Healthy", (string?)report["checks"]!["database"]!["status"]);
        Assert.Equal("Healthy", (string?)report["checks"]!["storage"]!["status"]);
    }

    [Fact]
    public async Task Ready_fails_naming_the_storage_when_videos_cannot_be_written_while_live_still_passes()
    {
        using var app = new ReelgenApp();
        using var http = app.CreateClient();
        var videos = ((LocalVideoStorage)app.Services.GetRequiredService<VideoStorage>()).Directory;
        // The video directory replaced by a file: as a lost mount would, every write there now fails.
        Directory.Delete(videos, recursive: true);
        await File.WriteAllTextAsync(videos, "not a directory");

        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", (string?)report["status"]);
        Assert.Equal("Healthy", (string?)report["checks"]!["database"]!["status"]);
        Assert.Equal("Unhealthy", (string?)report["checks"]!["storage"]!["status"]);
        Assert.StartsWith("the video storage does not take writes", (string?)report["checks"]!["storage"]!["description"], StringComparison.Ordinal);
    }
}
