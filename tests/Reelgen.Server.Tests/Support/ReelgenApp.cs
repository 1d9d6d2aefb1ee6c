using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests.Support;

/// <summary>
/// One Reelgen server in-process, with its own data directory (a real SQLite file) or, when REELGEN_TEST_DATABASE is
/// <c>postgres</c> (the PostgreSQL run of test.sh), a PostgreSQL schema of its own.
/// </summary>
public sealed class ReelgenApp : WebApplicationFactory<Program>
{
    public const string Token = "rg_test_default_token_0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly string? _schema;
    private readonly TimeProvider? _time;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="configure">Changes to the settings.</param>
    /// <param name="time">The service's clock (a FakeTimeProvider drives schedules in tests); the real one by default.</param>
    /// <param name="services">Changes to the services, after Reelgen's own (a storage that fails on cue).</param>
    public ReelgenApp(Action<Dictionary<string, string?>>? configure = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        _time = time;
        _services = services;
        DataDirectory = Directory.CreateTempSubdirectory("reelgen-test-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["Reelgen:DataDirectory"] = DataDirectory,
            ["Reelgen:BootstrapToken"] = Token,
            ["Reelgen:PublicBaseUrl"] = "http://reelgen.test",
            ["Reelgen:Worker:PollInterval"] = "00:00:00.200",
            ["Reelgen:Worker:HeartbeatInterval"] = "00:00:00.250",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (Environment.GetEnvironmentVariable("REELGEN_TEST_DATABASE") == "postgres")
        {
            (var connectionString, _schema) = StoreDatabase.CreateSchema();
            _settings["Reelgen:Database:Provider"] = "postgres";
            _settings["Reelgen:Database:ConnectionString"] = connectionString;
        }
        configure?.Invoke(_settings);
    }

    public string DataDirectory { get; }

    /// <summary>The settings this server runs with (a second server given the same ones shares its database and files).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        if (_time is not null)
            builder.ConfigureServices(services => services.AddSingleton(_time));
        if (_services is not null)
            builder.ConfigureServices(_services);
    }

    /// <summary>A client for /api/v1 with a Bearer token.</summary>
    public HttpClient V1Client(string token = Token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/api/v1/") });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client for the older /api with the authorizationtoken header.</summary>
    public HttpClient LegacyClient(string token = Token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/api/") });
        client.DefaultRequestHeaders.Add("authorizationtoken", token);
        return client;
    }

    /// <summary>Creates another workspace and returns a token of it.</summary>
    public async Task<string> CreateWorkspaceTokenAsync(string workspace)
    {
        var token = WorkspaceStore.NewToken();
        await Services.GetRequiredService<WorkspaceStore>().AddTokenAsync(workspace, token, CancellationToken.None);
        return token;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_schema is not null)
            StoreDatabase.DropSchema(_schema);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class JobClient
{
    public static async Task<(string JobId, string VideoId)> SubmitAsync(this HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("video-generation-jobs", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit answered {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        return ((string)json["id"]!, (string)json["videoId"]!);
    }

    public static async Task<JsonObject> GetJobAsync(this HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JsonObject>($"video-generation-jobs/{jobId}"))!;

    /// <summary>Polls until the job reaches one of <paramref name="statuses"/>; records every state seen.</summary>
    public static async Task<JsonObject> WaitForAsync(this HttpClient client, string jobId, string[] statuses, TimeSpan? timeout = null, List<JsonObject>? seen = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var job = await client.GetJobAsync(jobId);
            seen?.Add(job);
            if (statuses.Contains((string?)job["status"]))
                return job;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"job {jobId} is still {job["status"]} ({job["error"]})");
            await Task.Delay(100);
        }
    }

    public static Task<JsonObject> WaitForFinishedAsync(this HttpClient client, string jobId, TimeSpan? timeout = null, List<JsonObject>? seen = null) =>
        client.WaitForAsync(jobId, ["finished", "failed", "deleted"], timeout, seen);
}
