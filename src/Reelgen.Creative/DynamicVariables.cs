using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reelgen.Creative;

/// <summary>
/// <c>{name}</c> tokens in actor scripts and on-screen text. A name starts with a letter or underscore and
/// continues with letters, digits, <c>_</c>, <c>-</c> or <c>.</c>; names are case-sensitive. <c>{{</c> and
/// <c>}}</c> write a literal brace; any other brace that does not form a token is kept as written.
/// </summary>
public static partial class DynamicVariables
{
    [GeneratedRegex(@"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")]
    private static partial Regex TokenPattern();

    /// <summary>The job's variables with the creative's underneath (the job's win on a clash).</summary>
    public static Dictionary<string, JsonElement> Merge(VideoGenerationJobRequest request)
    {
        var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in request.VideoCreative?.DynamicVariables ?? [])
            merged[key] = value;
        foreach (var (key, value) in request.DynamicVariables ?? [])
            merged[key] = value;
        return merged;
    }

    /// <summary>The names of the tokens in <paramref name="text"/>, in order of appearance.</summary>
    public static IEnumerable<string> TokensIn(string text) =>
        TokenPattern().Matches(text).Where(m => m.Groups[1].Success).Select(m => m.Groups[1].Value);

    /// <summary>Replaces every token; a token with no value is an error the validator reports first.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, JsonElement> values) =>
        TokenPattern().Replace(text, m => m.Value switch
        {
            "{{" => "{",
            "}}" => "}",
            _ => values.TryGetValue(m.Groups[1].Value, out var value)
                ? AsText(value)
                : throw new KeyNotFoundException($"dynamic variable '{m.Groups[1].Value}' has no value"),
        });

    /// <summary>The length <see cref="Substitute"/> would give, counted without building the text (a missing value counts as its token).</summary>
    public static long SubstitutedLength(string text, IReadOnlyDictionary<string, JsonElement> values)
    {
        long length = text.Length;
        foreach (Match m in TokenPattern().Matches(text))
        {
            if (!m.Groups[1].Success)
                length -= 1;
            else if (values.TryGetValue(m.Groups[1].Value, out var value))
                length += AsText(value).Length - m.Length;
        }
        return length;
    }

    /// <summary>Strings as they are; numbers and booleans as written in JSON.</summary>
    public static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    /// <summary>True for values that can stand in text: strings, numbers, booleans, null.</summary>
    public static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    /// <summary>A copy of the creative with every token in scripts and text replaced.</summary>
    public static VideoCreative Apply(VideoCreative creative, IReadOnlyDictionary<string, JsonElement> values)
    {
        var copy = JsonSerializer.Deserialize<VideoCreative>(JsonSerializer.SerializeToUtf8Bytes(creative, CreativeJson.Options), CreativeJson.Options)!;
        foreach (var track in (copy.Scenes ?? []).SelectMany(s => s.Tracks ?? []))
        {
            if (track.Text is not null && track.Type is TrackTypes.Actor or TrackTypes.Text)
                track.Text = Substitute(track.Text, values);
        }
        return copy;
    }

    internal static string Describe(IEnumerable<string> names)
    {
        var sb = new StringBuilder();
        foreach (var name in names)
            sb.Append(CultureInfo.InvariantCulture, $"{(sb.Length > 0 ? ", " : "")}{{{name}}}");
        return sb.ToString();
    }
}
