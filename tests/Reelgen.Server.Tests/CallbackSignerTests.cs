using System.Security.Cryptography;
using System.Text;
using Reelgen.Server.Callbacks;

namespace Reelgen.Server.Tests;

public sealed class CallbackSignerTests
{
    // The Standard Webhooks specification's published test vector (also in the reference libraries' tests).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorBody = """{"test": 2432232314}""";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Signs_the_specification_test_vector_exactly()
    {
        Assert.Equal(VectorSignature, CallbackSigner.Sign(VectorSecret, VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody)));
    }

    [Fact]
    public void A_secret_without_the_whsec_prefix_is_the_same_key()
    {
        Assert.Equal(VectorSignature, CallbackSigner.Sign(VectorSecret["whsec_".Length..], VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody)));
    }

    [Fact]
    public void During_a_rotation_both_signatures_are_sent_current_first()
    {
        var current = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var header = CallbackSigner.Header(current, VectorSecret, VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody));
        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(CallbackSigner.Sign(current, VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody)), parts[0]);
        Assert.Equal(VectorSignature, parts[1]);
    }

    [Fact]
    public void Outside_a_rotation_one_signature_is_sent()
    {
        Assert.Equal(VectorSignature, CallbackSigner.Header(VectorSecret, null, VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody)));
    }

    [Fact]
    public void Non_ascii_bodies_are_signed_as_their_utf8_bytes()
    {
        var body = """{"name":"Zoë 🎬"}""";
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(
            Convert.FromBase64String(VectorSecret["whsec_".Length..]), Encoding.UTF8.GetBytes($"msg_1.42.{body}")));
        Assert.Equal(expected, CallbackSigner.Sign(VectorSecret, "msg_1", 42, bytes));
    }

    [Fact]
    public void The_verification_sample_in_the_docs_accepts_our_callbacks_and_refuses_tampered_ones()
    {
        var previous = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var body = Encoding.UTF8.GetBytes("""{"status":"finished","orderId":"A-42"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = CallbackSigner.Header(VectorSecret, previous, "msg_1", now, body);
        var ts = now.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(IsValidCallback(VectorSecret, "msg_1", ts, header, body));
        Assert.True(IsValidCallback(previous, "msg_1", ts, header, body));
        Assert.False(IsValidCallback(VectorSecret, "msg_2", ts, header, body));
        Assert.False(IsValidCallback(VectorSecret, "msg_1", ts, header, [.. body, (byte)' ']));
        var old = (now - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsValidCallback(VectorSecret, "msg_1", old, CallbackSigner.Header(VectorSecret, null, "msg_1", now - 3600, body), body));
    }

    // Kept identical to the sample in docs/callbacks.md.
    private static bool IsValidCallback(string secret, string id, string timestamp, string signatures, byte[] body)
    {
        // Refuse old (replayed) callbacks; five minutes is the specification's suggestion.
        if (!long.TryParse(timestamp, out var sentAt) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - sentAt) > 300)
            return false;
        var key = Convert.FromBase64String(secret.StartsWith("whsec_") ? secret["whsec_".Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
