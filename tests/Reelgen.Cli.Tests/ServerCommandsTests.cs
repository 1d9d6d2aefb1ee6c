using Reelgen.Cli.Commands;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Cli.Tests;

/// <summary>The verbs that talk to a server, against a Reelgen server in-process.</summary>
[Collection(CliCollection.Name)]
public sealed class ServerCommandsTests : IDisposable
{
    private readonly ReelgenApp _app = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("reelgen-cli-").FullName;

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Creative(int width = 320) => Cli.WriteJson(_dir, "c.json", $$"""
        { "settings": { "name": "From the CLI", "videoSize": { "width": {{width}}, "height": 240 } },
          "scenes": [ { "duration": 800, "tracks": [ { "type": "text", "text": "Hello" } ] } ] }
        """);

    [Fact]
    public async Task Submit_with_wait_prints_progress_and_the_public_url_as_the_last_line()
    {
        var result = await Cli.RunAgainstAsync(_app, "submit", Creative(), "--wait");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.StartsWith("http://reelgen.test/files/", result.LastLine(), StringComparison.Ordinal);
        Assert.EndsWith(".mp4", result.LastLine(), StringComparison.Ordinal);
        Assert.Contains("finished 100%", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_prints_the_job_id_then_status_wait_and_download_use_it()
    {
        var submitted = await Cli.RunAgainstAsync(_app, "submit", Creative());
        var jobId = submitted.LastLine();
        var waited = await Cli.RunAgainstAsync(_app, "wait", jobId);
        var status = await Cli.RunAgainstAsync(_app, "status", jobId);
        var json = await Cli.RunAgainstAsync(_app, "status", jobId, "--json");
        var videoId = System.Text.Json.Nodes.JsonNode.Parse(json.Output)!["videoId"]!.ToString();
        var file = Path.Combine(_dir, "video.mp4");
        var downloaded = await Cli.RunAgainstAsync(_app, "download", videoId, "-o", file);

        Assert.Equal(0, submitted.ExitCode);
        Assert.True(Guid.TryParse(jobId, out _), submitted.Output);
        Assert.True(waited.ExitCode == 0, waited.Output);
        Assert.StartsWith("http://reelgen.test/files/", waited.LastLine(), StringComparison.Ordinal);
        Assert.Equal("finished", status.LastLine());
        Assert.Contains(videoId, status.Output, StringComparison.Ordinal);
        Assert.True(downloaded.ExitCode == 0, downloaded.Output);
        Assert.Equal(file, downloaded.LastLine());
        Assert.Equal("ftyp"u8.ToArray(), File.ReadAllBytes(file)[4..8]);
    }

    [Fact]
    public async Task Submitting_an_invalid_creative_exits_2_naming_the_fields_the_server_refused()
    {
        var result = await Cli.RunAgainstAsync(_app, "submit", Creative(width: 321), "--wait");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("settings.videoSize:", result.Output, StringComparison.Ordinal);
        Assert.Contains("even", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actors_and_voices_are_listed()
    {
        var actors = await Cli.RunAgainstAsync(_app, "actors");
        var voices = await Cli.RunAgainstAsync(_app, "voices");

        Assert.Equal(0, actors.ExitCode);
        Assert.Contains("ryan", actors.Output, StringComparison.Ordinal);
        Assert.Equal(0, voices.ExitCode);
        Assert.Contains("en-GB-RyanNeural", voices.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_job_exits_2_and_a_wrong_token_exits_2_with_a_hint()
    {
        var unknown = await Cli.RunAgainstAsync(_app, "status", "no-such-job");
        CliHttp.HandlerFactory = () => _app.Server.CreateHandler();
        Spectre.Console.Cli.Testing.CommandAppResult wrong;
        try
        {
            wrong = await Cli.RunAsync("actors", "--url", "http://localhost", "--token", "wrong");
        }
        finally
        {
            CliHttp.HandlerFactory = null;
        }

        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("404", unknown.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, wrong.ExitCode);
        Assert.Contains("REELGEN_TOKEN", wrong.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_exits_3()
    {
        var result = await Cli.RunAsync("actors", "--url", "http://127.0.0.1:9", "--token", "t");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("Could not reach the server", result.Output, StringComparison.Ordinal);
    }
}

/// <summary>Waiting against a server with no worker: the job stays queued.</summary>
[Collection(CliCollection.Name)]
public sealed class WaitTimeoutTests : IDisposable
{
    private readonly ReelgenApp _app = new(s => s["Reelgen:Roles"] = "api");

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Waiting_past_the_timeout_exits_4()
    {
        var dir = Directory.CreateTempSubdirectory("reelgen-cli-").FullName;
        var creative = Cli.WriteJson(dir, "c.json", """{ "scenes": [ { "duration": 500, "tracks": [] } ] }""");
        var jobId = (await Cli.RunAgainstAsync(_app, "submit", creative)).LastLine();

        var result = await Cli.RunAgainstAsync(_app, "wait", jobId, "--timeout", "1");

        Assert.Equal(ExitCodes.Timeout, result.ExitCode);
        Assert.Contains("in_queue", result.Output, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Without_a_token_the_verbs_exit_2_and_say_how_to_get_one()
    {
        Environment.SetEnvironmentVariable("REELGEN_TOKEN", null);

        var result = await Cli.RunAsync("status", "x", "--url", "http://localhost");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("tokens create", result.Output, StringComparison.Ordinal);
    }
}
