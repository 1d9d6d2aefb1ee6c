using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Assets;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Dashboard;
using Reelgen.Server.Data;
using Reelgen.Server.Events;
using Reelgen.Server.Jobs;
using Reelgen.Server.Operations;
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
        // The appsettings.json shipped beside the executable holds the defaults (quiet request logging); one in the
        // working directory, environment variables and the command line all override it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
        });
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? DefaultUrls);
        builder.AddReelgen();
        var app = builder.Build();
        app.MapReelgen();
        return app;
    }

    /// <summary>
    /// Serves until stopped and returns the process's exit code: 0 after a normal stop, 2 when a setting is wrong
    /// (each named as it is set in the environment), 1 when the service could not start or a background service
    /// failed (the host stops then; a worker that died must not look like a clean exit to a supervisor).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        WebApplication app;
        try
        {
            app = Create(args);
        }
        catch (OptionsValidationException ex)
        {
            // Mapping the endpoints reads the settings (which roles this process has), so a wrong one stops it here.
            return RefuseSettings(ex.Failures);
        }
        catch (InvalidOperationException ex) when (Settings.ConversionFailure(ex) is { } failure)
        {
            return RefuseSettings([failure]);
        }
        return await RunAsync(app, cancellationToken);
    }

    /// <inheritdoc cref="RunAsync(string[], CancellationToken)"/>
    public static async Task<int> RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await using (app)
        {
            List<BackgroundService> background = [];
            try
            {
                // Taken before running, which disposes the services; creating them reads (and checks) the settings.
                background = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
                await app.RunAsync(cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                return RefuseSettings(ex.Failures);
            }
            catch (InvalidOperationException ex) when (Settings.ConversionFailure(ex) is { } failure)
            {
                return RefuseSettings([failure]);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Stopped while still starting: a background service failed at once (reported below).
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"Reelgen could not start: {ex.Message}");
                return 1;
            }
            var failed = background.Where(s => s.ExecuteTask is { IsFaulted: true }).ToList();
            foreach (var service in failed)
                await Console.Error.WriteLineAsync($"Reelgen stopped: {service.GetType().Name} failed: {service.ExecuteTask!.Exception!.GetBaseException().Message}");
            return failed.Count > 0 ? 1 : 0;
        }
    }

    private static int RefuseSettings(IEnumerable<string> failures)
    {
        Console.Error.WriteLine("Reelgen cannot start: fix these settings (appsettings.json, or environment variables as named here):");
        foreach (var failure in failures)
            Console.Error.WriteLine("  " + failure);
        return 2;
    }

    public static WebApplicationBuilder AddReelgen(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<ReelgenOptions>(ReelgenOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrEmpty(o.PublicBaseUrl))
                    o.PublicBaseUrl = DefaultPublicBaseUrl(configuration["urls"] ?? configuration["ASPNETCORE_URLS"]);
            });
        // Asset URLs follow the one network setting that also governs callbacks; the renderer checks the same limits as the API.
        services.AddSettings<RenderOptions>(RenderSection)
            .PostConfigure<IOptions<ReelgenOptions>>((r, o) =>
            {
                r.AllowPrivateAddresses = o.Value.Network.AllowPrivateAddresses;
                r.CacheDirectory ??= Path.Combine(o.Value.DataDirectory, "cache");
                r.Limits = o.Value.Limits;
            });
        // Clients written for the hosted service read an error as `message`: every problem body carries one.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("message", c.ProblemDetails.Detail ?? c.ProblemDetails.Title));
        services.AddExceptionHandler<Unavailable>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = CreativeJson.Options.DefaultIgnoreCondition;
        });
        services.AddSingleton(TimeProvider.System);
        // A stopping worker gives its render Reelgen__Worker__ShutdownGrace, then hands the job back: the host waits for that.
        services.AddOptions<HostOptions>().Configure<IOptions<ReelgenOptions>>((h, o) => h.ShutdownTimeout = o.Value.Worker.ShutdownGrace + TimeSpan.FromSeconds(15));
        services.AddMemoryCache();
        services.AddSingleton<Db>();
        services.AddSingleton<WorkspaceStore>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<DiskSpace>();
        services.AddSingleton<JobLifecycle>();
        services.AddSingleton<CallbackOutbox>();
        services.AddSingleton<JobResponses>();
        services.AddSingleton<VideoStore>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<RunningRenders>();
        services.AddSingleton<VoiceCatalog>();
        services.AddPresenters();
        services.AddVoiceSamples();
        services.AddSingleton<HostedIds>();
        services.AddHostedService<CompatibilityCheck>();
        services.AddSingleton(sp => new VideoRenderer(
            sp.GetRequiredService<IOptions<RenderOptions>>().Value,
            sp.GetRequiredService<VoiceCatalog>(),
            sp.GetRequiredService<ILogger<VideoRenderer>>(),
            sp.GetRequiredService<PresenterCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<StartupTasks>();
        services.AddReelgenHealth();
        services.AddApiReference();
        services.AddJobEvents();
        services.AddTokenRateLimit();
        services.AddDashboardAuth();

        var roles = builder.Configuration.GetSection(ReelgenOptions.Section).Get<ReelgenOptions>() ?? new ReelgenOptions();
        services.AddTelemetry(builder.Configuration, roles.Telemetry);
        services.AddVideoStorage(roles.Storage.Provider);
        services.AddCallbacks(dispatch: roles.HasRole("worker"));
        if (roles.HasRole("worker"))
        {
            services.AddHostedService<RenderWorker>();
            services.AddHostedService<LeaseRescuer>();
            services.AddHostedService<RetentionCleaner>();
            if (roles.Database.Provider == "postgres" && roles.Database.Notify)
                services.AddHostedService<WorkSignalListener>();
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

    /// <summary>Where the renderer's settings live (env: <c>Reelgen__Render__X</c>).</summary>
    public const string RenderSection = "Reelgen:Render";

    public static WebApplication MapReelgen(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit();
        // Clients written for the hosted API post their JSON with no Content-Type, curl's form default or text/plain.
        // Reelgen reads every API body as JSON, so the media types declared for the OpenAPI document must not turn
        // them away with a 415: routing (which checks them) runs after this.
        app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/api") && http.Request.ContentType is { } type
                && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
                http.Request.ContentType = "application/json";
            return next(http);
        });
        app.UseRouting();
        app.UseRateLimiter();
        app.MapHealth();
        app.MapMetrics();
        // Made now rather than by the first worker that records: an API-only process serves the queue's gauges too.
        app.Services.GetRequiredService<JobMetrics>();
        app.MapApiReference();
        if (!app.Services.GetRequiredService<IOptions<ReelgenOptions>>().Value.HasRole("api"))
            return app;
        foreach (var prefix in new[] { "/api/v1", "/api" })
        {
            app.MapGroup(prefix)
                .RequireWorkspaceToken()
                .RequireTokenRateLimit()
                .MapJobs()
                .MapJobEvents()
                .MapCallbacks()
                .MapVideos()
                .MapAssets();
        }
        app.MapPublicFiles();
        app.MapPresenterPreviews();
        app.MapVoiceSamples();
        app.MapSharePage();
        app.MapDashboard();
        return app;
    }
}

/// <summary>Creates the tables and the bootstrap workspace before the service answers.</summary>
internal sealed partial class StartupTasks(Db db, WorkspaceStore workspaces, IOptions<ReelgenOptions> options, VoiceCatalog voices, ILogger<StartupTasks> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Loading the voices here also says, once, which speech engines this machine has.
        if (!voices.Engines.Contains("rhvoice"))
            logger.LogWarning("RHVoice is not installed: every voice speaks with espeak-ng (scripts/install-deps.sh installs librhvoice5 and rhvoice-english)");
        await db.MigrateAsync(cancellationToken);
        var o = options.Value;
        if (o.BootstrapToken is { Length: > 0 } token)
        {
            var workspace = await workspaces.EnsureAsync("default", o.BootstrapWebhookSecret, cancellationToken);
            await workspaces.AddTokenAsync("default", token, cancellationToken);
            if (o.BootstrapWebhookSecret is { } secret && secret != workspace.WebhookSecret)
                LogBootstrapSecretIgnored(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reelgen__BootstrapWebhookSecret differs from the default workspace's secret (rotated with the CLI, or the setting changed since the workspace was made); the workspace keeps its own: reelgen workspace secret shows it, --rotate replaces it")]
    private static partial void LogBootstrapSecretIgnored(ILogger logger);
}
