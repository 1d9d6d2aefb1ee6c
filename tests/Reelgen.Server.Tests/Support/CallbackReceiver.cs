using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reelgen.Server.Tests.Support;

/// <summary>One callback as the receiver saw it, bytes and all.</summary>
public sealed record ReceivedCallback(DateTimeOffset At, string Path, string? Id, string? Timestamp, string? Signature, string? ContentType, string Body)
{
    /// <summary>
    /// Checks the signature by hand, independently of the server's signer: HMAC-SHA256 keyed with the base64 bytes
    /// after <c>whsec_</c>, over <c>id.timestamp.body</c>, as any of the space-separated <c>v1,</c> signatures.
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}"));
        return (Signature ?? "").Split(' ').Contains("v1," + Convert.ToBase64String(mac));
    }
}

/// <summary>A real HTTP server on 127.0.0.1 that records every POST and answers as the test scripts it.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedCallback> _arrivals = Channel.CreateUnbounded<ReceivedCallback>();
    private readonly List<ReceivedCallback> _all = [];
    private readonly Func<int, HttpContext, Task> _respond;

    private CallbackReceiver(Func<int, HttpContext, Task>? respond)
    {
        _respond = respond ?? ((_, _) => Task.CompletedTask);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/{**path}", HandleAsync);
    }

    /// <summary>Starts a receiver; <paramref name="respond"/> gets the 0-based number of the request and may set status, headers or stall.</summary>
    public static async Task<CallbackReceiver> StartAsync(Func<int, HttpContext, Task>? respond = null)
    {
        var receiver = new CallbackReceiver(respond);
        await receiver._app.StartAsync();
        return receiver;
    }

    public Uri BaseAddress => new(_app.Urls.First());

    public int Port => BaseAddress.Port;

    public string Url => new Uri(BaseAddress, "/hook").ToString();

    public IReadOnlyList<ReceivedCallback> All
    {
        get
        {
            lock (_all)
                return [.. _all];
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var at = DateTimeOffset.UtcNow;
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var h = http.Request.Headers;
        var received = new ReceivedCallback(at, http.Request.Path, h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"], http.Request.ContentType, body);
        int index;
        lock (_all)
        {
            index = _all.Count;
            _all.Add(received);
        }
        await _arrivals.Writer.WriteAsync(received);
        await _respond(index, http);
    }

    /// <summary>The next callback to arrive.</summary>
    public async Task<ReceivedCallback> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _arrivals.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no callback arrived within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds} s (received {All.Count} so far)");
        }
    }

    /// <summary>Fails if any callback arrives within <paramref name="wait"/> (counting from now).</summary>
    public async Task AssertNothingArrivesAsync(TimeSpan wait)
    {
        var before = All.Count;
        await Task.Delay(wait);
        var after = All;
        if (after.Count != before)
            Assert.Fail($"an unexpected callback arrived: {after[before].Id} {after[before].Body}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
