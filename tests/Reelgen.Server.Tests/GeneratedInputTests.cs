using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// Generated request bodies (CsCheck) against a real in-process server: creatives close to valid with some fields
/// replaced by the wrong type, huge or tiny numbers, odd Unicode, nulls and deep nesting, and broken JSON. Every answer
/// is a 2xx or a 4xx, never a 5xx, and the service still works after them all. CsCheck prints the seed and the
/// smallest failing body when one fails; REELGEN_GENERATED_BODIES sends more (or fewer) than the 1,200 of a run.
/// </summary>
public sealed class GeneratedInputTests : IDisposable
{
    // API only: the accepted jobs stay queued, so the run measures the parser and the checks, not rendering.
    private readonly ReelgenApp _app = new(s =>
    {
        s["Reelgen:Roles"] = "api";
        s["Reelgen:RateLimit:RequestsPerMinute"] = "0";
    });

    public void Dispose() => _app.Dispose();

    private static string Quote(string s) => JsonSerializer.Serialize(s);

    private static readonly string[] OddStrings =
    [
        "", " ", "\ud800", "\udfff", "a\ud83d", "\u0000", "\u202eevil", "\u200b", "🎬🎞️👩🏽‍💻", "ﷺ", "Ω≈ç√∫", "{x}", "{", "}", "{{x}}", "{ x }",
        "#GGGGGG", "#fff", "#12345678", "rgba(1,2,3,4)", "red", "http://127.0.0.1/a.png", "file:///etc/passwd", "data:image/png;base64,AAAA",
        "ftp://x", "https://", "../../etc/passwd", "actor", "text", "image", "video", "audio", "karen", "en-US-JennyNeural", "NaN", "-Infinity",
        new string('x', 25_000), string.Concat(Enumerable.Repeat("{x}", 2000)),
    ];

    private static readonly string[] HugeNumbers =
    [
        "1e999", "-1e999", "1e308", "-1e308", "1e-400", "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809",
        "2147483648", "-2147483649", "4294967296", "-0", "0.0000000000000000000000000001", "1.5", "-1", "0",
    ];

    private static readonly Gen<string> Text = Gen.Frequency(
        (3, Gen.OneOf(OddStrings).Select(Quote)),
        (2, Gen.String[0, 20].Select(Quote)),
        (1, Gen.Char.Array[0, 10].Select(c => Quote(new string(c)))));

    private static readonly Gen<string> Number = Gen.OneOf(
        Gen.OneOf(HugeNumbers),
        Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Deep = Gen.Select(Gen.Int[1, 400], Gen.Bool, (depth, arrays) => arrays
        ? new string('[', depth) + "1" + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));

    /// <summary>Anything at all where a value goes: the wrong type, a number out of range, odd text, deep nesting.</summary>
    private static readonly Gen<string> Junk = Gen.Frequency(
        (3, Gen.OneOf("null", "true", "false", "[]", "{}", "[null]", "{\"\":null}", "\"\"")),
        (3, Number),
        (3, Text),
        (1, Deep),
        (1, Gen.OneOf(Number, Text).Array[0, 4].Select(a => "[" + string.Join(",", a) + "]")));

    /// <summary>A value that fits the field most of the time, and junk otherwise.</summary>
    private static Gen<string> Field(Gen<string> fitting) => Gen.Frequency((4, fitting), (1, Junk));

    private static Gen<string> Obj(params (string Name, Gen<string> Value)[] fields) =>
        Gen.Select(Gen.Bool.Array[fields.Length], All([.. fields.Select(f => f.Value)]), (present, values) =>
        {
            var body = new StringBuilder("{");
            for (var i = 0; i < fields.Length; i++)
            {
                if (!present[i])
                    continue;
                if (body.Length > 1)
                    body.Append(',');
                body.Append(Quote(fields[i].Name)).Append(':').Append(values[i]);
            }
            return body.Append('}').ToString();
        });

    private static Gen<string[]> All(Gen<string>[] gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<string>()), (acc, g) => Gen.Select(acc, g, (a, v) => (string[])[.. a, v]));

    private static Gen<string> ListOf(Gen<string> item, int max) =>
        Field(item.Array[0, max].Select(a => "[" + string.Join(",", a) + "]"));

    private static readonly Gen<string> SmallNumber = Gen.OneOf(Gen.Int[-50, 2000].Select(i => i.ToString(CultureInfo.InvariantCulture)), Number);

    private static readonly Gen<string> Point = Field(Obj(("x", Field(SmallNumber)), ("y", Field(SmallNumber))));

    private static readonly Gen<string> Extent = Field(Obj(("width", Field(SmallNumber)), ("height", Field(SmallNumber))));

    private static readonly Gen<string> Style = Field(Obj(
        ("fontSize", Field(SmallNumber)), ("color", Field(Text)), ("fontWeight", Field(Gen.OneOf("\"bold\"", "\"normal\"", "\"950\""))),
        ("fontFamily", Field(Text)), ("align", Field(Text)), ("lineHeight", Field(SmallNumber)), ("backgroundColor", Field(Text)),
        ("outline", Field(Obj(("color", Field(Text)), ("width", Field(SmallNumber))))), ("shadow", Junk)));

    private static readonly Gen<string> Track = Field(Obj(
        ("type", Field(Gen.OneOf("\"actor\"", "\"text\"", "\"image\"", "\"video\"", "\"audio\"", "\"shape\""))),
        ("text", Field(Text)), ("actor", Field(Text)), ("speakerId", Field(Text)), ("imageUrl", Field(Text)), ("videoUrl", Field(Text)),
        ("audioUrl", Field(Text)), ("position", Point), ("size", Extent), ("style", Style), ("duration", Field(SmallNumber)),
        ("startTimeGap", Field(SmallNumber)), ("endTimeGap", Field(SmallNumber)), ("referenceId", Field(Gen.OneOf("\"a\"", "\"b\""))),
        ("sequentialBlendId", Field(Text)), ("volume", Field(SmallNumber)), ("loop", Junk), ("fit", Field(Text)), ("effect", Field(Text)),
        ("fadeInMs", Field(SmallNumber)), ("removeBackground", Junk)));

    private static readonly Gen<string> Scene = Field(Obj(
        ("duration", Field(SmallNumber)), ("tracks", ListOf(Track, 4)), ("name", Field(Text)), ("backgroundColor", Field(Text)),
        ("intrinsicDurationTrackReference", Field(Gen.OneOf("\"a\"", "\"b\"", "\"c\"")))));

    private static readonly Gen<string> Variables = Field(Obj(("x", Field(Text)), ("name", Field(Text)), ("", Junk), ("{", Junk)));

    private static readonly Gen<string> Creative = Obj(
        ("videoCreative", Field(Obj(
            ("settings", Field(Obj(
                ("name", Field(Text)), ("videoSize", Extent), ("fps", Field(SmallNumber)), ("backgroundColor", Field(Text)),
                ("subtitles", Field(Obj(("burnIn", Junk), ("position", Field(Text)), ("fontSize", Field(SmallNumber)))))))),
            ("scenes", ListOf(Scene, 3)),
            ("dynamicVariables", Variables)))),
        ("dynamicVariables", Variables),
        ("callback", Field(Text)),
        ("callbackPayload", Junk));

    /// <summary>A small valid creative whose text, length and colour vary (with the odd strings among them).</summary>
    private static readonly Gen<string> Valid = Gen.Select(Gen.Int[100, 5000], Gen.Frequency((3, Gen.String[1, 40]), (1, Gen.OneOf(OddStrings))), Gen.OneOf("#000000", "#FF8800", "#123abc"), (duration, text, color) =>
        $$$"""{"videoCreative":{"settings":{"videoSize":{"width":320,"height":240},"backgroundColor":"{{{color}}}"},"scenes":[{"duration":{{{duration}}},"tracks":[{"type":"text","text":{{{Quote(text)}}}}]}]}}""");

    /// <summary>A creative, or a body that is not one: cut short, a bare value, or bytes that are not UTF-8.</summary>
    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (4, Valid.Select(Encoding.UTF8.GetBytes)),
        (12, Creative.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Select(Creative, Gen.Double[0, 1], (c, cut) => Encoding.UTF8.GetBytes(c[..(int)(c.Length * cut)]))),
        (1, Junk.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[0, 64]));

    private static readonly string[] Paths = ["video-generation-jobs", "video-generation-jobs/templates", "video-generation-jobs/template-jobs"];

    [Fact]
    public async Task A_thousand_generated_bodies_get_2xx_or_4xx_and_the_service_stays_healthy()
    {
        var client = _app.V1Client();
        var answered = 0;
        var accepted = 0;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("REELGEN_GENERATED_BODIES"), out var n) ? n : 1200;

        await Gen.Select(Body, Gen.Int[0, Paths.Length - 1]).SampleAsync(async (body, path) =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(Paths[path], content);
            Interlocked.Increment(ref answered);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
                Interlocked.Increment(ref accepted);
            if (status >= 500 || status < 200 || status is >= 300 and < 400)
                throw new InvalidOperationException($"POST {Paths[path]} answered {status}: {await response.Content.ReadAsStringAsync()}");
        }, iter: iterations, threads: 2, print: t => $"{Paths[t.Item2]} {Encoding.UTF8.GetString(t.Item1)[..Math.Min(2000, t.Item1.Length)]}");

        Assert.True(answered >= Math.Min(1000, iterations), $"only {answered} bodies were sent");
        // The generator is worth its run only if it makes both: bodies the service takes and bodies it refuses.
        Assert.InRange(accepted, 1, answered - 1);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().GetAsync("/health/ready")).StatusCode);
        var (jobId, _) = await client.SubmitAsync(Creatives.ColourSlide());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"video-generation-jobs/{jobId}")).StatusCode);
    }
}
