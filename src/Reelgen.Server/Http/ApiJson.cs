using System.Globalization;
using System.Text.Json.Nodes;

namespace Reelgen.Server.Http;

/// <summary>How the API writes the values every feature shares: timestamps and a job's warnings.</summary>
public static class ApiJson
{
    /// <summary>UTC, milliseconds, <c>Z</c>: <c>2026-01-01T00:00:00.000Z</c>.</summary>
    public static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The stored warnings as a JSON array, empty when there were none.</summary>
    public static JsonArray Warnings(string? stored) => stored is null ? [] : JsonNode.Parse(stored) as JsonArray ?? [];
}
