using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Reelgen.Server.Tests.Support;

/// <summary>Videos with speech, and finished videos ready to be shared.</summary>
public static class SharedVideos
{
    /// <summary>Two scenes of fixed length, each with a presenter speaking; the second script starts 200 ms in.</summary>
    public static object Presented(string name = "Shared video", string first = "Hello & <welcome> to Reelgen.", string second = "Thanks for watching.", int width = 320, int height = 240) => new
    {
        videoCreative = new
        {
            settings = new { name, videoSize = new { width, height }, backgroundColor = "#1F3A5F" },
            scenes = new object[]
            {
                new { duration = 1000, tracks = new object[] { new { type = "actor", actor = "karen", text = first } } },
                new { duration = 1400, tracks = new object[] { new { type = "actor", actor = "ryan", text = second, startTimeGap = 200 } } },
            },
        },
    };

    /// <summary>Submits <paramref name="creative"/>, waits for it and returns the generated-video object.</summary>
    public static async Task<JsonObject> RenderAsync(this HttpClient api, object creative)
    {
        var (jobId, videoId) = await api.SubmitAsync(creative);
        var job = await api.WaitForFinishedAsync(jobId);
        Assert.True((string?)job["status"] == "finished", $"the job ended {job["status"]}: {job["error"]}");
        return (await api.GetFromJsonAsync<JsonObject>($"generated-videos/{videoId}"))!;
    }

    /// <summary>The path and query of a public URL, for a client of the in-process server.</summary>
    public static string Local(JsonObject video, string property) => new Uri((string)video[property]!).PathAndQuery;
}
