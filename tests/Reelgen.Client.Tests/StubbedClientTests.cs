using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Reelgen.Client.Tests;

/// <summary>What the client sends and how it copes with answers the Reelgen server does not give in these tests.</summary>
public sealed class StubbedClientTests
{
    private sealed class Stub(Func<HttpRequestMessage, string?, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string? Body)> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Seen.Add((request, body));
            return answer(request, body);
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task A_template_job_is_posted_with_colossyans_field_names()
    {
        var stub = new Stub((_, _) => Json(HttpStatusCode.OK, """{"id":"j","videoId":"v"}"""));
        using var client = new ReelgenClient(new HttpClient(stub), ReelgenClientOptions.ForColossyan("secret-token"));

        var created = await client.CreateTemplateJobAsync(new TemplateJobRequest
        {
            TemplateJobId = "tpl-1",
            DynamicVariables = Variables.From(new { firstName = "Ada", Count = 3 }),
            CallbackUrl = "https://example.com/cb",
        });

        Assert.Equal(new CreatedJob("j", "v"), created);
        var (request, body) = Assert.Single(stub.Seen);
        Assert.Equal("https://app.colossyan.com/api/v1/video-generation-jobs/template-jobs", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer secret-token", request.Headers.Authorization!.ToString());
        var json = JsonNode.Parse(body!)!;
        Assert.Equal("tpl-1", (string?)json["templateJobId"]);
        Assert.Equal("https://example.com/cb", (string?)json["callbackUrl"]);
        Assert.Equal("Ada", (string?)json["dynamicVariables"]!["firstName"]);
        Assert.Equal(3, (int?)json["dynamicVariables"]!["Count"]);
        Assert.Null(json["callbackPayload"]);
    }

    [Fact]
    public async Task The_legacy_header_style_sends_authorizationtoken_and_no_authorization()
    {
        var stub = new Stub((_, _) => Json(HttpStatusCode.OK, "[]"));
        using var client = new ReelgenClient(new HttpClient(stub), new ReelgenClientOptions { BaseUrl = new Uri("http://h"), Token = "t", AuthStyle = AuthStyle.AuthorizationTokenHeader, ApiPath = "/api" });

        await client.GetVoicesAsync();

        var (request, _) = Assert.Single(stub.Seen);
        Assert.Equal("http://h/api/assets/voices", request.RequestUri!.AbsoluteUri);
        Assert.Equal("t", request.Headers.GetValues("authorizationtoken").Single());
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task Waiting_rides_out_a_few_server_errors_in_a_row()
    {
        var calls = 0;
        var stub = new Stub((_, _) => ++calls switch
        {
            1 => Json(HttpStatusCode.OK, """{"id":"j","status":"generating","progress":40,"maximumProgress":100}"""),
            2 or 3 => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            _ => Json(HttpStatusCode.OK, """{"id":"j","status":"finished","progress":100,"maximumProgress":100}"""),
        });
        using var client = new ReelgenClient(new HttpClient(stub), new ReelgenClientOptions { BaseUrl = new Uri("http://h") });
        var progress = new RecordingProgress<JobProgress>();

        var job = await client.WaitForJobAsync("j", progress, new WaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(1), UseEvents = false });

        Assert.True(job.IsFinished);
        Assert.Equal(4, calls);
        Assert.Equal([0.4, 1.0], progress.Reports.Select(r => r.Fraction));
    }

    [Fact]
    public async Task Waiting_follows_the_event_stream_then_reads_the_final_job_once()
    {
        var stub = new Stub((request, _) => request.RequestUri!.AbsolutePath.EndsWith("/events", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(
                    "id: 1\nevent: progress\ndata: {\"id\":\"j\",\"status\":\"generating\",\"progress\":40,\"maximumProgress\":100}\n\n"
                    + ": heartbeat\n\n"
                    + "id: 2\nevent: done\ndata: {\"id\":\"j\",\"status\":\"finished\",\"progress\":100,\"maximumProgress\":100}\n\n",
                    Encoding.UTF8, "text/event-stream"),
            }
            : Json(HttpStatusCode.OK, """{"id":"j","status":"finished","progress":100,"maximumProgress":100,"videoCreative":{}}"""));
        using var client = new ReelgenClient(new HttpClient(stub), new ReelgenClientOptions { BaseUrl = new Uri("http://h"), Token = "t" });
        var progress = new RecordingProgress<JobProgress>();

        var job = await client.WaitForJobAsync("j", progress);

        Assert.True(job.IsFinished);
        Assert.NotNull(job.Raw["videoCreative"]);
        Assert.Equal(["http://h/api/v1/video-generation-jobs/j/events", "http://h/api/v1/video-generation-jobs/j"], stub.Seen.Select(s => s.Request.RequestUri!.AbsoluteUri));
        Assert.Equal("text/event-stream", stub.Seen[0].Request.Headers.Accept.Single().MediaType);
        Assert.Equal("Bearer t", stub.Seen[0].Request.Headers.Authorization!.ToString());
        Assert.Equal([0.4, 1.0], progress.Reports.Select(r => r.Fraction));
    }

    [Fact]
    public async Task Waiting_polls_when_the_server_has_no_event_stream()
    {
        var polls = 0;
        var stub = new Stub((request, _) => request.RequestUri!.AbsolutePath.EndsWith("/events", StringComparison.Ordinal)
            ? Json(HttpStatusCode.NotFound, """{"title":"Not found","status":404}""")
            : Json(HttpStatusCode.OK, ++polls < 3
                ? """{"id":"j","status":"generating","progress":40,"maximumProgress":100}"""
                : """{"id":"j","status":"finished","progress":100,"maximumProgress":100}"""));
        using var client = new ReelgenClient(new HttpClient(stub), new ReelgenClientOptions { BaseUrl = new Uri("http://h") });

        var job = await client.WaitForJobAsync("j", options: new WaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(1) });

        Assert.True(job.IsFinished);
        Assert.Equal(3, polls);
        Assert.Equal(4, stub.Seen.Count);
    }

    [Fact]
    public async Task Waiting_gives_up_after_too_many_server_errors_in_a_row()
    {
        var stub = new Stub((_, _) => Json(HttpStatusCode.InternalServerError, """{"title":"Boom","status":500}"""));
        using var client = new ReelgenClient(new HttpClient(stub), new ReelgenClientOptions { BaseUrl = new Uri("http://h") });

        var error = await Assert.ThrowsAsync<ReelgenApiException>(() => client.WaitForJobAsync("j", options: new WaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(1), MaxConsecutiveErrors = 2, UseEvents = false }));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("Boom", error.Title);
        Assert.Equal(3, stub.Seen.Count);
    }

    [Fact]
    public async Task Error_bodies_that_are_not_problem_details_still_give_a_readable_message()
    {
        var stub = new Stub((_, _) => Json(HttpStatusCode.BadRequest, """{"error":{"message":"videoCreative is required"}}"""));
        using var client = new ReelgenClient(new HttpClient(stub), new ReelgenClientOptions { BaseUrl = new Uri("http://h") });

        var error = await Assert.ThrowsAsync<ReelgenApiException>(() => client.GetJobAsync("j"));

        Assert.Equal("videoCreative is required", error.Detail);
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }
}
