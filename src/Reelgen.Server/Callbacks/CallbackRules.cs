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

    public static void Validate(string? url, string urlPath, JsonNode? payload, bool allowPrivate, Dictionary<string, string[]> errors)
    {
        if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                errors[urlPath] = ["must be an absolute http or https URL."];
            else if (!allowPrivate && IPAddress.TryParse(uri.IdnHost, out var address) && !AddressPolicy.IsPublic(address))
                errors[urlPath] = [$"points at a private, loopback or link-local address ({address}); callbacks go to public addresses only (Reelgen__Network__AllowPrivateAddresses allows them)."];
            else if (!allowPrivate && uri.IsLoopback)
                errors[urlPath] = ["points at this machine (localhost); callbacks go to public addresses only (Reelgen__Network__AllowPrivateAddresses allows them)."];
        }
        if (payload is null)
            return;
        if (payload is not JsonObject obj)
        {
            errors["callbackPayload"] = ["must be a JSON object."];
            return;
        }
        foreach (var key in CallbackOutbox.ReservedKeys.Append("error"))
        {
            if (obj.ContainsKey(key))
                errors[$"callbackPayload.{key}"] = [$"'{key}' is reserved: Reelgen sets it in the callback body."];
        }
        if (Encoding.UTF8.GetByteCount(obj.ToJsonString()) > MaxPayloadBytes)
            errors["callbackPayload"] = [$"is larger than {MaxPayloadBytes / 1024} KB."];
        else if (Depth(obj) > MaxPayloadDepth)
            errors["callbackPayload"] = [$"is nested deeper than {MaxPayloadDepth} levels."];
    }

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray a => 1 + a.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
