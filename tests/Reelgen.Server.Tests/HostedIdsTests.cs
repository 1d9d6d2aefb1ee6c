using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>Ids from the hosted catalogue: stand-ins, the alias table, and <c>UnknownIds=reject</c>.</summary>
public sealed class HostedIdsTests
{
    private static readonly VoiceCatalog Voices = new();
    private static readonly PresenterCatalog Presenters = new();

    private static HostedIds Resolver(Action<ReelgenOptions>? configure = null)
    {
        var options = new ReelgenOptions();
        configure?.Invoke(options);
        return new HostedIds(Voices, Presenters, Microsoft.Extensions.Options.Options.Create(options));
    }

    private static (Track Track, List<string> Warnings) StandIn(string actor, string? speakerId, HostedIds? resolver = null)
    {
        var track = Track.ActorTrack(actor, "Hello.", speakerId);
        var request = new VideoGenerationJobRequest { VideoCreative = new VideoCreative { Scenes = [new Scene { Tracks = [Track.TextTrack("x"), track] }] } };
        var warnings = (resolver ?? Resolver()).StandIn(request);
        return (track, warnings);
    }

    [Theory]
    [InlineData("English_witty_female_1", "Female")]
    [InlineData("calm-Male-narrator", "Male")]
    [InlineData("FemaleVoice2", "Female")]
    [InlineData("aquXcfLbkxpW4BBI5qKm", null)]
    [InlineData("Emanuel", null)]
    [InlineData("nina1", null)]
    public void A_gender_is_read_only_from_whole_words_of_an_id(string id, string? gender) =>
        Assert.Equal(gender, HostedIds.GenderIn(id));

    [Fact]
    public void Known_ids_are_left_alone()
    {
        var (track, warnings) = StandIn("ryan", "en-GB-RyanNeural");

        Assert.Empty(warnings);
        Assert.Equal(("ryan", "en-GB-RyanNeural"), (track.Actor, track.SpeakerId));
    }

    [Fact]
    public void An_unknown_voice_without_a_hint_becomes_the_presenters_own_voice()
    {
        var (track, warnings) = StandIn("omar", "aquXcfLbkxpW4BBI5qKm");

        Assert.Equal("en-US-GuyNeural", track.SpeakerId);
        Assert.Equal(["videoCreative.scenes[0].tracks[1].speakerId: 'aquXcfLbkxpW4BBI5qKm' is not a Reelgen voice; 'en-US-GuyNeural' stands in (the voice of 'omar')."], warnings);
    }

    [Fact]
    public void An_unknown_voice_naming_the_other_gender_takes_the_voice_of_the_first_presenter_of_that_gender()
    {
        var (track, warnings) = StandIn("ryan", "English_witty_female_1");

        Assert.Equal("en-US-JennyNeural", track.SpeakerId);
        Assert.Contains("(a female voice, from its id)", Assert.Single(warnings));
    }

    [Fact]
    public void An_unknown_presenter_follows_the_gender_of_a_known_voice_else_is_the_first_presenter()
    {
        var (male, _) = StandIn("lisa1", "en-GB-RyanNeural");
        var (none, warnings) = StandIn("lisa1", null);

        Assert.Equal(("ryan", "en-GB-RyanNeural"), (male.Actor, male.SpeakerId));
        Assert.Equal((Actors.BuiltIn[0].Name, null), (none.Actor, none.SpeakerId));
        Assert.Equal([$"videoCreative.scenes[0].tracks[1].actor: 'lisa1' is not a Reelgen presenter; '{Actors.BuiltIn[0].Name}' stands in (the first presenter)."], warnings);
    }

    [Fact]
    public void The_same_request_always_gets_the_same_stand_ins()
    {
        var first = StandIn("nina1", "aquXcfLbkxpW4BBI5qKm");
        var second = StandIn("nina1", "aquXcfLbkxpW4BBI5qKm");

        Assert.Equal(first.Warnings, second.Warnings);
        Assert.Equal((first.Track.Actor, first.Track.SpeakerId), (second.Track.Actor, second.Track.SpeakerId));
    }

    [Fact]
    public void Aliases_map_ids_whatever_their_case_and_say_so()
    {
        var resolver = Resolver(o =>
        {
            o.Aliases.Voices["aquXcfLbkxpW4BBI5qKm"] = "en-GB-SoniaNeural";
            o.Aliases.Actors["nina1"] = "sofia";
        });

        var (track, warnings) = StandIn("NINA1", "aquxcflbkxpw4bbi5qkm", resolver);

        Assert.Equal(("sofia", "en-GB-SoniaNeural"), (track.Actor, track.SpeakerId));
        Assert.Equal(
            [
                "videoCreative.scenes[0].tracks[1].actor: 'NINA1' is mapped to 'sofia' by the alias table.",
                "videoCreative.scenes[0].tracks[1].speakerId: 'aquxcflbkxpw4bbi5qkm' is mapped to 'en-GB-SoniaNeural' by the alias table.",
            ],
            warnings);
    }

    [Fact]
    public void Under_reject_unknown_ids_are_left_for_the_validator_but_aliases_still_apply()
    {
        var resolver = Resolver(o =>
        {
            o.Compatibility.UnknownIds = "reject";
            o.Aliases.Actors["lisa1"] = "karen";
        });

        var (track, warnings) = StandIn("lisa1", "aquXcfLbkxpW4BBI5qKm", resolver);

        Assert.Equal(("karen", "aquXcfLbkxpW4BBI5qKm"), (track.Actor, track.SpeakerId));
        Assert.Single(warnings);
    }

    [Fact]
    public async Task Under_reject_an_unknown_voice_is_a_400_naming_the_field()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Compatibility:UnknownIds"] = "reject");
        var client = app.V1Client();

        var response = await client.PostAsJsonAsync("video-generation-jobs", Creative("karen", "aquXcfLbkxpW4BBI5qKm"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(body["errors"]!["videoCreative.scenes[0].tracks[0].speakerId"]);
        Assert.Contains("aquXcfLbkxpW4BBI5qKm", (string?)body["message"]);
    }

    [Fact]
    public async Task An_aliased_job_renders_with_the_alias_and_carries_the_warning()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Aliases:Voices:aquXcfLbkxpW4BBI5qKm"] = "en-GB-RyanNeural");
        var client = app.V1Client();

        var (jobId, _) = await client.SubmitAsync(Creative("karen", "aquXcfLbkxpW4BBI5qKm"));
        var job = await client.WaitForFinishedAsync(jobId);

        Assert.Equal("finished", (string?)job["status"]);
        Assert.Equal(
            "videoCreative.scenes[0].tracks[0].speakerId: 'aquXcfLbkxpW4BBI5qKm' is mapped to 'en-GB-RyanNeural' by the alias table.",
            (string?)Assert.Single(job["warnings"]!.AsArray()));
    }

    [Theory]
    [InlineData("Reelgen__Aliases__Voices__aquXcfLbkxpW4BBI5qKm", "xx-Nobody", "is not a voice of this server")]
    [InlineData("Reelgen__Aliases__Actors__nina1", "nobody", "is not a presenter of this server")]
    [InlineData("Reelgen__Compatibility__UnknownIds", "ignore", "use substitute or reject")]
    public async Task A_bad_alias_or_mode_stops_the_start_naming_it(string name, string value, string reason)
    {
        var data = Directory.CreateTempSubdirectory("reelgen-aliases-").FullName;
        try
        {
            using var server = new ServerProcess(data, new() { [name] = value });

            var (exitCode, output) = await server.RunToExitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(2, exitCode);
            var line = output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith($"{name} = '{value}'", StringComparison.Ordinal));
            Assert.True(line is not null, $"no line names {name}:\n{output}");
            Assert.Contains(reason, line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_template_with_a_hosted_voice_is_saved_and_its_jobs_carry_the_warning()
    {
        using var app = new ReelgenApp();
        var client = app.V1Client();
        var saved = await client.PostAsJsonAsync("video-generation-jobs/templates", Creative("karen", "aquXcfLbkxpW4BBI5qKm", "Hello {name}."));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var templateJobId = (string)(await saved.Content.ReadFromJsonAsync<JsonObject>())!["templateJobId"]!;

        var run = await client.PostAsJsonAsync("video-generation-jobs/template-jobs", new { templateJobId, dynamicVariables = new { name = "Ada" } });
        var job = await client.GetJobAsync((string)(await run.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);

        Assert.Contains("'aquXcfLbkxpW4BBI5qKm' is not a Reelgen voice", (string?)Assert.Single(job["warnings"]!.AsArray()));
    }

    private static object Creative(string actor, string speakerId, string text = "Hi.") => new
    {
        videoCreative = new
        {
            settings = new { videoSize = new { width = 320, height = 240 } },
            scenes = new[] { new { tracks = new[] { new { type = "actor", actor, speakerId, text } } } },
        },
    };
}
