namespace Reelgen.Server.Callbacks;

public static class CallbackServices
{
    /// <summary>The callback outbox, its sender, and (in worker processes) the dispatcher that drains it.</summary>
    public static IServiceCollection AddCallbacks(this IServiceCollection services, bool dispatch)
    {
        services.AddSettings<CallbackOptions>(CallbackOptions.Section);
        services.AddSingleton<CallbackStore>();
        services.AddSingleton<CallbackSender>();
        services.AddSingleton<CallbackMetrics>();
        if (dispatch)
            services.AddHostedService<CallbackDispatcher>();
        return services;
    }
}
