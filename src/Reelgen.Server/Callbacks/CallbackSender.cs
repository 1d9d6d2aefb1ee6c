using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Reelgen.Rendering;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Callbacks;

/// <summary>What one POST of a callback came to.</summary>
public sealed record SendOutcome(int? StatusCode, string? Error, long DurationMs, TimeSpan? RetryAfter)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}

/// <summary>POSTs one signed callback through the SSRF-safe handler and reports what happened; it never throws for the receiver's faults.</summary>
public sealed class CallbackSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly IOptions<CallbackOptions> _options;
    private readonly TimeProvider _time;

    public CallbackSender(IOptions<CallbackOptions> options, IOptions<ReelgenOptions> reelgen, TimeProvider time)
    {
        _options = options;
        _time = time;
        // The per-attempt timeout below covers connecting too; the client's own would only blur which one fired.
        _client = new HttpClient(SafeHttp.CreateHandler(reelgen.Value.Network.AllowPrivateAddresses)) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Reelgen-Webhooks", "1.0"));
    }

    public async Task<SendOutcome> SendAsync(CallbackDelivery delivery, Workspace workspace, CancellationToken ct)
    {
        var timeout = _options.Value.Timeout;
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        // A fresh timestamp (and so signature) on every attempt; the id stays, so receivers can drop duplicates.
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", delivery.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", CallbackSigner.Header(workspace.WebhookSecret, workspace.PreviousWebhookSecret, delivery.Id, timestamp, body));

        using var limit = new CancellationTokenSource(timeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        var started = _time.GetTimestamp();
        long Elapsed() => (long)_time.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return new SendOutcome((int)response.StatusCode, null, Elapsed(), RetryAfter(response));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendOutcome(null, $"timed out after {timeout.TotalSeconds:0.###} s", Elapsed(), null);
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome(null, Describe(ex), Elapsed(), null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        if (wait is not { } w)
            return null;
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > _options.Value.MaxRetryAfter ? _options.Value.MaxRetryAfter : w;
    }

    private static string Describe(HttpRequestException ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is UnsafeAddressException refused)
                return "refused: " + refused.Message;
        }
        return ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
    }

    public void Dispose() => _client.Dispose();
}
