using System.Net;
using System.Text.Json;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class PresenterAssetsTests : IDisposable
{
    private readonly ReelgenApp _app = new();

    [Fact]
    public async Task Every_presenter_is_listed_with_a_preview_that_answers_an_image_and_broken_custom_folders_are_left_out()
    {
        // Written before the service starts, as an operator would: one custom presenter and one broken folder.
        var presenters = Path.Combine(_app.DataDirectory, "presenters");
        CopyBuiltIn("karen", Path.Combine(presenters, "dana"), """{ "displayName": "Dana", "gender": "Female", "defaultVoice": "en-US-JennyNeural", """);
        Directory.CreateDirectory(Path.Combine(presenters, "broken"));
        await File.WriteAllTextAsync(Path.Combine(presenters, "broken", "presenter.json"), "{}");

        using var list = JsonDocument.Parse(await _app.V1Client().GetStringAsync("assets/actors"));
        var actors = list.RootElement.EnumerateArray().ToList();
        var names = actors.Select(a => a.GetProperty("name").GetString()).ToList();

        Assert.True(names.Count >= 11, string.Join(", ", names));
        Assert.Contains("karen", names);
        Assert.Contains("dana", names);
        Assert.DoesNotContain("broken", names);
        Assert.Equal("Custom", actors.Single(a => a.GetProperty("name").GetString() == "dana").GetProperty("type").GetString());
        var anonymous = _app.CreateClient();
        foreach (var actor in actors)
        {
            var url = new Uri(actor.GetProperty("preview_url").GetString()!);
            Assert.Equal("reelgen.test", url.Host);
            using var response = await anonymous.GetAsync(url.PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            var png = await response.Content.ReadAsByteArrayAsync();
            Assert.True(png.Length > 2000 && png[1] == (byte)'P', $"{url} is a PNG");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/presenters/nobody/preview.png")).StatusCode);
    }

    /// <summary>A custom presenter folder made from a built-in presenter's files, with its own manifest head.</summary>
    private static void CopyBuiltIn(string name, string to, string manifestStart)
    {
        Directory.CreateDirectory(to);
        var assembly = typeof(Reelgen.Rendering.PresenterCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith($"Presenters/{name}/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var file = File.Create(Path.Combine(to, resource[(resource.LastIndexOf('/') + 1)..]));
            stream.CopyTo(file);
        }
        var manifest = Path.Combine(to, "presenter.json");
        File.WriteAllText(manifest, manifestStart + File.ReadAllText(manifest).TrimStart()[1..]);
    }

    public void Dispose() => _app.Dispose();
}
