using System.Text.RegularExpressions;

namespace Reelgen.Server.Tests;

/// <summary>
/// The server's feature folders depend on each other one way only (CONTRIBUTING.md, "Layout"): the arrows drawn by
/// <c>using Reelgen.Server.X</c> (and names written out as <c>Reelgen.Server.X.</c>) between folders form no cycle.
/// </summary>
public sealed partial class FolderDependencyTests
{
    [Fact]
    public void The_server_folders_depend_on_each_other_in_one_direction()
    {
        var graph = Arrows();
        Assert.True(graph.Count > 5, "the server's folders were not found");
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"The folders use each other in a cycle: {string.Join(" -> ", cycle ?? [])}. Move what both need into a folder both may use, or the step that needs both into one that sees them.");
    }

    [Fact]
    public void A_cycle_is_found_when_there_is_one()
    {
        var graph = new Dictionary<string, HashSet<string>> { ["Jobs"] = ["Callbacks"], ["Callbacks"] = ["Data", "Jobs"], ["Data"] = [] };
        Assert.Equal(["Callbacks", "Jobs", "Callbacks"], FindCycle(graph));
        graph["Callbacks"].Remove("Jobs");
        Assert.Null(FindCycle(graph));
    }

    /// <summary>Each folder of src/Reelgen.Server and the folders its files use; files at the root (the composition root and the shared options) are not a folder.</summary>
    private static Dictionary<string, HashSet<string>> Arrows()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Reelgen.slnx")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Reelgen.slnx not found above the test's directory.");
        var server = Path.Combine(root, "src", "Reelgen.Server");
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var file in Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(server, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || relative[0] is "bin" or "obj")
                continue;
            var folder = relative[0];
            var uses = graph.TryGetValue(folder, out var set) ? set : graph[folder] = [];
            foreach (Match m in ServerNamespace().Matches(File.ReadAllText(file)))
            {
                if (m.Groups[1].Value != folder)
                    uses.Add(m.Groups[1].Value);
            }
        }
        return graph;
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        List<string>? Visit(string folder)
        {
            if (path.IndexOf(folder) is >= 0 and var at)
                return [.. path[at..], folder];
            if (!done.Add(folder))
                return null;
            path.Add(folder);
            foreach (var next in graph.GetValueOrDefault(folder, []).Order())
            {
                if (Visit(next) is { } cycle)
                    return cycle;
            }
            path.RemoveAt(path.Count - 1);
            return null;
        }
        foreach (var folder in graph.Keys.Order())
        {
            if (Visit(folder) is { } cycle)
                return cycle;
        }
        return null;
    }

    [GeneratedRegex(@"\bReelgen\.Server\.([A-Z]\w*)")]
    private static partial Regex ServerNamespace();
}
