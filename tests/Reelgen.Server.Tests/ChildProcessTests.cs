using System.Globalization;
using Reelgen.Server.Tests.Support;

namespace Reelgen.Server.Tests;

public sealed class ChildProcessTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("reelgen-children-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_renders_ffmpeg_dies_with_a_server_killed_by_kill_9()
    {
        using var server = new ServerProcess(_data);
        await server.StartAsync();
        var client = server.Client();
        // Ten minutes of video: ffmpeg is still encoding when the server dies.
        var (job, _) = await client.SubmitAsync(Creatives.ColourSlide(durationMs: 600_000));
        await client.WaitForAsync(job, ["generating"]);
        var ffmpeg = await ChildrenAsync(server.Pid, "ffmpeg", TimeSpan.FromSeconds(20));
        Assert.NotEmpty(ffmpeg);

        server.KillParentOnly();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ffmpeg.Any(IsAlive) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var survivors = ffmpeg.Where(IsAlive).ToList();
        foreach (var pid in survivors)
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        Assert.True(survivors.Count == 0, $"ffmpeg {string.Join(", ", survivors)} outlived the server it was started by");
    }

    /// <summary>The ids of <paramref name="parent"/>'s children named <paramref name="name"/>, waiting until there is one.</summary>
    private static async Task<List<int>> ChildrenAsync(int parent, string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = new List<int>();
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Stat(pid) is not { } stat)
                    continue;
                if (stat.Parent == parent && stat.Name == name)
                    found.Add(pid);
            }
            if (found.Count > 0 || DateTime.UtcNow > deadline)
                return found;
            await Task.Delay(100);
        }
    }

    private static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' };

    // /proc/PID/stat: "pid (name) state ppid ..."; the name may hold spaces, so it is cut at the last ')'.
    private static (string Name, char State, int Parent)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var rest = text[(close + 2)..].Split(' ');
        return (text[(open + 1)..close], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
    }
}
