using System.Security.Cryptography;
using System.Text;

namespace Reelgen.Server.Callbacks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> and the base64 HMAC-SHA256 of <c>id.timestamp.body</c>, keyed with the
/// bytes of the secret (base64 after <c>whsec_</c>). Receivers can check them with any Standard Webhooks library.
/// </summary>
public static class CallbackSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Why <paramref name="secret"/> cannot sign (Standard Webhooks: <c>whsec_</c> and base64 of 24 to 64 bytes), or null when it can.</summary>
    public static string? SecretProblem(string secret)
    {
        const string Form = "must be whsec_ followed by the base64 of 24 to 64 random bytes (reelgen workspace secret --rotate makes one)";
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
            return $"does not start with {SecretPrefix}; it {Form}.";
        var buffer = new byte[secret.Length];
        if (!Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var length))
            return $"is not valid base64 after {SecretPrefix}; it {Form}.";
        return length is < 24 or > 64 ? $"holds {length} bytes; it {Form}." : null;
    }

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signed = new byte[Encoding.UTF8.GetByteCount(id) + body.Length + 32];
        var n = Encoding.UTF8.GetBytes($"{id}.{timestamp}.", signed);
        body.CopyTo(signed.AsSpan(n));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed.AsSpan(0, n + body.Length)));
    }

    /// <summary>
    /// The <c>webhook-signature</c> header: the current secret's signature, and during a rotation the previous
    /// secret's too, space separated, so receivers still holding the old secret keep accepting callbacks.
    /// </summary>
    public static string Header(string secret, string? previousSecret, string id, long timestamp, ReadOnlySpan<byte> body) =>
        previousSecret is null
            ? Sign(secret, id, timestamp, body)
            : Sign(secret, id, timestamp, body) + " " + Sign(previousSecret, id, timestamp, body);
}
