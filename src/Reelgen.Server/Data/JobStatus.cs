namespace Reelgen.Server.Data;

/// <summary>
/// The seven statuses of the API, stored as these strings. See docs/job-states.md for the diagram.
/// </summary>
public static class JobStatus
{
    /// <summary>Set by the API when the job is accepted, and by the lease rescuer when a worker's lease lapses.</summary>
    public const string InQueue = "in_queue";

    /// <summary>Set by a worker when it claims the job: fetching assets, synthesising speech.</summary>
    public const string Preprocessing = "preprocessing";

    /// <summary>Set by the worker when every input is ready, just before encoding.</summary>
    public const string PreprocessingFinished = "preprocessing_finished";

    /// <summary>Set by the worker while ffmpeg encodes.</summary>
    public const string Generating = "generating";

    /// <summary>Set by the lease holder when the video is stored. Final.</summary>
    public const string Finished = "finished";

    /// <summary>Set by the lease holder when the render cannot succeed, or by a worker after too many interrupted attempts. Final.</summary>
    public const string Failed = "failed";

    /// <summary>Set by the API on DELETE; a running render stops and no callback is sent. Final.</summary>
    public const string Deleted = "deleted";

    public static readonly string[] All = [InQueue, Preprocessing, PreprocessingFinished, Generating, Finished, Failed, Deleted];

    public static bool IsFinal(string status) => status is Finished or Failed or Deleted;

    /// <summary>The statuses in which a worker holds a lease.</summary>
    public const string RunningSql = "('preprocessing', 'preprocessing_finished', 'generating')";

    /// <summary>Progress runs from 0 to this; fixed when the job is accepted.</summary>
    public const long MaximumProgress = 100;
}
