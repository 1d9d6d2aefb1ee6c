namespace Reelgen.Server.Callbacks;

/// <summary>A callback delivery's statuses, stored as these strings and shown as they are.</summary>
public static class CallbackStatus
{
    /// <summary>Waiting for its next attempt, or being sent (the dispatcher claims it).</summary>
    public const string Pending = "pending";

    /// <summary>A 2xx came back (the dispatcher).</summary>
    public const string Delivered = "delivered";

    /// <summary>410 Gone, or the retry schedule ran out (the dispatcher).</summary>
    public const string Failed = "failed";

    /// <summary>The job was deleted before it was sent (deleting the job).</summary>
    public const string Cancelled = "cancelled";
}
