using System.ComponentModel.DataAnnotations;

namespace Reelgen.Creative;

/// <summary>
/// How much one job may ask for, so that no single request can hold a worker for days or fill its memory. The
/// server binds them from <c>Reelgen:Limits</c> (env <c>Reelgen__Limits__X</c>). What the request itself shows is
/// checked at submit (a 400 naming the field); what only the media shows (a clip's length, a picture's size, how
/// long a script takes to say) fails the render with the same kind of reason. <see cref="MinFreeDiskBytes"/> guards
/// the machine rather than one job.
/// </summary>
public sealed class JobLimits
{
    /// <summary>Longest video, in seconds.</summary>
    [Range(1, 24 * 60 * 60)]
    public int MaxVideoSeconds { get; set; } = 30 * 60;

    /// <summary>Largest request body, in bytes (answered 413).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest body of <c>POST /video-generation-jobs/batch</c>, in bytes: up to 10,000 items of variables.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBatchRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Most scenes in one job.</summary>
    [Range(1, 10_000)]
    public int MaxScenes { get; set; } = 500;

    /// <summary>Most tracks in one scene.</summary>
    [Range(1, 10_000)]
    public int MaxTracksPerScene { get; set; } = 100;

    /// <summary>Most tracks in one job, all scenes together.</summary>
    [Range(1, 100_000)]
    public int MaxTracks { get; set; } = 1000;

    /// <summary>Longest script or on-screen text, in characters, after its variables are filled in.</summary>
    [Range(1, 1_000_000)]
    public int MaxTextCharacters { get; set; } = 20_000;

    /// <summary>Longest value of one dynamic variable, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxVariableCharacters { get; set; } = 10_000;

    /// <summary>Largest <c>dynamicVariables</c> object, in characters of its names and values together.</summary>
    [Range(1, 10_000_000)]
    public int MaxVariablesCharacters { get; set; } = 100_000;

    /// <summary>Largest picture, in pixels (width times height), read from its header before it is decoded.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Largest frame of a video input, in pixels (width times height), read by ffprobe before use.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxVideoInputPixels { get; set; } = 4096 * 2160;

    /// <summary>Highest frame rate of a video input, in frames a second.</summary>
    [Range(1, 1000)]
    public double MaxVideoInputFps { get; set; } = 120;

    /// <summary>Longest video or audio input, in seconds.</summary>
    [Range(1, 7 * 24 * 60 * 60)]
    public int MaxMediaInputSeconds { get; set; } = 60 * 60;

    /// <summary>
    /// Least free space, in bytes, on the volumes of the data, work and video directories for a new job to be
    /// accepted (answered 503 with Retry-After below it); 0 turns the check off.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; set; } = 1024L * 1024 * 1024;
}
