using System.Text.Json;

namespace Reelgen.Client;

/// <summary>
/// The body of a callback: what Reelgen sets (<c>url</c>, <c>videoUrl</c>, <c>shareUrl</c>, <c>status</c>,
/// <c>jobId</c>, <c>videoId</c>, and <c>error</c> on failure), and in <see cref="Extra"/> every key of the job's
/// <c>callbackPayload</c> and <c>dynamicVariables</c>, which arrive flat beside them.
/// </summary>
public sealed record CallbackBody
{
    private static readonly string[] Known = ["url", "videoUrl", "shareUrl", "status", "jobId", "videoId", "error"];

    /// <summary>The MP4 file's public URL (null on failure).</summary>
    public string? Url { get; init; }

    /// <summary>The share page (the same as <see cref="ShareUrl"/>, named as Colossyan names it).</summary>
    public string? VideoUrl { get; init; }

    /// <summary>The share page.</summary>
    public string? ShareUrl { get; init; }

    /// <summary><c>finished</c> or <c>failed</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The job.</summary>
    public string? JobId { get; init; }

    /// <summary>The job's video.</summary>
    public string? VideoId { get; init; }

    /// <summary>Why the job failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>The <c>webhook-id</c> of the delivery, when the body came through
    /// <c>MapReelgenCallback</c>: the same on every retry, so use it to drop duplicates.</summary>
    public string? WebhookId { get; init; }

    /// <summary>Every other key: the job's <c>callbackPayload</c> and <c>dynamicVariables</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>True when the job finished and <see cref="Url"/> is its video.</summary>
    public bool IsFinished => Status == JobStatus.Finished;

    /// <summary>Reads a callback body.</summary>
    /// <param name="json">The body as received.</param>
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static CallbackBody Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    /// <summary>Reads a callback body given as UTF-8 bytes.</summary>
    /// <param name="utf8Json">The body as received.</param>
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static CallbackBody Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        return Read(document.RootElement);
    }

    private static CallbackBody Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException("A callback body is a JSON object.");
        string? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new CallbackBody
        {
            Url = Get("url"),
            VideoUrl = Get("videoUrl"),
            ShareUrl = Get("shareUrl"),
            Status = Get("status"),
            JobId = Get("jobId"),
            VideoId = Get("videoId"),
            Error = Get("error"),
            Extra = root.EnumerateObject()
                .Where(p => !Known.Contains(p.Name))
                .ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal),
        };
    }
}
