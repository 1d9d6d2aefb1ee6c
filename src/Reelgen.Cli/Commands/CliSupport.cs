using System.Text.Json;
using System.Text.Json.Nodes;
using Reelgen.Client;
using Reelgen.Creative;
using Spectre.Console;

namespace Reelgen.Cli.Commands;

/// <summary>Bad input found by the CLI itself (a missing file, JSON that does not parse): exit code 2.</summary>
internal sealed class CliInputException(string message) : Exception(message);

/// <summary>How the CLI makes its HTTP clients. Tests point it at an in-process server.</summary>
internal static class CliHttp
{
    /// <summary>When set, every client sends through a handler from here instead of the network.</summary>
    public static Func<HttpMessageHandler>? HandlerFactory { get; set; }

    public static HttpClient Create() => HandlerFactory is { } factory
        ? new HttpClient(factory(), disposeHandler: true) { Timeout = TimeSpan.FromMinutes(10) }
        : new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
}

/// <summary>A creative file: a bare <c>videoCreative</c> or a whole job request <c>{ videoCreative, dynamicVariables, ... }</c>.</summary>
internal sealed class CreativeFile
{
    private CreativeFile(JsonObject request, bool bare)
    {
        Request = request;
        IsBareCreative = bare;
    }

    /// <summary>The job request (a bare creative is wrapped as <c>{ videoCreative }</c>).</summary>
    public JsonObject Request { get; }

    /// <summary>True when the file held only the creative; error paths then leave out <c>videoCreative.</c>.</summary>
    public bool IsBareCreative { get; }

    public static CreativeFile Load(string path, IEnumerable<string>? variables)
    {
        if (!File.Exists(path))
            throw new CliInputException($"No such file: {path}");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path), documentOptions: CreativeJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"{path} is not valid JSON: {ex.Message}");
        }
        if (node is not JsonObject obj)
            throw new CliInputException($"{path} must hold a JSON object: a videoCreative, or a job request with a videoCreative.");
        CreativeFile file;
        if (obj.ContainsKey("videoCreative"))
            file = new CreativeFile(obj, bare: false);
        else if (obj.ContainsKey("scenes") || obj.ContainsKey("settings"))
            file = new CreativeFile(new JsonObject { ["videoCreative"] = obj }, bare: true);
        else
            throw new CliInputException($"{path} has neither 'videoCreative' (a job request) nor 'scenes' (a bare creative).");
        foreach (var assignment in variables ?? [])
        {
            var cut = assignment.IndexOf('=', StringComparison.Ordinal);
            if (cut <= 0)
                throw new CliInputException($"--var takes NAME=VALUE; got '{assignment}'.");
            var values = file.Request["dynamicVariables"] as JsonObject ?? [];
            values[assignment[..cut]] = assignment[(cut + 1)..];
            file.Request["dynamicVariables"] = values;
        }
        return file;
    }

    /// <summary>The request as the shared model; a field of the wrong type is bad input, named by its path.</summary>
    public VideoGenerationJobRequest Typed()
    {
        try
        {
            return Request.Deserialize<VideoGenerationJobRequest>(CreativeJson.Options)!;
        }
        catch (JsonException ex)
        {
            var (path, message) = CreativeJson.TypeError(ex);
            throw new CliInputException($"{(path is null ? "(file)" : Shorten(path))}: has the wrong type ({message})");
        }
    }

    /// <summary>An error path as the user wrote the file.</summary>
    public string Shorten(string path) =>
        IsBareCreative && path.StartsWith("videoCreative.", StringComparison.Ordinal) ? path["videoCreative.".Length..] : path;
}

/// <summary>Output shared by the verbs.</summary>
internal static class Output
{
    /// <summary>A line for scripts (an id, a URL, a path), written as is: never wrapped or styled.</summary>
    public static void Result(this IAnsiConsole console, string line) => console.Profile.Out.Writer.WriteLine(line);

    /// <summary>True when a person watches: show live progress bars; otherwise plain lines.</summary>
    public static bool IsInteractive(this IAnsiConsole console) => console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    public static void Errors(this IAnsiConsole console, string title, IReadOnlyDictionary<string, string[]> errors, Func<string, string>? shorten = null)
    {
        console.MarkupLine($"[red]{Markup.Escape(title)}[/]");
        foreach (var (path, messages) in errors)
        {
            foreach (var message in messages)
                console.MarkupLine($"  [yellow]{Markup.Escape(shorten?.Invoke(path) ?? path)}[/]: {Markup.Escape(message)}");
        }
    }

    /// <summary>Writes a progress line when the status changes or progress crosses another tenth; for non-interactive output.</summary>
    public static IProgress<JobProgress> PlainJobProgress(this IAnsiConsole console)
    {
        string? status = null;
        var tenth = -1;
        return new InlineProgress<JobProgress>(p =>
        {
            var now = (int)(p.Fraction * 10);
            if (p.Status == status && now == tenth)
                return;
            (status, tenth) = (p.Status, now);
            console.WriteLine(FormattableString.Invariant($"{p.Status} {p.Fraction * 100:0}%"));
        });
    }
}

/// <summary>Reports synchronously, as the work goes (Progress&lt;T&gt; posts to the thread pool and may report out of order).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
