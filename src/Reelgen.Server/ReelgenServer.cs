using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Assets;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Data;
using Reelgen.Server.Jobs;
using Reelgen.Server.Shares;
using Reelgen.Server.Storage;
using Reelgen.Server.Videos;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server;

/// <summary>The service's table of contents: what it adds, what it maps.</summary>
public static class ReelgenServer
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? DefaultUrls);
        builder.AddReelgen();
        var app = builder.Build();
        app.MapReelgen();
        return app;
    }

    public static WebApplicationBuilder AddReelgen(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReelgenOptions>().BindConfiguration(ReelgenOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrEmpty(o.PublicBaseUrl))
                    o.PublicBaseUrl = DefaultPublicBaseUrl(configuration["urls"] ?? configuration["ASPNETCORE_URLS"]);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        // Clients written for the hosted service read an error as `message`: every problem body carries one.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("message", c.ProblemDetails.Detail ?? c.ProblemDetails.Title));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = CreativeJson.Options.DefaultIgnoreCondition;
        });
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddSingleton<Db>();
        services.AddSingleton<WorkspaceStore>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<VideoStore>();
        services.AddSingleton<VideoStorage>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<RunningRenders>();
        services.AddSingleton<VoiceCatalog>();
        services.AddPresenters();
        services.AddSingleton<HostedIds>();
        services.AddHostedService<CompatibilityCheck>();
        services.AddSingleton(sp => new VideoRenderer(
            new RenderOptions { AllowPrivateAddresses = sp.GetRequiredService<IOptions<ReelgenOptions>>().Value.Network.AllowPrivateAddresses },
            sp.GetRequiredService<VoiceCatalog>(),
            sp.GetRequiredService<ILogger<VideoRenderer>>(),
            sp.GetRequiredService<PresenterCatalog>()));
        services.AddHostedService<StartupTasks>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        var roles = builder.Configuration.GetSection(ReelgenOptions.Section).Get<ReelgenOptions>() ?? new ReelgenOptions();
        services.AddCallbacks(dispatch: roles.HasRole("worker"));
        if (roles.HasRole("worker"))
        {
            services.AddHostedService<RenderWorker>();
            services.AddHostedService<LeaseRescuer>();
        }
        return builder;
    }

    /// <summary>The first listen address, with a wildcard host read as localhost.</summary>
    internal static string DefaultPublicBaseUrl(string? urls)
    {
        var first = (urls ?? DefaultUrls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrls;
        foreach (var wildcard in new[] { "://+", "://*", "://0.0.0.0", "://[::]" })
            first = first.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        return first.TrimEnd('/');
    }

    private const string DefaultUrls = "http://localhost:5080";

    public static WebApplication MapReelgen(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health");
        // Liveness without touching the database: the process answers.
        app.MapGet("/health/live", () => TypedResults.Text("Healthy")).ExcludeFromDescription();
        if (!app.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value.HasRole("api"))
            return app;
        foreach (var prefix in new[] { "/api/v1", "/api" })
        {
            app.MapGroup(prefix)
                .RequireWorkspaceToken()
                .MapJobs()
                .MapCallbacks()
                .MapVideos()
                .MapAssets();
        }
        app.MapPublicFiles();
        app.MapPresenterPreviews();
        app.MapSharePage();
        return app;
    }
}

/// <summary>Creates the tables and the bootstrap workspace before the service answers.</summary>
internal sealed class StartupTasks(Db db, WorkspaceStore workspaces, IOptions<ReelgenOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await db.MigrateAsync(cancellationToken);
        var o = options.Value;
        if (o.BootstrapToken is { Length: > 0 } token)
        {
            await workspaces.EnsureAsync("default", o.BootstrapWebhookSecret, cancellationToken);
            await workspaces.AddTokenAsync("default", token, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class DatabaseHealthCheck(Db db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.QuerySingleOrDefaultAsync<long>("SELECT 1", ct: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
