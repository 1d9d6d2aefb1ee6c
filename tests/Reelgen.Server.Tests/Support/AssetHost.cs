using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reelgen.Server.Tests.Support;

/// <summary>A real HTTP server on 127.0.0.1 serving fixed bytes at chosen paths, for jobs' asset URLs.</summary>
public sealed class AssetHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly WebApplication _app;

    private AssetHost()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            if (!_files.TryGetValue(context.Request.Path.Value ?? "", out var body))
            {
                context.Response.StatusCode = 404;
                return;
            }
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
    }

    public string BaseUrl { get; private set; } = "";

    public static async Task<AssetHost> StartAsync()
    {
        var host = new AssetHost();
        await host._app.StartAsync();
        host.BaseUrl = host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return host;
    }

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>; returns its URL.</summary>
    public string Serve(string path, byte[] body)
    {
        _files[path] = body;
        return BaseUrl + path;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
