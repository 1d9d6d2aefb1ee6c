using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reelgen.Client.AspNetCore;

/// <summary>Maps an endpoint that receives Reelgen callbacks, verifies their signature and hands over the typed body.</summary>
public static class ReelgenCallbackEndpoints
{
    /// <summary>The largest callback body read; callbacks are small (the payload itself is at most 16 KB).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c>: a callback whose signature verifies with <paramref name="secret"/>
    /// goes to <paramref name="handler"/> and is answered 204; a bad or missing signature is answered 401, a body
    /// that is not JSON 400. An exception in the handler answers 500, so the server delivers the callback again.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route, for example <c>/reelgen-callback</c>.</param>
    /// <param name="secret">The workspace's callback secret (<c>whsec_...</c>).</param>
    /// <param name="handler">What to do with a verified callback.</param>
    public static RouteHandlerBuilder MapReelgenCallback(this IEndpointRouteBuilder endpoints, string pattern, string secret, Func<CallbackBody, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return endpoints.MapReelgenCallback(pattern, new WebhookVerifier(secret), (body, _, _) => handler(body));
    }

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> with a verifier of your own (several secrets, another tolerance)
    /// and a handler that also gets the request and its cancellation token.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route, for example <c>/reelgen-callback</c>.</param>
    /// <param name="verifier">Checks each callback's signature.</param>
    /// <param name="handler">What to do with a verified callback.</param>
    public static RouteHandlerBuilder MapReelgenCallback(this IEndpointRouteBuilder endpoints, string pattern, WebhookVerifier verifier, Func<CallbackBody, HttpContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(handler);
        Func<HttpContext, Task<IResult>> endpoint = async http =>
        {
            var body = await ReadBodyAsync(http.Request);
            if (body is null)
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The callback body is too large.");
            var headers = http.Request.Headers;
            var id = headers[WebhookVerifier.IdHeader].ToString();
            try
            {
                verifier.Verify(id, headers[WebhookVerifier.TimestampHeader].ToString(), headers[WebhookVerifier.SignatureHeader].ToString(), body);
            }
            catch (WebhookVerificationException ex)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The callback signature is not valid.", detail: ex.Message);
            }
            CallbackBody callback;
            try
            {
                callback = CallbackBody.Parse(body) with { WebhookId = id };
            }
            catch (JsonException ex)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The callback body is not a JSON object.", detail: ex.Message);
            }
            await handler(callback, http, http.RequestAborted);
            return TypedResults.NoContent();
        };
        return endpoints.MapPost(pattern, endpoint).ExcludeFromDescription();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
