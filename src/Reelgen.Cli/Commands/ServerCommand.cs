using System.ComponentModel;
using System.Net;
using Reelgen.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Reelgen.Cli.Commands;

/// <summary>Options of every verb that talks to a Reelgen server.</summary>
public class ServerSettings : CommandSettings
{
    /// <summary>The server's root URL; default <c>REELGEN_URL</c>, else <c>http://localhost:5080</c>.</summary>
    [CommandOption("--url <URL>")]
    [Description("The server's root URL. Default: $REELGEN_URL, else http://localhost:5080.")]
    public string? Url { get; set; }

    /// <summary>The API token; default <c>REELGEN_TOKEN</c>.</summary>
    [CommandOption("--token <TOKEN>")]
    [Description("The API token (./run.sh tokens create). Default: $REELGEN_TOKEN.")]
    public string? Token { get; set; }

    internal ReelgenClientOptions ClientOptions()
    {
        var url = Url ?? (Environment.GetEnvironmentVariable("REELGEN_URL") is { Length: > 0 } env ? env : "http://localhost:5080");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            throw new CliInputException($"The server URL must be an absolute http(s) URL; got '{url}'.");
        var token = Token ?? Environment.GetEnvironmentVariable("REELGEN_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
            throw new CliInputException("No API token: set REELGEN_TOKEN or pass --token (create one with ./run.sh tokens create --workspace NAME).");
        return new ReelgenClientOptions { BaseUrl = baseUrl, Token = token.Trim() };
    }
}

/// <summary>A verb that talks to a Reelgen server: turns the SDK's failures into messages and exit codes.</summary>
/// <typeparam name="TSettings">The verb's options.</typeparam>
public abstract class ServerCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings>
    where TSettings : ServerSettings
{
    /// <summary>Where the verb writes.</summary>
    protected IAnsiConsole Console { get; } = console;

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ReelgenClientOptions options;
        try
        {
            options = settings.ClientOptions();
        }
        catch (CliInputException ex)
        {
            Console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return ExitCodes.BadInput;
        }
        using var client = new ReelgenClient(CliHttp.Create(), options);
        try
        {
            return await RunAsync(client, settings, cancellationToken);
        }
        catch (CliInputException ex)
        {
            Console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return ExitCodes.BadInput;
        }
        catch (ReelgenApiException ex)
        {
            var title = $"The server answered {(int)ex.StatusCode} {ex.Title}" + (ex.Detail is { } d && ex.Errors.Count == 0 ? $": {d}" : ".");
            Console.Errors(title, ex.Errors);
            if (ex.StatusCode == HttpStatusCode.Unauthorized)
                Console.MarkupLine("[grey]Check REELGEN_TOKEN (or --token): it must be a token of this server's workspace.[/]");
            return (int)ex.StatusCode is >= 400 and < 500 ? ExitCodes.BadInput : ExitCodes.ServerError;
        }
        catch (ReelgenWaitTimeoutException ex)
        {
            Console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return ExitCodes.Timeout;
        }
        catch (HttpRequestException ex)
        {
            Console.MarkupLine($"[red]Could not reach the server at {Markup.Escape(client.ApiBaseUrl.ToString())}:[/] {Markup.Escape(ex.Message)}");
            Console.MarkupLine("[grey]Is it running (./run.sh)? Set REELGEN_URL or --url to its address.[/]");
            return ExitCodes.ServerError;
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Console.MarkupLine($"[red]The server did not answer in time:[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.ServerError;
        }
    }

    /// <summary>The verb's work.</summary>
    /// <param name="client">A client for the configured server.</param>
    /// <param name="settings">The verb's options.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    protected abstract Task<int> RunAsync(ReelgenClient client, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Waits for a job with a progress bar (or plain lines), then prints the public URL as the last line.</summary>
    /// <param name="client">The client.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="timeout">The overall timeout.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    protected async Task<int> WaitAndPrintAsync(ReelgenClient client, string jobId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = new WaitOptions { Timeout = timeout };
        Job job;
        if (Console.IsInteractive())
        {
            job = await Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("in_queue", maxValue: 100);
                    var progress = new InlineProgress<JobProgress>(p =>
                    {
                        task.Description = p.Status;
                        task.MaxValue = p.MaximumProgress > 0 ? p.MaximumProgress : 100;
                        task.Value = p.Progress;
                    });
                    return await client.WaitForJobAsync(jobId, progress, options, cancellationToken);
                });
        }
        else
        {
            job = await client.WaitForJobAsync(jobId, Console.PlainJobProgress(), options, cancellationToken);
        }

        if (!job.IsFinished)
        {
            Console.MarkupLine($"[red]Job {Markup.Escape(jobId)} {Markup.Escape(job.Status)}[/]{(job.Error is { } e ? ": " + Markup.Escape(e) : "")}");
            return ExitCodes.JobFailed;
        }
        var video = await client.GetVideoAsync(job.VideoId ?? "", cancellationToken);
        Console.MarkupLine($"[green]Finished[/] [grey]video {Markup.Escape(video.Id)}, {video.VideoDurationSeconds:0.#} s; share page:[/] {Markup.Escape(video.ShareUrl ?? "-")}");
        Console.Result(video.PublicUrl ?? "");
        return ExitCodes.Ok;
    }
}
