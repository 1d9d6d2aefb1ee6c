using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Reelgen.Creative;

namespace Reelgen.Server;

/// <summary>Every setting of the service, bound from the "Reelgen" configuration section (env: <c>Reelgen__X__Y</c>).</summary>
public sealed class ReelgenOptions : IValidatableObject
{
    public const string Section = "Reelgen";

    /// <summary>Where the SQLite file and, by default, the videos live.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Base of publicUrl, shareUrl and thumbnailUrl, as clients reach this service; default the first listen address.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>When set, a workspace "default" with this token exists at start. At least 32 characters, so it cannot be guessed.</summary>
    [MinLength(32, ErrorMessage = "is too short to be safe: a token must be at least 32 characters (make one with `reelgen tokens create`, or `openssl rand -base64 32`).")]
    public string? BootstrapToken { get; set; }

    /// <summary>
    /// The "default" workspace's callback signing secret (<c>whsec_</c> and base64 of 24 to 64 bytes), set when the
    /// workspace is created; a later rotation with the CLI stands.
    /// </summary>
    public string? BootstrapWebhookSecret { get; set; }

    /// <summary>How long a job submission's <c>Idempotency-Key</c> is remembered for its workspace.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "must be between {1} and {2}.")]
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary><c>api</c>, <c>worker</c> or both, comma separated.</summary>
    [Required, RegularExpression(@"^\s*(api|worker)\s*(,\s*(api|worker)\s*)?$", ErrorMessage = "must be api, worker or api,worker.")]
    public string Roles { get; set; } = "api,worker";

    [ValidateObjectMembers]
    public StorageOptions Storage { get; set; } = new();

    [ValidateObjectMembers]
    public NetworkOptions Network { get; set; } = new();

    [ValidateObjectMembers]
    public DatabaseOptions Database { get; set; } = new();

    [ValidateObjectMembers]
    public WorkerOptions Worker { get; set; } = new();

    /// <summary>How much one job may ask for (<c>Reelgen__Limits__X</c>).</summary>
    [ValidateObjectMembers]
    public JobLimits Limits { get; set; } = new();

    [ValidateObjectMembers]
    public TelemetryOptions Telemetry { get; set; } = new();

    [ValidateObjectMembers]
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>How many requests one API token may make (<c>Reelgen__RateLimit__X</c>).</summary>
    [ValidateObjectMembers]
    public RateLimitOptions RateLimit { get; set; } = new();

    public CompatibilityOptions Compatibility { get; set; } = new();

    public AliasOptions Aliases { get; set; } = new();

    public bool HasRole(string role) =>
        Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(role, StringComparer.OrdinalIgnoreCase);

    public string VideoDirectory => Storage.Directory ?? Path.Combine(DataDirectory, "videos");

    public string PublicUrl(string relative) => PublicBaseUrl.TrimEnd('/') + relative;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Checked here rather than at the first callback: a secret that cannot key a signature would fail every delivery.
        if (BootstrapWebhookSecret is { } secret && Callbacks.CallbackSigner.SecretProblem(secret) is { } problem)
            yield return new ValidationResult(problem, [nameof(BootstrapWebhookSecret)]);
    }
}

public sealed class StorageOptions
{
    /// <summary><c>local</c> (a folder, default) or <c>s3</c> (an S3-compatible bucket, <see cref="S3"/>).</summary>
    public string Provider { get; set; } = "local";

    /// <summary>Where finished videos are kept; default <c>DataDirectory/videos</c>. Shared by every process of a cluster.</summary>
    public string? Directory { get; set; }

    public Storage.S3StorageOptions S3 { get; set; } = new();
}

public sealed class NetworkOptions
{
    /// <summary>Let callbacks and asset URLs reach private, loopback and link-local addresses.</summary>
    public bool AllowPrivateAddresses { get; set; }
}

public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (embedded, default) or <c>postgres</c>.</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "is not a database provider Reelgen knows; use sqlite or postgres.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Npgsql connection string for <c>postgres</c>; for <c>sqlite</c>, optional (default <c>DataDirectory/reelgen.db</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>With SQLite, how long a write waits for another process's lock before it fails (the API then answers 503).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "must be between {1} and {2} (whole seconds).")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On PostgreSQL, wake other processes' idle workers with LISTEN/NOTIFY (off behind a transaction-mode pooler; polling remains).</summary>
    public bool Notify { get; set; } = true;

    /// <summary>
    /// How long a poll may be answered from the job's record kept in this process before its state is read again: the
    /// bound on how late a change made by another process shows. This process's own changes show at once. Zero reads
    /// the state on every poll.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "must be between {1} and {2}.")]
    public TimeSpan PollCacheTime { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class WorkerOptions : IValidatableObject
{
    private const string Positive = "must be more than zero and at most {2}.";

    /// <summary>Renders one process runs at once.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 1;

    /// <summary>How often an idle worker looks for work (it is also woken at once by a submit in the same process).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = Positive)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim lasts without a heartbeat before the rescuer re-queues the job.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Positive)]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running render renews its lease, saves progress and checks for cancellation.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = Positive)]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often expired leases are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = Positive)]
    public TimeSpan RescueInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Claims of one job before it fails as repeatedly interrupted.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>A render whose progress has not moved for this long is stopped and its job failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Positive)]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The least time any render is allowed before it is stopped and its job failed (see <see cref="RenderBudgetFactor"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00", ErrorMessage = Positive)]
    public TimeSpan RenderBudget { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A render may take this many times its video's length, when that is more than <see cref="RenderBudget"/>.</summary>
    [Range(0.0, 1000.0)]
    public double RenderBudgetFactor { get; set; } = 10;

    /// <summary>
    /// How long a stopping worker (SIGTERM) lets its current render finish; past it the render is stopped and its job
    /// handed back to the queue at once, the attempt not counted.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "must be between {1} and {2}.")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Scratch space for renders; default <c>DataDirectory/work</c>.</summary>
    public string? WorkDirectory { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A lease that lapses between two heartbeats would send every running job back to the queue.
        if (HeartbeatInterval >= LeaseDuration)
            yield return new ValidationResult($"must be shorter than Reelgen__Worker__LeaseDuration ({LeaseDuration}).", [nameof(HeartbeatInterval)]);
    }
}

/// <summary>
/// Metrics and traces (<c>Reelgen__Telemetry__X</c>). Exporting to a collector follows the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> variables: none set, nothing leaves the process.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve Prometheus text at <c>/metrics</c>, without a token (counts and timings only, no workspace's data).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>How old the figures read from the database (jobs by status, the queue) may be when a scrape reads them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "must be between {1} and {2}.")]
    public TimeSpan DatabaseGaugeInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>How long finished work is kept (<c>Reelgen__Retention__X</c>); unset keeps everything.</summary>
public sealed class RetentionOptions
{
    /// <summary>Videos made more than this many days ago are deleted, files and all.</summary>
    [Range(1, 36500)]
    public int? VideoDays { get; set; }

    /// <summary>Jobs that ended more than this many days ago are removed, with their callbacks and video.</summary>
    [Range(1, 36500)]
    public int? JobDays { get; set; }

    /// <summary>How often old videos and jobs are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "must be between {1} and {2}.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class RateLimitOptions
{
    /// <summary>
    /// Requests one token may make in a minute, in each API process; 0 turns the limit off. The default leaves room
    /// for a client polling a dozen jobs every second while it submits more.
    /// </summary>
    [Range(0, 1_000_000_000)]
    public int RequestsPerMinute { get; set; } = 1200;
}

public sealed class CompatibilityOptions
{
    /// <summary>
    /// What a job naming an actor or voice Reelgen does not have gets: <c>substitute</c> (a stand-in, with a warning on
    /// the job) or <c>reject</c> (a 400 naming the field).
    /// </summary>
    public string UnknownIds { get; set; } = "substitute";

    public bool Reject => UnknownIds == "reject";
}

/// <summary>Ids from elsewhere (the hosted service's catalogue) mapped to Reelgen's: <c>Reelgen__Aliases__Voices__ID=VOICE</c>.</summary>
public sealed class AliasOptions
{
    /// <summary>speakerId asked for → a voice of <c>GET /assets/voices</c>.</summary>
    public Dictionary<string, string> Voices { get; set; } = [];

    /// <summary>actor asked for → a presenter of <c>GET /assets/actors</c>.</summary>
    public Dictionary<string, string> Actors { get; set; } = [];
}
