using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reelgen.Creative;

namespace Reelgen.Client;

/// <summary>
/// The Reelgen API over one <see cref="HttpClient"/>: submit jobs, wait for them, read, download and delete videos,
/// list actors and voices. Thread-safe; make one and share it, or let <c>IHttpClientFactory</c> make them
/// (<see cref="ReelgenServiceCollectionExtensions.AddReelgenClient"/>). Every error answer throws
/// <see cref="ReelgenApiException"/>; network failures throw <see cref="HttpRequestException"/>.
/// </summary>
public sealed class ReelgenClient : IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ReelgenClientOptions _options;

    /// <summary>A client for the server at <paramref name="httpClient"/>'s <see cref="HttpClient.BaseAddress"/>,
    /// with no token of its own (set one in <see cref="HttpClient.DefaultRequestHeaders"/>, or use another constructor).</summary>
    /// <param name="httpClient">The client to send requests with; its base address is the server's root.</param>
    public ReelgenClient(HttpClient httpClient)
        : this(httpClient, new ReelgenClientOptions())
    {
    }

    /// <summary>A client over <paramref name="httpClient"/> with the given server, token and auth style.</summary>
    /// <param name="httpClient">The client to send requests with; not disposed by this client.</param>
    /// <param name="options">Where the server is and how to authenticate; copied.</param>
    public ReelgenClient(HttpClient httpClient, ReelgenClientOptions options)
        : this(httpClient, options, ownsHttpClient: false)
    {
    }

    /// <summary>A client with its own <see cref="HttpClient"/>, disposed with it.</summary>
    /// <param name="options">Where the server is and how to authenticate; copied.</param>
    public ReelgenClient(ReelgenClientOptions options)
        : this(new HttpClient { Timeout = TimeSpan.FromMinutes(10) }, options, ownsHttpClient: true)
    {
    }

    private ReelgenClient(HttpClient httpClient, ReelgenClientOptions options, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClient;
        _ownsHttp = ownsHttpClient;
        _options = options.Clone();
        var root = options.BaseUrl ?? httpClient.BaseAddress
            ?? throw new ArgumentException("Set ReelgenClientOptions.BaseUrl (or the HttpClient's BaseAddress) to the server's root, for example http://localhost:5080.", nameof(options));
        var rootText = root.AbsoluteUri.TrimEnd('/') + "/";
        var apiPath = (options.ApiPath ?? "").Trim('/');
        ApiBaseUrl = new Uri(apiPath.Length == 0 ? rootText : $"{rootText}{apiPath}/");
    }

    /// <summary>The URL every API path is relative to, for example <c>http://localhost:5080/api/v1/</c>.</summary>
    public Uri ApiBaseUrl { get; }

    /// <summary>Submits a job built in C#.</summary>
    /// <param name="request">The creative, its dynamic variables and an optional callback.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The job id and the id its video will have.</returns>
    public Task<CreatedJob> CreateJobAsync(VideoGenerationJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<CreatedJob>(HttpMethod.Post, "video-generation-jobs", JsonContent.Create(request, options: CreativeJson.Options), cancellationToken);
    }

    /// <summary>Submits a job given as JSON, sent exactly as it is (for example a payload exported from another tool).</summary>
    /// <param name="request">The job request: <c>videoCreative</c>, <c>dynamicVariables</c>, <c>callback</c>, <c>callbackPayload</c>.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The job id and the id its video will have.</returns>
    public Task<CreatedJob> CreateJobAsync(JsonObject request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<CreatedJob>(HttpMethod.Post, "video-generation-jobs", JsonContent.Create(request, options: CreativeJson.Options), cancellationToken);
    }

    /// <summary>Submits a job from a saved template with new values for its variables.</summary>
    /// <param name="request">The template job id, the variables and an optional callback.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The job id and the id its video will have.</returns>
    public Task<CreatedJob> CreateTemplateJobAsync(TemplateJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<CreatedJob>(HttpMethod.Post, "video-generation-jobs/template-jobs", JsonContent.Create(request, options: CreativeJson.Options), cancellationToken);
    }

    /// <summary>Reads a job's status and progress.</summary>
    /// <param name="jobId">The job id from <see cref="CreateJobAsync(VideoGenerationJobRequest, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    public async Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var json = await SendAsync<JsonObject>(HttpMethod.Get, $"video-generation-jobs/{Uri.EscapeDataString(jobId)}", null, cancellationToken);
        return ReadJob(json);
    }

    /// <summary>
    /// Waits until a job is <c>finished</c>, <c>failed</c> or <c>deleted</c>, and returns it in that state (check
    /// <see cref="Job.IsFinished"/>). It follows the job's live event stream when the server has one
    /// (<see cref="WaitOptions.UseEvents"/>), and otherwise, or when the stream breaks, polls: polls back off from
    /// <see cref="WaitOptions.InitialPollInterval"/> to <see cref="WaitOptions.MaxPollInterval"/> with jitter; a few
    /// connection errors or 5xx answers in a row are retried, so a server restart does not end the wait.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="progress">Told the status and progress each time either changes.</param>
    /// <param name="options">Timeout and polling intervals; defaults when null.</param>
    /// <param name="cancellationToken">Stops waiting (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ReelgenWaitTimeoutException">The job did not end within <see cref="WaitOptions.Timeout"/>.</exception>
    public async Task<Job> WaitForJobAsync(string jobId, IProgress<JobProgress>? progress = null, WaitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        options ??= new WaitOptions();
        var time = _options.TimeProvider;
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var delay = options.InitialPollInterval;
        Job? last = null;
        JobProgress? reported = null;
        void Report(Job job)
        {
            last = job;
            var now = new JobProgress(job.Id, job.Status, job.Progress, job.MaximumProgress);
            if (now != reported)
            {
                progress?.Report(now);
                reported = now;
            }
        }
        try
        {
            if (options.UseEvents && await FollowEventsAsync(jobId, Report, linked.Token) is { } ended)
                return ended;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ReelgenWaitTimeoutException(jobId, options.Timeout, last);
        }
        var errors = 0;
        while (true)
        {
            try
            {
                try
                {
                    var job = await GetJobAsync(jobId, linked.Token);
                    errors = 0;
                    Report(job);
                    if (job.IsFinal)
                        return job;
                }
                catch (Exception ex) when (IsTransient(ex, linked.Token) && ++errors <= options.MaxConsecutiveErrors)
                {
                    // Keep waiting through a restart or a brief outage; the job itself is durable on the server.
                }
                await Task.Delay(Jittered(delay, options.Jitter), time, linked.Token);
                delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * Math.Max(1, options.BackoffFactor)), options.MaxPollInterval.Ticks));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ReelgenWaitTimeoutException(jobId, options.Timeout, last);
            }
        }
    }

    /// <summary>
    /// Follows the job's event stream to its <c>done</c> event and returns the job in its final state; null when the
    /// server has no stream or it ended early, so the caller polls instead.
    /// </summary>
    private async Task<Job?> FollowEventsAsync(string jobId, Action<Job> report, CancellationToken ct)
    {
        try
        {
            using var request = Request(HttpMethod.Get, $"video-generation-jobs/{Uri.EscapeDataString(jobId)}/events");
            request.Headers.Accept.Clear();
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                return null;
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
            {
                if (item.EventType is not ("progress" or "done") || JsonNode.Parse(item.Data) is not JsonObject data)
                    continue;
                report(ReadJob(data));
                // The whole job as GET returns it (Raw holds what was submitted too), exactly as polling ends.
                if (item.EventType == "done")
                    return await GetJobAsync(jobId, ct);
            }
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException
            || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // A proxy that cut the stream, or a server that does not speak it: polling carries on from here.
            return null;
        }
    }

    /// <summary>Cancels a job: it becomes <c>deleted</c>, a running render stops and no callback is sent.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    public Task CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return SendAsync<JsonNode>(HttpMethod.Delete, $"video-generation-jobs/{Uri.EscapeDataString(jobId)}", null, cancellationToken);
    }

    /// <summary>Reads a generated video: its public URL, share page, thumbnail, size and duration.</summary>
    /// <param name="videoId">The <c>videoId</c> of the job.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    public Task<GeneratedVideo> GetVideoAsync(string videoId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(videoId);
        return SendAsync<GeneratedVideo>(HttpMethod.Get, $"generated-videos/{Uri.EscapeDataString(videoId)}", null, cancellationToken);
    }

    /// <summary>Deletes a generated video and its files; afterwards it answers 404.</summary>
    /// <param name="videoId">The video id.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    public Task DeleteVideoAsync(string videoId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(videoId);
        return SendAsync<JsonNode>(HttpMethod.Delete, $"generated-videos/{Uri.EscapeDataString(videoId)}", null, cancellationToken);
    }

    /// <summary>Lists the presenters that actor tracks can name.</summary>
    /// <param name="cancellationToken">Stops the request.</param>
    public async Task<IReadOnlyList<Actor>> GetActorsAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<List<Actor>>(HttpMethod.Get, "assets/actors", null, cancellationToken);

    /// <summary>Lists the voices that actor tracks can name as <c>speakerId</c>.</summary>
    /// <param name="cancellationToken">Stops the request.</param>
    public async Task<IReadOnlyList<Voice>> GetVoicesAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<List<Voice>>(HttpMethod.Get, "assets/voices", null, cancellationToken);

    /// <summary>Copies a finished video's MP4 into <paramref name="destination"/>.</summary>
    /// <param name="videoId">The video id.</param>
    /// <param name="destination">Where the bytes go; left open.</param>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>The video that was downloaded.</returns>
    /// <exception cref="InvalidOperationException">The video is not finished yet.</exception>
    public async Task<GeneratedVideo> DownloadVideoAsync(string videoId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var video = await GetVideoAsync(videoId, cancellationToken);
        if (video.PublicUrl is null)
            throw new InvalidOperationException($"Video {videoId} has no file yet: wait for its job ({video.JobId}) to finish.");
        // The file URL is public and may live on another host (a CDN): the token is not sent with it.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiBaseUrl, video.PublicUrl));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw await ReelgenApiException.FromResponseAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(destination, cancellationToken);
        return video;
    }

    /// <summary>Downloads a finished video's MP4 to a file. The file appears only when complete.</summary>
    /// <param name="videoId">The video id.</param>
    /// <param name="path">The file to write; replaced when it exists.</param>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>The video that was downloaded.</returns>
    /// <exception cref="InvalidOperationException">The video is not finished yet.</exception>
    public async Task<GeneratedVideo> DownloadVideoAsync(string videoId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var partial = full + ".part";
        try
        {
            GeneratedVideo video;
            await using (var file = File.Create(partial))
                video = await DownloadVideoAsync(videoId, file, cancellationToken);
            File.Move(partial, full, overwrite: true);
            return video;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
            _http.Dispose();
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = Request(method, path);
        request.Content = content;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw await ReelgenApiException.FromResponseAsync(response, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (typeof(T) == typeof(JsonNode) && text.Length == 0)
            return default!;
        try
        {
            return JsonSerializer.Deserialize<T>(text, CreativeJson.Options)
                ?? throw new ReelgenApiException(response.StatusCode, "Unexpected answer", $"{method} {path} answered null.", null, text);
        }
        catch (JsonException ex)
        {
            throw new ReelgenApiException($"{method} {path} answered {(int)response.StatusCode} with a body that is not the expected JSON: {ex.Message}", ex);
        }
    }

    /// <summary>A request to the API with the token in the configured header style.</summary>
    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(ApiBaseUrl, path));
        request.Headers.Accept.Add(Json);
        if (_options.Token is { Length: > 0 } token)
        {
            if (_options.AuthStyle == AuthStyle.Bearer)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            else
                request.Headers.TryAddWithoutValidation("authorizationtoken", token);
        }
        return request;
    }

    /// <summary>The job's state fields, read leniently so another server's extra or differently typed fields do not break polling.</summary>
    internal static Job ReadJob(JsonObject json) => new()
    {
        Id = Text(json["id"]) ?? "",
        VideoId = Text(json["videoId"]),
        Status = Text(json["status"]) ?? "",
        Progress = Number(json["progress"]),
        MaximumProgress = Number(json["maximumProgress"]),
        CreatedAt = Date(json["createdAt"]),
        UpdatedAt = Date(json["updatedAt"]),
        Error = Text(json["error"]),
        Raw = json,
    };

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node is JsonValue ? node.ToJsonString() : null;

    private static double Number(JsonNode? node) =>
        node is JsonValue v && (v.TryGetValue<double>(out var d) || (v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))) ? d : 0;

    private static DateTimeOffset? Date(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    private static bool IsTransient(Exception ex, CancellationToken waiting) => ex switch
    {
        ReelgenApiException api => (int)api.StatusCode >= 500 || api.StatusCode == HttpStatusCode.TooManyRequests,
        HttpRequestException => true,
        // HttpClient's own timeout, not ours.
        TaskCanceledException => !waiting.IsCancellationRequested,
        _ => false,
    };

    private static TimeSpan Jittered(TimeSpan delay, double jitter)
    {
        var factor = 1 + (((Random.Shared.NextDouble() * 2) - 1) * Math.Clamp(jitter, 0, 1));
        return TimeSpan.FromTicks((long)(delay.Ticks * factor));
    }
}
