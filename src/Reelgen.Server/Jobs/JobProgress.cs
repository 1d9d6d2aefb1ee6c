using Reelgen.Rendering;
using Reelgen.Server.Data;

namespace Reelgen.Server.Jobs;

/// <summary>
/// Maps the renderer's reports to the job's status and progress (0..100): preprocessing fills 1..30, encoding 30..99,
/// and only the finished job reaches 100. Progress never goes down, even across a rescued attempt.
/// </summary>
public sealed class JobProgress(long start) : IProgress<RenderProgress>
{
    private readonly Lock _lock = new();
    private string _status = JobStatus.Preprocessing;
    private long _progress = Math.Max(start, 1);
    private double _videoSeconds;
    private RenderProgress _last;
    private long _moves;

    /// <summary>
    /// How many reports have moved the render on (a new stage or fraction), finer than the percentage: encoding a
    /// long video can take minutes per percent while ffmpeg's clock still moves every half second.
    /// </summary>
    public long Moves
    {
        get
        {
            lock (_lock)
                return _moves;
        }
    }

    /// <summary>The video's length once the renderer knows it (when encoding starts); 0 before.</summary>
    public double VideoSeconds
    {
        get
        {
            lock (_lock)
                return _videoSeconds;
        }
    }

    public void Report(RenderProgress value)
    {
        lock (_lock)
        {
            var fraction = Math.Clamp(value.Fraction, 0, 1);
            _videoSeconds = Math.Max(_videoSeconds, value.VideoSeconds);
            if (value.Stage != _last.Stage || value.Fraction != _last.Fraction)
                _moves++;
            _last = value;
            long next;
            if (value.Stage == RenderStage.Preprocessing)
            {
                next = 1 + (long)(fraction * 29);
                if (fraction >= 1)
                    _status = JobStatus.PreprocessingFinished;
            }
            else
            {
                next = 30 + (long)(fraction * 69);
                _status = JobStatus.Generating;
            }
            _progress = Math.Max(_progress, next);
        }
    }

    public (string Status, long Progress) Snapshot()
    {
        lock (_lock)
            return (_status, _progress);
    }
}
