using System.Text.Json;
using System.Text.Json.Nodes;
using Reelgen.Creative;

namespace Reelgen.Server.Http;

/// <summary>Reads a request body as JSON, whatever its Content-Type says (clients of the hosted API send none).</summary>
public static class JsonBody
{
    /// <summary>Reads a JSON object body; a syntax or type error is reported under the JSON path where it was found.</summary>
    public static Task<(JsonObject? Node, T? Value, Dictionary<string, string[]>? Errors)> ReadAsync<T>(HttpRequest request)
        where T : class =>
        ReadAsync<T>(request.Body, request.HttpContext.RequestAborted);

    /// <inheritdoc cref="ReadAsync{T}(HttpRequest)"/>
    public static async Task<(JsonObject? Node, T? Value, Dictionary<string, string[]>? Errors)> ReadAsync<T>(Stream body, CancellationToken ct)
        where T : class
    {
        static Dictionary<string, string[]> Error(string path, string message) => new() { [path] = [message] };
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(body, documentOptions: CreativeJson.DocumentOptions, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return (null, null, Error("body", $"is not valid JSON: {ex.Message}"));
        }
        if (node is not JsonObject obj)
            return (null, null, Error("body", "must be a JSON object."));
        try
        {
            var value = obj.Deserialize<T>(CreativeJson.Options);
            return value is null ? (null, null, Error("body", "must be a JSON object.")) : (obj, value, null);
        }
        catch (JsonException ex)
        {
            var (path, message) = CreativeJson.TypeError(ex);
            return (null, null, Error(path ?? "body", $"has the wrong type: {message}"));
        }
    }
}
