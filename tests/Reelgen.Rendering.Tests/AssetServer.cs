using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reelgen.Rendering.Tests;

/// <summary>A real HTTP server on 127.0.0.1 that serves test assets, redirects and errors.</summary>
public sealed class AssetServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public string Serve(string path, byte[] body, string contentType = "application/octet-stream")
    {
        _routes[path] = async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        };
        return BaseUrl + path;
    }

    public string Redirect(string path, string location, int status = 302)
    {
        _routes[path] = context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        };
        return BaseUrl + path;
    }

    public string Url(string path) => BaseUrl + path;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(context => _routes.TryGetValue(context.Request.Path.Value ?? "", out var handler)
            ? handler(context)
            : Task.FromResult(context.Response.StatusCode = 404));
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
