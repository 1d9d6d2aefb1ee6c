using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Reelgen.Client.Tests;

public sealed class WebhookVerifierTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly DateTimeOffset Sent = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static WebhookVerifier Verifier(DateTimeOffset now, params string[] secrets) =>
        new(secrets.Length == 0 ? [Secret] : secrets) { TimeProvider = new FakeTimeProvider(now) };

    /// <summary>The signature computed here by hand, independently of the verifier's code.</summary>
    private static string HandSigned(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    [Fact]
    public void The_standard_webhooks_published_test_vector_verifies()
    {
        var verifier = Verifier(DateTimeOffset.FromUnixTimeSeconds(1614265330));

        verifier.Verify("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", """{"test": 2432232314}""");
    }

    [Fact]
    public void A_signature_computed_by_hand_verifies_and_sign_produces_the_same()
    {
        const string body = """{"url":"http://x/files/a.mp4","status":"finished","jobId":"j1","videoId":"v1","customer":"acme"}""";
        var signature = HandSigned(Secret, "msg_1", Sent.ToUnixTimeSeconds(), body);
        var verifier = Verifier(Sent.AddSeconds(3));

        Assert.True(verifier.IsValid("msg_1", "1700000000", signature, body));
        Assert.Equal(signature, verifier.Sign("msg_1", Sent, body));
        verifier.Verify("msg_1", "1700000000", signature, Encoding.UTF8.GetBytes(body));
    }

    [Theory]
    [InlineData(-299, true)]
    [InlineData(299, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    public void The_timestamp_must_be_within_five_minutes_of_now_either_way(int offsetSeconds, bool valid)
    {
        var signature = HandSigned(Secret, "msg_1", Sent.ToUnixTimeSeconds(), "{}");

        Assert.Equal(valid, Verifier(Sent.AddSeconds(offsetSeconds)).IsValid("msg_1", "1700000000", signature, "{}"));
    }

    [Fact]
    public void The_tolerance_can_be_changed()
    {
        var signature = HandSigned(Secret, "msg_1", Sent.ToUnixTimeSeconds(), "{}");
        var verifier = new WebhookVerifier(Secret) { TimeProvider = new FakeTimeProvider(Sent.AddMinutes(20)), Tolerance = TimeSpan.FromMinutes(30) };

        Assert.True(verifier.IsValid("msg_1", "1700000000", signature, "{}"));
    }

    [Fact]
    public void A_tampered_body_id_or_timestamp_is_refused()
    {
        const string body = """{"status":"finished","amount":10}""";
        var signature = HandSigned(Secret, "msg_1", Sent.ToUnixTimeSeconds(), body);
        var verifier = Verifier(Sent);

        Assert.False(verifier.IsValid("msg_1", "1700000000", signature, body.Replace("10", "99", StringComparison.Ordinal)));
        Assert.False(verifier.IsValid("msg_2", "1700000000", signature, body));
        Assert.False(verifier.IsValid("msg_1", "1700000001", signature, body));
        var error = Assert.Throws<WebhookVerificationException>(() => verifier.Verify("msg_1", "1700000000", signature, body + " "));
        Assert.Contains("No signature matches", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_one_of_several_signatures_is_enough_as_during_a_secret_rotation()
    {
        const string other = "whsec_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        const string body = """{"status":"finished"}""";
        var withOld = HandSigned(other, "msg_1", Sent.ToUnixTimeSeconds(), body);
        var withNew = HandSigned(Secret, "msg_1", Sent.ToUnixTimeSeconds(), body);

        Assert.True(Verifier(Sent).IsValid("msg_1", "1700000000", $"{withOld} {withNew}", body));
        Assert.True(Verifier(Sent).IsValid("msg_1", "1700000000", $"v2,abc {withNew}", body));
        Assert.True(Verifier(Sent, other).IsValid("msg_1", "1700000000", $"{withOld} {withNew}", body));
        // A receiver that still holds the old secret next to the new one accepts the old signature alone.
        Assert.True(Verifier(Sent, Secret, other).IsValid("msg_1", "1700000000", withOld, body));
        Assert.False(Verifier(Sent).IsValid("msg_1", "1700000000", withOld, body));
    }

    [Theory]
    [InlineData(null, "1700000000", "v1,xx")]
    [InlineData("msg_1", null, "v1,xx")]
    [InlineData("msg_1", "1700000000", null)]
    [InlineData("msg_1", "soon", "v1,xx")]
    [InlineData("msg_1", "1700000000", "v1,not base64!")]
    [InlineData("msg_1", "1700000000", "v1,")]
    public void Missing_or_malformed_headers_are_refused(string? id, string? timestamp, string? signature)
    {
        Assert.False(Verifier(Sent).IsValid(id, timestamp, signature, "{}"));
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_refused_at_once()
    {
        Assert.Throws<ArgumentException>(() => new WebhookVerifier("whsec_not base64!"));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier());
    }

    [Fact]
    public void A_callback_body_is_read_into_known_fields_and_the_rest()
    {
        var body = CallbackBody.Parse("""
            {"url":"http://h/files/k.mp4","videoUrl":"http://h/share/s","shareUrl":"http://h/share/s","status":"finished",
             "jobId":"j","videoId":"v","customerId":42,"firstName":"Ada","nested":{"a":[1,2]}}
            """);

        Assert.True(body.IsFinished);
        Assert.Equal("http://h/files/k.mp4", body.Url);
        Assert.Equal("http://h/share/s", body.ShareUrl);
        Assert.Equal(("j", "v"), (body.JobId, body.VideoId));
        Assert.Null(body.Error);
        Assert.Equal(["customerId", "firstName", "nested"], body.Extra.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(42, body.Extra["customerId"].GetInt32());
        Assert.Equal("Ada", body.Extra["firstName"].GetString());
    }

    [Fact]
    public void A_failure_callback_carries_its_error()
    {
        var body = CallbackBody.Parse("""{"url":null,"status":"failed","jobId":"j","videoId":"v","error":"scene 1: image answered 404"}""");

        Assert.False(body.IsFinished);
        Assert.Null(body.Url);
        Assert.Equal("scene 1: image answered 404", body.Error);
        Assert.Empty(body.Extra);
    }
}
