using System.Net;
using System.Text.Json;

namespace Reelgen.Client;

/// <summary>
/// The server answered with an error. Carries the HTTP status and the problem details (RFC 9457) the server sent:
/// for a 400, <see cref="Errors"/> names each bad field by its JSON path
/// (<c>videoCreative.scenes[0].tracks[1].text</c>).
/// </summary>
public sealed class ReelgenApiException : Exception
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>Creates an exception with a message only.</summary>
    public ReelgenApiException()
        : this("The Reelgen API answered with an error.")
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">What went wrong.</param>
    public ReelgenApiException(string message)
        : base(message)
    {
        Errors = NoErrors;
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ReelgenApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = NoErrors;
    }

    /// <summary>Creates an exception for an error answer.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="errors">Messages by JSON path of the bad field.</param>
    /// <param name="responseBody">The body as received.</param>
    public ReelgenApiException(HttpStatusCode statusCode, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors, string? responseBody)
        : base(Describe(statusCode, title, detail, errors))
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors ?? NoErrors;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status the server answered.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title, such as "The request is invalid.".</summary>
    public string? Title { get; }

    /// <summary>The problem's detail, or the <c>message</c> the server sent.</summary>
    public string? Detail { get; }

    /// <summary>For validation errors: the messages for each bad field, keyed by its JSON path. Empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>The response body as received (at most 4 000 characters).</summary>
    public string? ResponseBody { get; }

    internal static async Task<ReelgenApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Length > 4000)
            body = body[..4000];
        string? title = null, detail = null;
        Dictionary<string, string[]>? errors = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                title = StringOf(root, "title");
                detail = StringOf(root, "detail") ?? StringOf(root, "message");
                // Other servers (Colossyan among them) may answer { "error": "..." } or { "error": { "message": "..." } }.
                if (detail is null && root.TryGetProperty("error", out var error))
                    detail = error.ValueKind == JsonValueKind.String ? error.GetString() : StringOf(error, "message");
                if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Object)
                    errors = list.EnumerateObject().ToDictionary(p => p.Name, p => Messages(p.Value), StringComparer.Ordinal);
            }
        }
        catch (JsonException)
        {
            detail = body.Length > 0 ? body.Trim() : null;
        }
        return new ReelgenApiException(response.StatusCode, title ?? response.ReasonPhrase, detail, errors, body);
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string[] Messages(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()).ToArray(),
        JsonValueKind.String => [value.GetString() ?? ""],
        _ => [value.GetRawText()],
    };

    private static string Describe(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        var text = $"{(int)status} {title ?? status.ToString()}";
        if (detail is not null && detail != title)
            text += $" {detail}";
        foreach (var (path, messages) in (errors ?? NoErrors).Take(10))
        {
            foreach (var message in messages)
                text += $"{Environment.NewLine}  {path}: {message}";
        }
        return text;
    }
}

/// <summary>A job did not reach a final status within <see cref="WaitOptions.Timeout"/>.</summary>
public sealed class ReelgenWaitTimeoutException : TimeoutException
{
    /// <summary>Creates an exception with a message only.</summary>
    public ReelgenWaitTimeoutException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">What went wrong.</param>
    public ReelgenWaitTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ReelgenWaitTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a job that is still running.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="timeout">How long was waited.</param>
    /// <param name="lastSeen">The job as last seen, if it was seen at all.</param>
    public ReelgenWaitTimeoutException(string jobId, TimeSpan timeout, Job? lastSeen)
        : base($"Job {jobId} did not end within {timeout}; last status: {lastSeen?.Status ?? "unknown"}.")
    {
        JobId = jobId;
        LastSeen = lastSeen;
    }

    /// <summary>The job waited for.</summary>
    public string? JobId { get; }

    /// <summary>The job as last seen, if it was seen at all.</summary>
    public Job? LastSeen { get; }
}
