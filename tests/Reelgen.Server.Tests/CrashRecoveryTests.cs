using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("reelgen-crash-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Jobs_accepted_before_a_kill_9_all_finish_after_restart()
    {
        var settings = new Dictionary<string, string>
        {
            // Short enough to keep the test quick, long enough that a loaded machine's heartbeats keep it.
            ["Reelgen__Worker__LeaseDuration"] = "00:00:04",
            ["Reelgen__Worker__MaxAttempts"] = "10",
            ["Reelgen__Worker__RescueInterval"] = "00:00:00.500",
            ["Reelgen__Worker__PollInterval"] = "00:00:00.200",
            ["Reelgen__Worker__HeartbeatInterval"] = "00:00:00.250",
        };
        string running, queued;
        using (var server = new ServerProcess(_data, settings))
        {
            await server.StartAsync();
            var client = server.Client();
            (running, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 40_000, width: 640, height: 360));
            (queued, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 1000));
            await client.WaitForAsync(running, ["preprocessing", "preprocessing_finished", "generating"]);
            await Task.Delay(300);

            server.Kill();
        }

        using (var restarted = new ServerProcess(_data, settings))
        {
            await restarted.StartAsync();
            var client = restarted.Client();

            var first = await client.WaitForFinishedAsync(running, TimeSpan.FromSeconds(120));
            var second = await client.WaitForFinishedAsync(queued, TimeSpan.FromSeconds(60));

            Assert.True((string?)first["status"] == "finished", $"first job: {first}");
            Assert.True((string?)second["status"] == "finished", $"second job: {second}");
            var video = await client.GetStringAsync($"generated-videos/{first["videoId"]}");
            var publicUrl = (string)System.Text.Json.Nodes.JsonNode.Parse(video)!["publicUrl"]!;
            var file = Path.Combine(_data, "download.mp4");
            await File.WriteAllBytesAsync(file, await client.GetByteArrayAsync(publicUrl));
            var info = await Probe.ReadAsync(file);
            Assert.InRange(info.DurationSeconds, 39.9, 40.1);
        }
    }
}
