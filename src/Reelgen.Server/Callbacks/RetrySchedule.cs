using System.Globalization;
using System.Text.RegularExpressions;

namespace Reelgen.Server.Callbacks;

/// <summary>The waits between callback attempts, parsed from <see cref="CallbackOptions.RetrySchedule"/>.</summary>
public sealed partial class RetrySchedule
{
    public const string Pattern = @"^\s*\d+\s*(ms|s|m|h|d)\s*(,\s*\d+\s*(ms|s|m|h|d)\s*)*$";

    private const double Jitter = 0.1;

    public RetrySchedule(string text)
    {
        if (!ScheduleRegex().IsMatch(text))
            throw new FormatException($"'{text}' is not a retry schedule like '5s,5m,30m,2h'.");
        Waits = [.. text.Split(',').Select(ParseOne)];
    }

    public IReadOnlyList<TimeSpan> Waits { get; }

    /// <summary>Attempts in all: the first, then one after each wait.</summary>
    public int MaxAttempts => Waits.Count + 1;

    /// <summary>
    /// The wait after the <paramref name="attempt"/>-th failed attempt (1-based), jittered so that many deliveries
    /// failing together do not all come back at once; null when that was the last attempt.
    /// </summary>
    public TimeSpan? After(int attempt, double random)
    {
        if (attempt < 1 || attempt > Waits.Count)
            return null;
        return Waits[attempt - 1] * (1 - Jitter + (2 * Jitter * random));
    }

    private static TimeSpan ParseOne(string part)
    {
        var m = PartRegex().Match(part.Trim());
        var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex ScheduleRegex();

    [GeneratedRegex(@"^(\d+)\s*(ms|s|m|h|d)$")]
    private static partial Regex PartRegex();
}
