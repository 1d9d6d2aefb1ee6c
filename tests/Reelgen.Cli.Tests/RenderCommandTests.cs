using Reelgen.Server.Tests.Support;

namespace Reelgen.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class RenderCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("reelgen-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string TinyCreative = """
        {
          "settings": { "name": "Tiny", "videoSize": { "width": 320, "height": 240 }, "backgroundColor": "#102030" },
          "scenes": [ { "duration": 1000, "tracks": [ { "type": "text", "text": "Hi {who}", "style": { "fontSize": 24 } } ] } ],
          "dynamicVariables": { "who": "there" }
        }
        """;

    [Fact]
    public async Task A_bare_creative_renders_to_an_mp4_that_ffprobe_reads_and_its_path_is_the_last_line()
    {
        var creative = Cli.WriteJson(_dir, "tiny.json", TinyCreative);
        var output = Path.Combine(_dir, "out", "tiny.mp4");

        var result = await Cli.RunAsync("render", creative, "-o", output);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(output, result.LastLine());
        Assert.Contains("encoding 100%", result.Output, StringComparison.Ordinal);
        var info = await Probe.ReadAsync(output);
        Assert.Equal((320, 240), (info.Width, info.Height));
        Assert.Equal("h264", info.VideoCodec);
        Assert.InRange(info.DurationSeconds, 0.9, 1.2);
    }

    [Fact]
    public async Task A_whole_job_request_renders_next_to_the_file_by_default()
    {
        var creative = Cli.WriteJson(_dir, "job.json", $$"""{ "videoCreative": {{TinyCreative}}, "dynamicVariables": { "who": "you" } }""");

        var result = await Cli.RunAsync("render", creative);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(Path.Combine(_dir, "job.mp4"), result.LastLine());
        Assert.True(File.Exists(Path.Combine(_dir, "job.mp4")));
    }

    [Fact]
    public async Task An_invalid_creative_exits_2_naming_each_bad_field_by_its_path()
    {
        var creative = Cli.WriteJson(_dir, "bad.json", """
            { "settings": { "videoSize": { "width": 321, "height": 240 } },
              "scenes": [ { "tracks": [ { "type": "text", "text": "Hi {nobody}", "duration": 1000 }, { "type": "actor", "actor": "ghost", "text": "Boo" } ] } ] }
            """);

        var result = await Cli.RunAsync("render", creative, "-o", Path.Combine(_dir, "bad.mp4"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("settings.videoSize:", result.Output, StringComparison.Ordinal);
        Assert.Contains("scenes[0].tracks[0].text:", result.Output, StringComparison.Ordinal);
        Assert.Contains("scenes[0].tracks[1].actor:", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("videoCreative.", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "bad.mp4")));
    }

    [Fact]
    public async Task Custom_presenters_of_a_folder_render_and_a_broken_one_is_named()
    {
        // "dana": the built-in karen's parts under another name; "broken": a manifest and nothing else.
        var presenters = Path.Combine(_dir, "presenters");
        var dana = Directory.CreateDirectory(Path.Combine(presenters, "dana")).FullName;
        var assembly = typeof(Reelgen.Rendering.PresenterCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("Presenters/karen/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var file = File.Create(Path.Combine(dana, resource["Presenters/karen/".Length..]));
            stream.CopyTo(file);
        }
        var manifest = Path.Combine(dana, "presenter.json");
        File.WriteAllText(manifest, """{ "gender": "Female", "defaultVoice": "en-gb", """ + File.ReadAllText(manifest).TrimStart()[1..]);
        Directory.CreateDirectory(Path.Combine(presenters, "broken"));
        File.WriteAllText(Path.Combine(presenters, "broken", "presenter.json"), "{}");
        var creative = Cli.WriteJson(_dir, "dana.json", """
            { "settings": { "videoSize": { "width": 320, "height": 240 } },
              "scenes": [ { "tracks": [ { "type": "actor", "actor": "dana", "text": "Hi." } ] } ] }
            """);

        var without = await Cli.RunAsync("render", creative, "-o", Path.Combine(_dir, "none.mp4"), "--presenters", Path.Combine(_dir, "nowhere"));
        var with = await Cli.RunAsync("render", creative, "-o", Path.Combine(_dir, "dana.mp4"), "--presenters", presenters);

        Assert.Equal(2, without.ExitCode);
        Assert.Contains("scenes[0].tracks[0].actor:", without.Output, StringComparison.Ordinal);
        Assert.True(with.ExitCode == 0, with.Output);
        Assert.Contains("Presenter 'broken' is not available", with.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "dana.mp4")));
    }

    [Fact]
    public async Task A_variable_given_on_the_command_line_fills_a_token()
    {
        var creative = Cli.WriteJson(_dir, "var.json", """
            { "settings": { "videoSize": { "width": 320, "height": 240 } },
              "scenes": [ { "duration": 500, "tracks": [ { "type": "text", "text": "Hi {name}" } ] } ] }
            """);

        var missing = await Cli.RunAsync("render", creative);
        var given = await Cli.RunAsync("render", creative, "--var", "name=Ada");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("scenes[0].tracks[0].text:", missing.Output, StringComparison.Ordinal);
        Assert.True(given.ExitCode == 0, given.Output);
    }

    [Theory]
    [InlineData("missing.json", null)]
    [InlineData("broken.json", "{ \"scenes\": [ ")]
    [InlineData("neither.json", "{ \"hello\": 1 }")]
    [InlineData("wrongtype.json", "{ \"scenes\": [ { \"duration\": \"long\", \"tracks\": [] } ] }")]
    public async Task A_missing_or_malformed_file_exits_2_with_a_reason(string name, string? json)
    {
        var path = json is null ? Path.Combine(_dir, name) : Cli.WriteJson(_dir, name, json);

        var result = await Cli.RunAsync("render", path);

        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Output);
    }
}
