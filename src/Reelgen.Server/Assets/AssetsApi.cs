using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
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

/// <summary>
/// One voice of <c>GET /assets/voices</c>: the id to use as <c>speakerId</c>, the engine that speaks it, and the
/// address of a short clip of it.
/// </summary>
public sealed record VoiceAsset(string SpeakerId, string Name, string Language, string Gender, string Engine, string Sample);

/// <summary>One installed font family, usable as <c>style.fontFamily</c>.</summary>
public sealed record FontAsset([property: JsonPropertyName("family")] string Family);

/// <summary>The presenters (built-in and custom) and the voices they can speak with.</summary>
public static partial class AssetsApi
{
    public static RouteGroupBuilder MapAssets(this RouteGroupBuilder api)
    {
        var assets = api.MapGroup("/assets").WithTags("Assets");
        assets.MapGet("/actors", (PresenterCatalog presenters, IOptions<ReelgenOptions> options) => TypedResults.Ok(presenters.All.Select(p =>
            new ActorAsset(p.Name, p.DisplayName, p.Gender, p.DefaultVoice, "v1", p.Custom ? "Custom" : "Studio", PreviewUrl(options.Value.PublicBaseUrl, p.Name)))));
        assets.MapGet("/voices", (VoiceCatalog voices, IOptions<ReelgenOptions> options) => TypedResults.Ok(voices.All.Select(v =>
            new VoiceAsset(v.SpeakerId, v.Name, v.Language, v.Gender, v.Engine, SampleUrl(options.Value, v.SpeakerId)))));
        assets.MapGet("/fonts", () => TypedResults.Ok(FontCatalog.Families.Select(f => new FontAsset(f))));
        return api;
    }

    /// <summary>
    /// A still of each presenter at rest on its backdrop, public like a video's thumbnail (no token), drawn on first
    /// request and kept for the life of the process.
    /// </summary>
    public static WebApplication MapPresenterPreviews(this WebApplication app)
    {
        var previews = new ConcurrentDictionary<string, Lazy<byte[]>>(StringComparer.OrdinalIgnoreCase);
        app.MapGet("/presenters/{name}/preview.png", Results<FileContentHttpResult, NotFound> (string name, PresenterCatalog presenters) =>
        {
            if (presenters.Find(name) is not { } presenter)
                return TypedResults.NotFound();
            var png = previews.GetOrAdd(presenter.Name, n => new Lazy<byte[]>(() => presenters.PreviewPng(n, 480, 540))).Value;
            return TypedResults.File(png, "image/png");
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A clip of each voice, public like a presenter's preview (no token): spoken on first request and kept under
    /// <c>DataDirectory/voice-samples</c>, so every later request, from any process on the machine, only reads it.
    /// </summary>
    public static WebApplication MapVoiceSamples(this WebApplication app)
    {
        app.MapMethods("/voices/{speakerId}/sample.wav", [HttpMethods.Get, HttpMethods.Head],
            async Task<Results<PhysicalFileHttpResult, NotFound>> (string speakerId, VoiceSamples samples, HttpContext http) =>
            {
                if (await samples.PathForAsync(speakerId, http.RequestAborted) is not { } path)
                    return TypedResults.NotFound();
                // The clip changes only when the voice's engine does (installing RHVoice renames it): a day is safe.
                http.Response.Headers.CacheControl = "public, max-age=86400";
                return TypedResults.PhysicalFile(Path.GetFullPath(path), "audio/wav", lastModified: File.GetLastWriteTimeUtc(path), enableRangeProcessing: true);
            }).ExcludeFromDescription();
        return app;
    }

    internal static string SampleUrl(ReelgenOptions options, string speakerId) => options.PublicUrl($"/voices/{Uri.EscapeDataString(speakerId)}/sample.wav");

    internal static string PreviewUrl(string? baseUrl, string name) => $"{baseUrl?.TrimEnd('/')}/presenters/{Uri.EscapeDataString(name)}/preview.png";

    /// <summary>Custom presenters come from <c>DataDirectory/presenters</c>; broken folders are logged when the service starts.</summary>
    public static IServiceCollection AddPresenters(this IServiceCollection services)
    {
        services.AddSingleton(sp => new PresenterCatalog(Path.Combine(sp.GetRequiredService<IOptions<ReelgenOptions>>().Value.DataDirectory, "presenters")));
        services.AddHostedService<PresenterCheck>();
        return services;
    }

    /// <summary>Voice samples are kept in <c>DataDirectory/voice-samples</c>.</summary>
    public static IServiceCollection AddVoiceSamples(this IServiceCollection services) =>
        services.AddSingleton(sp => new VoiceSamples(
            sp.GetRequiredService<VoiceCatalog>(),
            Path.Combine(sp.GetRequiredService<IOptions<ReelgenOptions>>().Value.DataDirectory, "voice-samples")));

    private sealed partial class PresenterCheck(PresenterCatalog presenters, ILogger<PresenterCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var problem in presenters.Problems)
                LogBroken(logger, problem.Name, problem.File, problem.Reason);
            var custom = presenters.All.Count(p => p.Custom);
            LogLoaded(logger, presenters.All.Count, custom);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Presenter '{Name}' is not available: {File}: {Reason}")]
    private static partial void LogBroken(ILogger logger, string name, string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} presenters available ({Custom} custom)")]
    private static partial void LogLoaded(ILogger logger, int count, int custom);
}
