using System.Text.Json;
using Reelgen.Creative;

namespace Reelgen.Rendering.Tests;

/// <summary>Renders tiny creatives with the real renderer; assets come from a real loopback HTTP server.</summary>
public abstract class RenderTest(AssetServer server) : IClassFixture<AssetServer>, IDisposable
{
    protected AssetServer Server { get; } = server;

    protected string Work { get; } = TestMedia.NewDirectory();

    protected List<RenderProgress> Reports { get; } = [];

    protected RenderResult? Result { get; private set; }

    protected static RenderOptions Options => new() { AllowPrivateAddresses = true, Preset = "ultrafast" };

    protected async Task<string> RenderAsync(VideoCreative creative, Dictionary<string, JsonElement>? variables = null, RenderOptions? options = null, CancellationToken ct = default)
    {
        var output = Path.Combine(Work, "out.mp4");
        var progress = new SyncProgress(Reports);
        var result = Result = await new VideoRenderer(options ?? Options).RenderAsync(creative, variables ?? [], output, Path.Combine(Work, "work"), progress, ct);
        Assert.Equal(output, result.OutputPath);
        Assert.True(result.SizeBytes > 0);
        return output;
    }

    protected static VideoCreative Creative(int width, int height, params Scene[] scenes) => new()
    {
        Settings = new VideoSettings { VideoSize = new VideoSize(width, height), BackgroundColor = "#000000" },
        Scenes = [.. scenes],
    };

    protected static Scene Scene(double? duration, params Track[] tracks) => new() { Duration = duration, Tracks = [.. tracks] };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class SyncProgress(List<RenderProgress> reports) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value)
        {
            lock (reports)
                reports.Add(value);
        }
    }
}
