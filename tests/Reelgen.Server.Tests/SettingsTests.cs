using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class SettingsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("reelgen-settings-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("Reelgen__Database__Provider", "postgresql", "use sqlite or postgres")]
    [InlineData("Reelgen__Worker__Concurrency", "0", "must be between 1 and 64")]
    [InlineData("Reelgen__Worker__RescueInterval", "00:00:00", "must be more than zero")]
    [InlineData("Reelgen__Worker__HeartbeatInterval", "00:01:00", "must be shorter than Reelgen__Worker__LeaseDuration")]
    [InlineData("Reelgen__Worker__MaxAttempts", "many", "is not a valid Int32")]
    [InlineData("Reelgen__Callbacks__RetrySchedule", "5 minutes", "must look like '5s,5m,30m,2h'")]
    [InlineData("Reelgen__Render__Crf", "99", "must be between 0 and 51")]
    [InlineData("Reelgen__Render__Preset", "quick", "use ultrafast, superfast")]
    [InlineData("Reelgen__Roles", "wroker", "must be api, worker or api,worker")]
    [InlineData("Reelgen__BootstrapWebhookSecret", "whsec_short", "must be whsec_ followed by the base64 of 24 to 64 random bytes")]
    [InlineData("Reelgen__BootstrapWebhookSecret", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "does not start with whsec_")]
    [InlineData("Reelgen__BootstrapToken", "rg_0123456789abcdef0123456789a", "at least 32 characters")]
    public async Task A_wrong_setting_stops_the_start_naming_the_setting(string name, string value, string reason)
    {
        using var server = new ServerProcess(_data, new() { [name] = value });

        var (exitCode, output) = await server.RunToExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var line = output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(name + " = ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no line names {name}:\n{output}");
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_background_service_that_fails_stops_the_process_with_a_non_zero_exit_code()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reelgen:DataDirectory"] = _data,
            ["Reelgen:PublicBaseUrl"] = "http://reelgen.test",
            ["Logging:LogLevel:Default"] = "None",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddReelgen();
        builder.Services.AddHostedService<FailingService>();
        var app = builder.Build();
        app.MapReelgen();

        var exitCode = await ReelgenServer.RunAsync(app).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
    }

    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(100, stoppingToken);
            throw new InvalidOperationException("the service failed");
        }
    }
}
