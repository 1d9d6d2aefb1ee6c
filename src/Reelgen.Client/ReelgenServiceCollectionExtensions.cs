using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Reelgen.Client;

/// <summary>Registers <see cref="ReelgenClient"/> with <c>IHttpClientFactory</c>.</summary>
public static class ReelgenServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ReelgenClient"/> as a typed HTTP client: inject it where needed. The returned builder can
    /// add handlers (logging, resilience) to its <see cref="HttpClient"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the server, token and auth style, for example from configuration.</param>
    public static IHttpClientBuilder AddReelgenClient(this IServiceCollection services, Action<ReelgenClientOptions> configure)
    {
        services.AddOptions<ReelgenClientOptions>().Configure(configure);
        var builder = services.AddHttpClient(nameof(ReelgenClient));
        builder.AddTypedClient((http, sp) => new ReelgenClient(http, sp.GetRequiredService<IOptions<ReelgenClientOptions>>().Value));
        return builder;
    }
}
