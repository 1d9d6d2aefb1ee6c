using System.Diagnostics;
using System.Text;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// Through the front door: an audio URL whose bytes start like an MP3 (an ID3 header) but carry an HLS playlist naming
/// a file outside the job's folder. The job fails, naming the field, and no video is made from the named file.
/// </summary>
public sealed class PlaylistAttackJobTests
{
    [Fact]
    public async Task A_playlist_behind_an_id3_header_fails_the_job_naming_the_field()
    {
        var canaries = Directory.CreateTempSubdirectory("reelgen-canary-").FullName;
        try
        {
            var canary = Path.Combine(canaries, "canary.mp4");
            Ffmpeg("-f", "lavfi", "-i", "color=c=magenta:s=64x48:d=2", "-f", "lavfi", "-i", "sine=f=1234:d=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", canary);
            await using var assets = await AssetHost.StartAsync();
            byte[] body = [.. "ID3"u8, 3, 0, 0, 0, 0, 0, 0,
                .. Encoding.ASCII.GetBytes($"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{canary}\n#EXT-X-ENDLIST\n")];
            var url = assets.Serve("/music.mp3", body);
            using var app = new ReelgenApp(s => s["Reelgen:Network:AllowPrivateAddresses"] = "true");
            var client = app.V1Client();

            var (jobId, _) = await client.SubmitAsync(new
            {
                videoCreative = new
                {
                    settings = new { videoSize = new { width = 160, height = 120 } },
                    scenes = new[] { new { duration = 1000, tracks = new object[] { new { type = "audio", audioUrl = url } } } },
                },
            });
            var job = await client.WaitForFinishedAsync(jobId);

            Assert.Equal("failed", (string?)job["status"]);
            var error = (string?)job["error"] ?? "";
            Assert.Contains($"scene 1, track 1: audioUrl {url} contains an HLS playlist (#EXTM3U), which is refused", error);
            Assert.Empty(Directory.EnumerateFiles(app.DataDirectory, "*.mp4", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(canaries, recursive: true);
        }
    }

    private static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in (string[])["-v", "error", "-y", .. args])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }
}
