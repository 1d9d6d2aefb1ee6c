using System.Text.Json.Serialization;
using Reelgen.Creative;
using Reelgen.Rendering;

namespace Reelgen.Server.Assets;

/// <summary>One avatar in the shape of <c>GET /assets/actors</c> (snake_case, as Colossyan returns it).</summary>
public sealed record ActorAsset(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("gender")] string Gender,
    [property: JsonPropertyName("default_voice")] string DefaultVoice,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("preview_url")] string PreviewUrl);

/// <summary>One installed font family, usable as <c>style.fontFamily</c>.</summary>
public sealed record FontAsset([property: JsonPropertyName("family")] string Family);

/// <summary>The built-in presenters and the voices they can speak with.</summary>
public static class AssetsApi
{
    public static RouteGroupBuilder MapAssets(this RouteGroupBuilder api)
    {
        var assets = api.MapGroup("/assets").WithTags("Assets");
        assets.MapGet("/actors", () => TypedResults.Ok(Actors.BuiltIn.Select(a => new ActorAsset(a.Name, a.DisplayName, a.Gender, a.DefaultVoice, "v1", "Studio", ""))));
        assets.MapGet("/voices", (VoiceCatalog voices) => TypedResults.Ok(voices.All));
        assets.MapGet("/fonts", () => TypedResults.Ok(FontCatalog.Families.Select(f => new FontAsset(f))));
        return api;
    }
}
