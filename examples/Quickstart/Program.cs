// Builds a two-scene video in C#, submits it to the Reelgen server named by REELGEN_URL (default
// http://localhost:5080) with the token in REELGEN_TOKEN, shows its progress, and prints the video's public URL
// as the last line.
using Reelgen.Client;
using Reelgen.Creative;

var options = ReelgenClientOptions.FromEnvironment();
if (options.Token is null)
{
    Console.Error.WriteLine("Set REELGEN_TOKEN to an API token (./run.sh tokens create --workspace demo prints one).");
    return 2;
}
using var client = new ReelgenClient(options);

var request = new VideoGenerationJobRequest
{
    VideoCreative = new VideoCreative
    {
        Settings = new VideoSettings { Name = "Quickstart", VideoSize = new VideoSize(1280, 720), BackgroundColor = "#1B2A41" },
        Scenes =
        [
            // A title slide: a scene with no speech needs a duration (milliseconds).
            new Scene
            {
                Duration = 3000,
                Tracks =
                [
                    Track.TextTrack(
                        "Hello, {name}!",
                        position: new Position(80, 290),
                        size: new Size(1120, 140),
                        style: new TextStyle { FontSize = 96, FontWeight = "bold", Align = "center" }),
                ],
            },
            // A presenter scene: it lasts as long as ryan speaks.
            new Scene
            {
                Tracks = [Track.ActorTrack("ryan", "Welcome to Reelgen. This video was built and submitted with the C# SDK.")],
            },
        ],
    },
    DynamicVariables = Variables.From(new { name = "world" }),
};

try
{
    var created = await client.CreateJobAsync(request);
    Console.WriteLine($"Submitted job {created.Id} (video {created.VideoId})");

    var job = await client.WaitForJobAsync(created.Id, new ConsoleProgress(), new WaitOptions { Timeout = TimeSpan.FromMinutes(10) });
    if (!job.IsFinished)
    {
        Console.Error.WriteLine($"Job {job.Id} {job.Status}: {job.Error}");
        return 1;
    }

    var video = await client.GetVideoAsync(created.VideoId);
    Console.WriteLine($"Share page: {video.ShareUrl}");
    Console.WriteLine(video.PublicUrl);
    return 0;
}
catch (ReelgenApiException ex)
{
    // Problem details from the server; for a 400, Errors names each bad field by its JSON path.
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (HttpRequestException ex)
{
    Console.Error.WriteLine($"Could not reach {client.ApiBaseUrl}: {ex.Message}. Is the server running (./run.sh)?");
    return 3;
}

/// <summary>Prints each change of status or progress as it happens (Progress&lt;T&gt; would print later, possibly after the URL).</summary>
internal sealed class ConsoleProgress : IProgress<JobProgress>
{
    public void Report(JobProgress value) =>
        Console.WriteLine(FormattableString.Invariant($"  {value.Status,-22} {value.Fraction * 100,3:0}%"));
}
