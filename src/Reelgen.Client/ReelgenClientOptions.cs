namespace Reelgen.Client;

/// <summary>How the API token travels.</summary>
public enum AuthStyle
{
    /// <summary><c>Authorization: Bearer &lt;token&gt;</c>, as the <c>/api/v1</c> documentation shows.</summary>
    Bearer,

    /// <summary><c>authorizationtoken: &lt;token&gt;</c>, as the older <c>/api</c> documentation shows.</summary>
    AuthorizationTokenHeader,
}

/// <summary>Where the server is and how to authenticate. Reelgen accepts every combination; Colossyan's hosted API
/// expects <see cref="AuthStyle.Bearer"/> on <c>/api/v1</c>.</summary>
public sealed class ReelgenClientOptions
{
    /// <summary>The server's root, for example <c>http://localhost:5080</c> or <c>https://app.colossyan.com</c>.
    /// When null, the <see cref="HttpClient.BaseAddress"/> of the client's <see cref="HttpClient"/> is used.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The API token of a workspace. When null, no token is sent (and the server answers 401).</summary>
    public string? Token { get; set; }

    /// <summary>How the token is sent; default <see cref="AuthStyle.Bearer"/>.</summary>
    public AuthStyle AuthStyle { get; set; } = AuthStyle.Bearer;

    /// <summary>The API's path under <see cref="BaseUrl"/>: <c>/api/v1</c> (default) or <c>/api</c>.</summary>
    public string ApiPath { get; set; } = "/api/v1";

    /// <summary>The clock used for waiting and timeouts; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Options read from the environment: <c>REELGEN_URL</c> (default <c>http://localhost:5080</c>) and
    /// <c>REELGEN_TOKEN</c>.</summary>
    public static ReelgenClientOptions FromEnvironment() => new()
    {
        BaseUrl = new Uri(Environment.GetEnvironmentVariable("REELGEN_URL") is { Length: > 0 } url ? url : "http://localhost:5080"),
        Token = Environment.GetEnvironmentVariable("REELGEN_TOKEN") is { Length: > 0 } token ? token : null,
    };

    /// <summary>Options for Colossyan's hosted API (<c>https://app.colossyan.com/api/v1</c>, Bearer token).</summary>
    /// <param name="token">A token from Colossyan's workspace settings.</param>
    public static ReelgenClientOptions ForColossyan(string token) => new()
    {
        BaseUrl = new Uri("https://app.colossyan.com"),
        Token = token,
        AuthStyle = AuthStyle.Bearer,
        ApiPath = "/api/v1",
    };

    internal ReelgenClientOptions Clone() => (ReelgenClientOptions)MemberwiseClone();
}

/// <summary>How <see cref="ReelgenClient.WaitForJobAsync"/> polls: exponential backoff with jitter, up to an overall timeout.</summary>
public sealed class WaitOptions
{
    /// <summary>Give up after this long; default 30 minutes. <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The first pause between two polls; default 500 ms.</summary>
    public TimeSpan InitialPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest pause between two polls; default 5 seconds.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Each pause is the previous one times this, up to <see cref="MaxPollInterval"/>; default 1.5.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>Each pause is randomly lengthened or shortened by up to this fraction, so many waiting clients spread out; default 0.2.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>Connection errors and 5xx answers in a row that are retried before giving up; default 5.</summary>
    public int MaxConsecutiveErrors { get; set; } = 5;

    /// <summary>
    /// Follow the job's live event stream (<c>GET /video-generation-jobs/{id}/events</c>) instead of polling; default
    /// true. When the server has no stream, or it breaks, waiting goes on by polling.
    /// </summary>
    public bool UseEvents { get; set; } = true;
}
