using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Server.Storage;

namespace Reelgen.Server.Operations;

/// <summary>
/// Refuses new jobs while a volume that renders fill is low on space: the data directory (SQLite, the speech cache),
/// the work directory (every render's scratch files) and, with local storage, the video directory. A job accepted
/// onto a full disk would only fail later, and a full disk can corrupt more than one job, so the answer is 503 with
/// <c>Retry-After</c> before the disk fills, while polling, downloads and deletes (which free space) go on.
/// </summary>
public sealed partial class DiskSpace(IOptions<ReelgenOptions> options, VideoStorage storage, ILogger<DiskSpace> logger)
{
    /// <summary>What <c>Retry-After</c> says: space comes back as renders finish, retention runs or someone frees it.</summary>
    public const int RetryAfterSeconds = 60;

    public long MinimumFreeBytes => options.Value.Limits.MinFreeDiskBytes;

    private IEnumerable<(string Name, string Path)> Volumes()
    {
        yield return ("data directory", options.Value.DataDirectory);
        yield return ("work directory", storage.WorkDirectory);
        if (storage is LocalVideoStorage local)
            yield return ("video directory", local.Directory);
    }

    /// <summary>The first volume with less free space than the setting asks for, or null when all have enough (or the check is off).</summary>
    public (string Name, long FreeBytes)? LowVolume()
    {
        var minimum = MinimumFreeBytes;
        if (minimum <= 0)
            return null;
        foreach (var (name, path) in Volumes())
        {
            long free;
            try
            {
                // statvfs of the directory: the free space of whichever volume it is on.
                free = new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                continue;
            }
            if (free < minimum)
                return (name, free);
        }
        return null;
    }

    /// <summary>The filter for the endpoints that accept jobs.</summary>
    public static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var disk = http.RequestServices.GetRequiredService<DiskSpace>();
        if (disk.LowVolume() is not { } low)
            return await next(context);
        var minimum = disk.MinimumFreeBytes;
        disk.LogRefused(low.Name, low.FreeBytes, minimum);
        var detail = $"The server is low on disk space ({Mebibytes(low.FreeBytes)} free for its {low.Name}, less than the {Mebibytes(minimum)} "
            + "Reelgen__Limits__MinFreeDiskBytes asks for), so it accepts no new job until space is freed; jobs already accepted carry on. Try again later.";
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Not enough disk space",
            Detail = detail,
            Extensions = { ["message"] = detail },
        });
    }

    private static string Mebibytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a new job: {Free} bytes free for the {Volume}, less than Reelgen__Limits__MinFreeDiskBytes ({Minimum})")]
    private partial void LogRefused(string volume, long free, long minimum);
}

public static class DiskSpaceEndpoints
{
    /// <summary>Answers 503 with <c>Retry-After</c> instead of running the endpoint while the disk is low (<see cref="DiskSpace"/>).</summary>
    public static RouteHandlerBuilder RequireFreeDisk(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(DiskSpace.GuardAsync).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
