using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Rendering;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Data;
using Reelgen.Server.Events;
using Reelgen.Server.Jobs;
using Reelgen.Server.Storage;
using Reelgen.Server.Videos;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Dashboard;

/// <summary>A job's state as the job list polls it.</summary>
public sealed record JobProgressView(string Id, string Status, long Progress, long MaximumProgress);

/// <summary>
/// The operators' dashboard at <c>/dashboard</c>: server-rendered pages over the API's own handlers (submitting,
/// listing callbacks, redelivering, the live-progress stream), signed in with a workspace token
/// (<see cref="DashboardAuth"/>). Pages are never cached and obey a policy that allows this server only; the one
/// script and style sheet are files of their own, so the policy needs no inline exceptions.
/// </summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            SetPageHeaders(context.HttpContext);
            return await next(context);
        });
        dashboard.MapGet("/assets/{name}", DashboardAssets.Get);
        dashboard.MapGet("/sign-in", GetSignIn);
        dashboard.MapPost("/sign-in", PostSignInAsync);

        var signedIn = dashboard.MapGroup("").RequireDashboardSession();
        signedIn.MapGet("", ListJobsAsync);
        signedIn.MapPost("/sign-out", PostSignOutAsync);
        signedIn.MapGet("/new", GetNew);
        signedIn.MapPost("/new", PostNewAsync);
        signedIn.MapGet("/progress", ProgressAsync);
        signedIn.MapGet("/jobs/{jobId}", GetJobAsync);
        signedIn.MapPost("/jobs/{jobId}/redeliver", PostRedeliverAsync);
        // The API's stream, unchanged: the session has put the workspace where its handler looks.
        signedIn.MapGet("/jobs/{jobId}/events", JobEventsApi.StreamAsync);
        return app;
    }

    /// <summary>Where the dashboard is, as the browser reaches it (a proxy's path prefix included).</summary>
    public static string Base(HttpRequest request) => request.PathBase + "/dashboard";

    /// <summary>A script's request (the live-progress poll or stream) rather than a page's.</summary>
    public static bool WantsData(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
    }

    private static void SetPageHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(http.RequestServices.GetRequiredService<IOptions<ReelgenOptions>>().Value);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        // Pages show a workspace's jobs and carry form tokens: never kept by a browser or a proxy.
        headers.CacheControl = "no-cache, no-store";
    }

    /// <summary>
    /// This server only: the script, the style sheet, the live stream, the players and posters. With presigned S3
    /// URLs the file routes redirect to the bucket, so its host is allowed for media and images too.
    /// </summary>
    public static string ContentSecurityPolicy(ReelgenOptions o)
    {
        var files = "'self'";
        if (o.Storage.Provider == "s3" && o.Storage.S3.PresignedUrls && Uri.TryCreate(o.Storage.S3.ServiceUrl, UriKind.Absolute, out var s3))
            files += $" {s3.Scheme}://{s3.Authority} {s3.Scheme}://*.{s3.Authority}";
        return $"default-src 'none'; script-src 'self'; style-src 'self'; img-src {files}; media-src {files}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    private static string Csrf(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken!;

    private static DashboardPage Page(HttpContext http) =>
        new(Base(http.Request), http.Request.PathBase, Csrf(http), http.User.Identity?.Name);

    private static ContentHttpResult Html(string html, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>A form without its antiforgery token (or with another session's) is refused before anything is read.</summary>
    private static async Task<ContentHttpResult?> RefuseForgedAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (await antiforgery.IsRequestValidAsync(http))
            return null;
        return Html(DashboardHtml.Message(Page(http), "This form has expired", "The page was open too long, or it came from somewhere else. Go back, reload the page and try again."), StatusCodes.Status400BadRequest);
    }

    public static ContentHttpResult GetSignIn(HttpContext http) => Html(DashboardHtml.SignIn(Page(http), error: null));

    public static async Task<Results<ContentHttpResult, RedirectHttpResult>> PostSignInAsync(HttpContext http, IAntiforgery antiforgery, WorkspaceStore workspaces)
    {
        if (await RefuseForgedAsync(http, antiforgery) is { } refused)
            return refused;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!await DashboardAuth.SignInAsync(http, workspaces, form["token"].ToString().Trim()))
            return Html(DashboardHtml.SignIn(Page(http), "That token is not valid. It may have been revoked; make a new one with reelgen tokens create."), StatusCodes.Status401Unauthorized);
        return TypedResults.Redirect(Base(http.Request));
    }

    public static async Task<Results<ContentHttpResult, RedirectHttpResult>> PostSignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (await RefuseForgedAsync(http, antiforgery) is { } refused)
            return refused;
        await DashboardAuth.SignOutAsync(http);
        return TypedResults.Redirect(Base(http.Request) + "/sign-in");
    }

    /// <summary>The workspace's jobs, newest first, a page at a time (<c>cursor</c>), optionally of one <c>status</c>.</summary>
    public static async Task<ContentHttpResult> ListJobsAsync(HttpContext http, JobStore jobs, VideoStore videos)
    {
        var ct = http.RequestAborted;
        var workspace = http.Workspace().Id;
        var errors = new Dictionary<string, string[]>();
        var page = PageRequest.Read(http.Request.Query, errors);
        var status = http.Request.Query["status"].ToString() is { Length: > 0 } s && JobStatus.All.Contains(s) ? s : null;
        // A stale link (a cursor from another list) shows the first page rather than an error.
        var found = await jobs.ListAsync(workspace, errors.Count > 0 ? new PageRequest(PageRequest.DefaultLimit, null, null) : page, status, ct);
        var items = new List<(JobRow, VideoRow?)>(found.Items.Count);
        foreach (var job in found.Items)
            items.Add((job, job.Status == JobStatus.Finished ? await videos.FindAsync(workspace, job.VideoId, ct) : null));
        return Html(DashboardHtml.Jobs(Page(http), items, found.NextCursor, status, first: page.AfterId is null));
    }

    /// <summary>The states of the jobs a list shows that are still moving (<c>?id=</c>, up to a page of them).</summary>
    public static async Task<Ok<List<JobProgressView>>> ProgressAsync(HttpContext http, JobStore jobs)
    {
        var states = new List<JobProgressView>();
        foreach (var id in http.Request.Query["id"].Take(PageRequest.MaxLimit))
        {
            if (id is not null && await jobs.FindStateAsync(http.Workspace().Id, id, http.RequestAborted) is { } state)
                states.Add(new JobProgressView(id, state.Status, state.Progress, JobStatus.MaximumProgress));
        }
        return TypedResults.Ok(states);
    }

    public static ContentHttpResult GetNew(HttpContext http) => Html(DashboardHtml.New(Page(http), DashboardHtml.SampleJob, errors: null));

    /// <summary>Queues the job in the text area through the API's own path, so it is checked exactly as a POST to the API is.</summary>
    public static async Task<Results<ContentHttpResult, RedirectHttpResult>> PostNewAsync(
        HttpContext http, IAntiforgery antiforgery, JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds)
    {
        if (await RefuseForgedAsync(http, antiforgery) is { } refused)
            return refused;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var text = form["job"].ToString();
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(text));
        switch ((await JobsApi.SubmitAsync(body, http, jobs, signal, options.Value, voices, presenters, hostedIds, idempotencyKey: null)).Result)
        {
            case Ok<CreatedJob> created:
                return TypedResults.Redirect($"{Base(http.Request)}/jobs/{Uri.EscapeDataString(created.Value!.Id)}");
            case ValidationProblem invalid:
                return Html(DashboardHtml.New(Page(http), text, invalid.ProblemDetails.Errors), StatusCodes.Status400BadRequest);
            default:
                throw new InvalidOperationException("a job without an idempotency key is either queued or refused as invalid");
        }
    }

    public static Task<ContentHttpResult> GetJobAsync(
        string jobId, HttpContext http, JobStore jobs, VideoStore videos, VideoStorage storage, CallbackStore callbacks, IOptions<ReelgenOptions> options) =>
        JobPageAsync(jobId, http, jobs, videos, storage, callbacks, options.Value,
            http.Request.Query.ContainsKey("redelivered") ? new Notice(false, "The callback is queued to be sent again, with the same webhook-id.") : null);

    /// <summary>Redelivers through the API's handler; its refusal (no callback, a deleted job) is shown on the job's page.</summary>
    public static async Task<Results<ContentHttpResult, RedirectHttpResult>> PostRedeliverAsync(
        string jobId, HttpContext http, IAntiforgery antiforgery, JobStore jobs, VideoStore videos, VideoStorage storage, CallbackStore callbacks, JobLifecycle lifecycle, WorkSignal signal, IOptions<ReelgenOptions> options)
    {
        if (await RefuseForgedAsync(http, antiforgery) is { } refused)
            return refused;
        var outcome = (await CallbacksApi.RedeliverAsync(jobId, http, lifecycle, signal)).Result;
        if (outcome is Conflict<ProblemDetails> conflict)
            return await JobPageAsync(jobId, http, jobs, videos, storage, callbacks, options.Value, new Notice(true, conflict.Value!.Detail!), StatusCodes.Status409Conflict);
        if (outcome is NotFound<ProblemDetails>)
            return NotFound(http);
        return TypedResults.Redirect($"{Base(http.Request)}/jobs/{Uri.EscapeDataString(jobId)}?redelivered=1");
    }

    private static async Task<ContentHttpResult> JobPageAsync(
        string jobId, HttpContext http, JobStore jobs, VideoStore videos, VideoStorage storage, CallbackStore callbacks, ReelgenOptions options, Notice? notice, int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        var workspace = http.Workspace().Id;
        var job = await jobs.FindAsync(workspace, jobId, ct);
        if (job is null)
            return NotFound(http);
        var video = job.Status == JobStatus.Finished ? await videos.FindAsync(workspace, job.VideoId, ct) : null;
        var hasPoster = video is not null && await storage.ExistsAsync(video.FileKey, ".jpg", ct);
        var deliveries = (await CallbacksApi.ListAsync(jobId, http, jobs, callbacks)).Result is Ok<JobCallbacksView> ok ? ok.Value!.Deliveries : [];
        var shareUrl = video is null ? null : options.PublicUrl($"/share/{Uri.EscapeDataString(video.ShareId)}");
        return Html(DashboardHtml.Job(Page(http), new JobPage(job, video, hasPoster, shareUrl, deliveries, notice)), status);
    }

    private static ContentHttpResult NotFound(HttpContext http) =>
        Html(DashboardHtml.Message(Page(http), "No such job", "This workspace has no job with that id. It may belong to another workspace."), StatusCodes.Status404NotFound);

    /// <summary>The name a job's creative gives its video.</summary>
    public static string JobName(JobRow job)
    {
        try
        {
            return JsonNode.Parse(job.Request)?["videoCreative"]?["settings"]?["name"]?.GetValue<string>() is { Length: > 0 } name ? name : "Untitled video";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return "Untitled video";
        }
    }
}

/// <summary>What every page needs: where the dashboard is, the form token, the signed-in workspace (null on the sign-in page).</summary>
public sealed record DashboardPage(string Base, string Root, string Csrf, string? Workspace);

/// <summary>A line above a job's details: the outcome of the last action.</summary>
public sealed record Notice(bool IsError, string Text);

/// <summary>What a job's page shows.</summary>
public sealed record JobPage(JobRow Job, VideoRow? Video, bool HasPoster, string? ShareUrl, IReadOnlyList<CallbackDeliveryView> Deliveries, Notice? Notice);
