using Reelgen.Server.Callbacks;

namespace Reelgen.Server.Tests;

public sealed class CallbackScheduleTests
{
    [Fact]
    public void The_default_schedule_allows_eight_attempts_over_about_a_day()
    {
        var schedule = new RetrySchedule(new CallbackOptions().RetrySchedule);
        Assert.Equal(8, schedule.MaxAttempts);
        Assert.Equal(
            [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10)],
            schedule.Waits);
    }

    [Theory]
    [InlineData(0.0, 4500)]
    [InlineData(0.5, 5000)]
    [InlineData(1.0, 5500)]
    public void Waits_are_jittered_by_ten_percent_either_way(double random, double expectedMs)
    {
        var schedule = new RetrySchedule("5s,1m");
        Assert.Equal(expectedMs, schedule.After(1, random)!.Value.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void After_the_last_wait_there_is_no_further_attempt()
    {
        var schedule = new RetrySchedule("100ms, 2s");
        Assert.NotNull(schedule.After(2, 0.5));
        Assert.Null(schedule.After(3, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(100), schedule.Waits[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5s,,5m")]
    [InlineData("-5s")]
    [InlineData("5 minutes")]
    public void Malformed_schedules_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => new RetrySchedule(text));
    }
}
