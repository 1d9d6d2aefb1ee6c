using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

/// <summary>
/// The OpenAPI document is the contract clients generate code from, so a change to it must be seen: it is compared
/// with the committed docs/openapi.json. After an intended API change, regenerate the copy with
/// <c>REELGEN_UPDATE_OPENAPI=1 dotnet test tests/Reelgen.Server.Tests --filter OpenApi</c> (or scripts/update-openapi.sh)
/// and commit it with the change.
/// </summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_matches_the_committed_copy()
    {
        using var app = new ReelgenApp();
        using var http = app.CreateClient();
        var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var actual = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.ToJsonString(new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";

        var committedPath = CommittedPath();
        if (Environment.GetEnvironmentVariable("REELGEN_UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(committedPath, actual);
        var committed = File.Exists(committedPath) ? (await File.ReadAllTextAsync(committedPath)).ReplaceLineEndings("\n") : "";
        if (actual != committed)
        {
            Assert.Fail(
                $"The OpenAPI document differs from the committed {committedPath} (- committed, + served):\n{Diff(committed, actual)}\n"
                + "If the API change is intended, regenerate it: REELGEN_UPDATE_OPENAPI=1 dotnet test tests/Reelgen.Server.Tests --filter OpenApi "
                + "(or scripts/update-openapi.sh), and commit docs/openapi.json with the change.");
        }
    }

    [Fact]
    public async Task The_document_describes_both_api_styles_bodies_and_problem_details()
    {
        using var app = new ReelgenApp();
        using var http = app.CreateClient();
        var doc = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject();

        foreach (var prefix in new[] { "/api/v1", "/api" })
        {
            var submit = paths[$"{prefix}/video-generation-jobs"]!["post"]!;
            Assert.NotNull(submit["requestBody"]!["content"]!["application/json"]);
            Assert.Equal("#/components/schemas/HttpValidationProblemDetails", (string?)submit["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
            Assert.NotNull(submit["responses"]!["401"]!["content"]!["application/problem+json"]);
            Assert.NotNull(paths[$"{prefix}/video-generation-jobs/{{jobId}}"]!["get"]!["responses"]!["404"]);
            Assert.NotNull(paths[$"{prefix}/generated-videos/{{videoId}}"]!["get"]!["responses"]!["200"]);
        }
        var schemes = doc["components"]!["securitySchemes"]!;
        Assert.Equal("bearer", (string?)schemes["bearer"]!["scheme"]);
        Assert.Equal("authorizationtoken", (string?)schemes["authorizationtoken"]!["name"]);
        Assert.NotNull(doc["components"]!["schemas"]!["VideoCreative"]);
    }

    [Fact]
    public async Task The_api_reference_is_served_from_the_package_without_a_cdn()
    {
        using var app = new ReelgenApp();
        using var http = app.CreateClient();

        var page = await http.GetAsync("/docs");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        var bundle = await http.GetAsync(new Uri(new Uri("http://localhost/docs/"), script));
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 100_000, $"{script} is not the bundled reference UI");
    }

    private static string CommittedPath([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "docs", "openapi.json"));

    /// <summary>The changed lines with two lines of context, like a unified diff.</summary>
    private static string Diff(string before, string after)
    {
        var lines = InlineDiffBuilder.Diff(before, after).Lines;
        var text = new StringBuilder();
        var lastShown = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var near = Enumerable.Range(Math.Max(0, i - 2), Math.Min(lines.Count, i + 3) - Math.Max(0, i - 2)).Any(j => lines[j].Type != ChangeType.Unchanged);
            if (!near)
                continue;
            if (lastShown >= 0 && i > lastShown + 1)
                text.AppendLine("...");
            var mark = lines[i].Type switch { ChangeType.Inserted => "+ ", ChangeType.Deleted => "- ", _ => "  " };
            text.Append(mark).AppendLine(lines[i].Text);
            lastShown = i;
            if (text.Length > 6000)
            {
                text.AppendLine("... (more differences)");
                break;
            }
        }
        return text.ToString();
    }
}
