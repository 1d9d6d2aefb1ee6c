using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Reelgen.Rendering;

namespace Reelgen.Server.Callbacks;

/// <summary>What a callback URL and payload must satisfy at submit.</summary>
public static class CallbackRules
{
    public const int MaxPayloadBytes = 16 * 1024;
    public const int MaxPayloadDepth = 64;

    /// <summary>The callback body's own keys (with <c>error</c>), refused in callbackPayload so nothing the client sent is overwritten.</summary>
    public static readonly string[] ReservedKeys = ["url", "videoUrl", "shareUrl", "status", "jobId", "videoId"];

    public static void Validate(string? url, string urlPath, JsonNode? payload, bool allowPrivate, Dictionary<string, string[]> errors)
    {
        if (url is not null && RefuseUrl(url, allowPrivate) is { } problem)
            errors[urlPath] = [problem];
        if (payload is null)
            return;
        if (payload is not JsonObject obj)
        {
            errors["callbackPayload"] = ["must be a JSON object."];
            return;
        }
        foreach (var key in ReservedKeys.Append("error"))
        {
            if (obj.ContainsKey(key))
                errors[$"callbackPayload.{key}"] = [$"'{key}' is reserved: Reelgen sets it in the callback body."];
        }
        if (Encoding.UTF8.GetByteCount(obj.ToJsonString()) > MaxPayloadBytes)
            errors["callbackPayload"] = [$"is larger than {MaxPayloadBytes / 1024} KB."];
        else if (Depth(obj) > MaxPayloadDepth)
            errors["callbackPayload"] = [$"is nested deeper than {MaxPayloadDepth} levels."];
    }

    /// <summary>
    /// Why a callback URL is refused at submit, or null. Only what the URL itself says is checked here (scheme,
    /// literal addresses in any notation the URL parser accepts, localhost names); names are resolved and checked
    /// again on every send, where it matters.
    /// </summary>
    public static string? RefuseUrl(string url, bool allowPrivate)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            return "must be an absolute http or https URL.";
        if (allowPrivate)
            return null;
        // The parser has already turned 0x7f.1, 2130706433 and [::ffff:7f00:1] into canonical addresses.
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.DnsSafeHost, out var address) && !AddressPolicy.IsPublic(address))
        {
            return $"points at a private, loopback, link-local or reserved address ({address}); callbacks go to public addresses only (Reelgen__Network__AllowPrivateAddresses allows them).";
        }
        var host = uri.DnsSafeHost.TrimEnd('.');
        if (uri.IsLoopback || host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return "points at this machine (localhost); callbacks go to public addresses only (Reelgen__Network__AllowPrivateAddresses allows them).";
        return null;
    }

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray a => 1 + a.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
