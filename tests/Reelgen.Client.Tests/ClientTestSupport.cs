using Reelgen.Creative;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Client.Tests;

/// <summary>Collects progress reports as they are made (Progress&lt;T&gt; would post them later, on the thread pool).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
                return [.. _reports];
        }
    }

    public void Report(T value)
    {
        lock (_reports)
            _reports.Add(value);
    }
}

internal static class TestCreatives
{
    /// <summary>A one-second 320x240 slide with a line of text: renders in a moment.</summary>
    public static VideoGenerationJobRequest Slide(string name = "SDK test", int durationMs = 1000) => new()
    {
        VideoCreative = new VideoCreative
        {
            Settings = new VideoSettings { Name = name, VideoSize = new VideoSize(320, 240), BackgroundColor = "#203040" },
            Scenes =
            [
                new Scene
                {
                    Duration = durationMs,
                    Tracks = [Track.TextTrack("Hello from the SDK", new Position(20, 100), new Size(280, 40), new TextStyle { FontSize = 24 })],
                },
            ],
        },
    };
}

internal static class AppClients
{
    /// <summary>A client of the in-process server, through the factory's handler.</summary>
    public static ReelgenClient Client(this ReelgenApp app, string? token = ReelgenApp.Token, AuthStyle style = AuthStyle.Bearer, string apiPath = "/api/v1") =>
        new(app.CreateClient(), new ReelgenClientOptions { Token = token, AuthStyle = style, ApiPath = apiPath });
}
