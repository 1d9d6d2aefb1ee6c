using System.ComponentModel.DataAnnotations;

namespace Reelgen.Server.Callbacks;

/// <summary>How callbacks are sent, bound from <c>Reelgen:Callbacks</c> (env: <c>Reelgen__Callbacks__X</c>).</summary>
public sealed class CallbackOptions
{
    public const string Section = "Reelgen:Callbacks";

    /// <summary>
    /// Waits between attempts, comma separated (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>); each is
    /// jittered by ±10%. The first attempt goes at once, so a schedule of N waits allows N + 1 attempts.
    /// </summary>
    [Required, RegularExpression(Callbacks.RetrySchedule.Pattern, ErrorMessage = "must look like '5s,5m,30m,2h' (units ms, s, m, h, d).")]
    public string RetrySchedule { get; set; } = "5s,5m,30m,2h,5h,10h,10h";

    /// <summary>How long one attempt may take, connection included, before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often an idle dispatcher looks for due deliveries written by other processes. Deliveries of jobs that
    /// end in this process, and retries this process scheduled, wake it at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries one process sends at once (a slow receiver holds one slot for up to <see cref="Timeout"/>).</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one is cut to this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "2.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// A claimed delivery is due again after this long, so a process killed mid-send hands it to another: sending
    /// is at-least-once. Longer than <see cref="Timeout"/>, so a live sender always records its attempt first.
    /// </summary>
    public TimeSpan Lease => Timeout + TimeSpan.FromSeconds(15);
}
