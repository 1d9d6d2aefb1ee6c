using Reelgen.Server;
using Reelgen.Server.Data;

namespace Reelgen.Cli.Commands;

/// <summary>The service's configuration and stores, without starting it: for verbs that act on the database directly.</summary>
internal static class ServiceScope
{
    public static async Task<WebApplication> OpenAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Reelgen:Roles"] = "api";
        builder.Logging.ClearProviders();
        builder.AddReelgen();
        var app = builder.Build();
        await app.Services.GetRequiredService<Db>().MigrateAsync(ct);
        return app;
    }
}
