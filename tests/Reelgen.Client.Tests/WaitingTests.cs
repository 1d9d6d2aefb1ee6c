using Reelgen.Server.Tests.Support;

namespace Reelgen.Client.Tests;

/// <summary>Waiting against a server with no worker, so jobs stay queued for as long as a test needs.</summary>
public sealed class WaitingTests : IDisposable
{
    private readonly ReelgenApp _app = new(s => s["Reelgen:Roles"] = "api");

    public void Dispose() => _app.Dispose();

    private static WaitOptions Fast(TimeSpan timeout) => new() { Timeout = timeout, InitialPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task Waiting_past_the_timeout_throws_a_timeout_with_the_job_as_last_seen()
    {
        using var client = _app.Client();
        var created = await client.CreateJobAsync(TestCreatives.Slide());
        var progress = new RecordingProgress<JobProgress>();

        var error = await Assert.ThrowsAsync<ReelgenWaitTimeoutException>(() => client.WaitForJobAsync(created.Id, progress, Fast(TimeSpan.FromMilliseconds(600))));

        Assert.Equal(created.Id, error.JobId);
        Assert.Equal(JobStatus.InQueue, error.LastSeen?.Status);
        Assert.Equal(JobStatus.InQueue, Assert.Single(progress.Reports).Status);
    }

    [Fact]
    public async Task Cancelling_the_token_stops_waiting_with_an_operation_cancelled()
    {
        using var client = _app.Client();
        var created = await client.CreateJobAsync(TestCreatives.Slide());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitForJobAsync(created.Id, options: Fast(TimeSpan.FromMinutes(1)), cancellationToken: cts.Token));

        Assert.IsNotType<ReelgenWaitTimeoutException>(error);
    }

    [Fact]
    public async Task A_cancelled_job_is_deleted_and_waiting_for_it_returns_at_once()
    {
        using var client = _app.Client();
        var created = await client.CreateJobAsync(TestCreatives.Slide());

        await client.CancelJobAsync(created.Id);
        var job = await client.WaitForJobAsync(created.Id, options: Fast(TimeSpan.FromSeconds(5)));

        Assert.Equal(JobStatus.Deleted, job.Status);
        Assert.True(job.IsFinal);
        Assert.False(job.IsFinished);
    }

    [Fact]
    public async Task A_new_job_reports_its_state_and_a_fixed_maximum_progress()
    {
        using var client = _app.Client(style: AuthStyle.AuthorizationTokenHeader, apiPath: "/api");
        var created = await client.CreateJobAsync(TestCreatives.Slide());

        var job = await client.GetJobAsync(created.Id);

        Assert.Equal(JobStatus.InQueue, job.Status);
        Assert.Equal(0, job.Progress);
        Assert.Equal(100, job.MaximumProgress);
        Assert.NotNull(job.CreatedAt);
        Assert.InRange(job.CreatedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Downloading_a_video_before_its_job_finishes_says_so()
    {
        using var client = _app.Client();
        var created = await client.CreateJobAsync(TestCreatives.Slide());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.DownloadVideoAsync(created.VideoId, new MemoryStream()));

        Assert.Contains(created.Id, error.Message, StringComparison.Ordinal);
    }
}
