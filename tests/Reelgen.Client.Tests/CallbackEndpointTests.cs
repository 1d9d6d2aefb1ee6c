using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Reelgen.Client.AspNetCore;

namespace Reelgen.Client.Tests;

/// <summary>The one-line callback endpoint, in a small app of its own.</summary>
public sealed class CallbackEndpointTests : IAsyncDisposable
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly List<CallbackBody> _received = [];
    private WebApplication? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }

    private async Task<HttpClient> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        _app = builder.Build();
        _app.MapReelgenCallback("/reelgen-callback", Secret, body =>
        {
            lock (_received)
                _received.Add(body);
            return Task.CompletedTask;
        });
        await _app.StartAsync();
        return _app.GetTestClient();
    }

    private static HttpRequestMessage Callback(string body, string? signature = null, DateTimeOffset? sent = null, string id = "msg_42")
    {
        var time = sent ?? DateTimeOffset.UtcNow;
        var request = new HttpRequestMessage(HttpMethod.Post, "/reelgen-callback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature ?? new WebhookVerifier(Secret).Sign(id, time, body));
        return request;
    }

    [Fact]
    public async Task A_signed_callback_reaches_the_handler_typed_with_its_webhook_id_and_is_answered_204()
    {
        var client = await StartAsync();

        var response = await client.SendAsync(Callback("""{"status":"finished","jobId":"j","videoId":"v","url":"http://h/f.mp4","orderId":"o-1"}"""));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var body = Assert.Single(_received);
        Assert.Equal("msg_42", body.WebhookId);
        Assert.Equal("http://h/f.mp4", body.Url);
        Assert.Equal("o-1", body.Extra["orderId"].GetString());
    }

    [Fact]
    public async Task A_bad_signature_a_stale_timestamp_or_no_headers_are_answered_401_and_never_reach_the_handler()
    {
        var client = await StartAsync();

        var forged = await client.SendAsync(Callback("""{"status":"finished"}""", signature: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        var stale = await client.SendAsync(Callback("""{"status":"finished"}""", sent: DateTimeOffset.UtcNow.AddMinutes(-10)));
        var bare = await client.PostAsync("/reelgen-callback", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_signed_body_that_is_not_a_json_object_is_answered_400()
    {
        var client = await StartAsync();

        var response = await client.SendAsync(Callback("[1,2]"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_received);
    }
}
