using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reelgen.Client;

/// <summary>
/// Verifies the Standard Webhooks signature of a callback: <c>webhook-signature</c> holds one or more
/// space-separated <c>v1,&lt;base64 HMAC-SHA256&gt;</c> of <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>, keyed
/// with the base64 part of the workspace secret (<c>whsec_...</c>). Any one matching signature is enough, so
/// callbacks keep verifying while the server rotates its secret. A timestamp further than
/// <see cref="Tolerance"/> from now is refused, so a captured callback cannot be replayed later.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>The header with the message id; the same on every retry of one callback (use it to drop duplicates).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header with the send time in Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header with the signatures.</summary>
    public const string SignatureHeader = "webhook-signature";

    private const string SecretPrefix = "whsec_";

    private readonly byte[][] _keys;

    /// <summary>A verifier that accepts signatures made with any of <paramref name="secrets"/> (pass the old and
    /// the new secret while you switch over).</summary>
    /// <param name="secrets">Workspace secrets, <c>whsec_</c> followed by base64 (as <c>reelgen workspace secret</c> prints them).</param>
    /// <exception cref="ArgumentException">No secret, or one that is not base64.</exception>
    public WebhookVerifier(params string[] secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Length == 0 || secrets.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Give the workspace's callback secret (whsec_...).", nameof(secrets));
        _keys = secrets.Select(DecodeSecret).ToArray();
    }

    /// <summary>How far the timestamp may be from now, either way; default 5 minutes.</summary>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock the timestamp is compared with.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks a callback; throws when it is not authentic.</summary>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="signatures">The <c>webhook-signature</c> header.</param>
    /// <param name="body">The request body exactly as received.</param>
    /// <exception cref="WebhookVerificationException">A header is missing, the timestamp is out of tolerance, or no signature matches.</exception>
    public void Verify(string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
            throw new WebhookVerificationException($"The {IdHeader}, {TimestampHeader} and {SignatureHeader} headers are required.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw new WebhookVerificationException($"The {TimestampHeader} header is not a Unix time in seconds.");
        var now = TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > Tolerance.TotalSeconds)
            throw new WebhookVerificationException($"The {TimestampHeader} is {now - seconds} s away from now; at most {Tolerance.TotalSeconds} s is accepted.");

        var message = SignedContent(id, timestamp, body);
        Span<byte> candidate = stackalloc byte[64];
        foreach (var key in _keys)
        {
            var expected = HMACSHA256.HashData(key, message);
            foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!signature.StartsWith("v1,", StringComparison.Ordinal))
                    continue;
                if (Convert.TryFromBase64String(signature[3..], candidate, out var written)
                    && written == expected.Length
                    && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
                    return;
            }
        }
        throw new WebhookVerificationException("No signature matches: the body was changed, or the secret is not this workspace's.");
    }

    /// <summary>Checks a callback whose body is text; throws when it is not authentic.</summary>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="signatures">The <c>webhook-signature</c> header.</param>
    /// <param name="body">The request body exactly as received.</param>
    /// <exception cref="WebhookVerificationException">A header is missing, the timestamp is out of tolerance, or no signature matches.</exception>
    public void Verify(string? id, string? timestamp, string? signatures, string body) =>
        Verify(id, timestamp, signatures, Encoding.UTF8.GetBytes(body ?? ""));

    /// <summary>True when the callback is authentic.</summary>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="signatures">The <c>webhook-signature</c> header.</param>
    /// <param name="body">The request body exactly as received.</param>
    public bool IsValid(string? id, string? timestamp, string? signatures, string body)
    {
        try
        {
            Verify(id, timestamp, signatures, body);
            return true;
        }
        catch (WebhookVerificationException)
        {
            return false;
        }
    }

    /// <summary>The <c>webhook-signature</c> value for a message, made with the first secret (for tests and tools).</summary>
    /// <param name="id">The message id.</param>
    /// <param name="timestamp">The send time.</param>
    /// <param name="body">The body.</param>
    public string Sign(string id, DateTimeOffset timestamp, string body)
    {
        var stamp = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(_keys[0], SignedContent(id, stamp, Encoding.UTF8.GetBytes(body))));
    }

    private static byte[] SignedContent(string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return message;
    }

    private static byte[] DecodeSecret(string secret)
    {
        var base64 = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The callback secret must be whsec_ followed by base64.", nameof(secret), ex);
        }
    }
}

/// <summary>A callback that is not authentic: a header is missing, its timestamp is out of tolerance, or no signature matches.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public WebhookVerificationException()
        : base("The callback signature is not valid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">Why the callback was refused.</param>
    public WebhookVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">Why the callback was refused.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
