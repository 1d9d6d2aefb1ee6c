using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reelgen.Server.Http;
using Reelgen.Server.Jobs;
using Reelgen.Server.Shares;
using Reelgen.Server.Videos;

namespace Reelgen.Server.Dashboard;

/// <summary>
/// The dashboard's pages. Everything from a job (names, errors, warnings, URLs, the creative) goes through
/// <see cref="SharePageHtml.Encode"/>; the pages work without their script, which only keeps progress live.
/// </summary>
public static class DashboardHtml
{
    /// <summary>What the status strings read as on a page (the script gets the same table).</summary>
    public static readonly IReadOnlyDictionary<string, string> StatusLabels = new Dictionary<string, string>
    {
        [JobStatus.InQueue] = "Queued",
        [JobStatus.Preprocessing] = "Preparing",
        [JobStatus.PreprocessingFinished] = "Prepared",
        [JobStatus.Generating] = "Rendering",
        [JobStatus.Finished] = "Finished",
        [JobStatus.Failed] = "Failed",
        [JobStatus.Deleted] = "Deleted",
    };

    /// <summary>The creative the submit form starts with: small enough to render in a moment.</summary>
    public const string SampleJob = """
        {
          "videoCreative": {
            "settings": {
              "name": "Dashboard sample",
              "videoSize": { "width": 640, "height": 360 },
              "backgroundColor": "#1B2A41"
            },
            "scenes": [
              {
                "duration": 2000,
                "tracks": [
                  {
                    "type": "text",
                    "text": "Hello from Reelgen",
                    "position": { "x": 40, "y": 140 },
                    "size": { "width": 560, "height": 80 },
                    "style": { "fontSize": 48, "fontWeight": "bold", "align": "center", "color": "#FFFFFF" }
                  }
                ]
              }
            ]
          }
        }
        """;

    private static string E(string value) => SharePageHtml.Encode(value);

    private static string Layout(DashboardPage page, string title, string main, string bodyClass = "")
    {
        var labels = E(JsonSerializer.Serialize(StatusLabels));
        var html = new StringBuilder(4000);
        html.Append($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <meta name="referrer" content="same-origin">
            <title>{E(title)} · Reelgen</title>
            <link rel="icon" href="{DashboardAssets.Url(page.Base, "favicon.svg")}" type="image/svg+xml">
            <link rel="stylesheet" href="{DashboardAssets.Url(page.Base, "dashboard.css")}">
            <script src="{DashboardAssets.Url(page.Base, "dashboard.js")}" defer></script>
            </head>
            <body class="{bodyClass}" data-base="{E(page.Base)}" data-labels="{labels}">

            """);
        if (page.Workspace is { } workspace)
        {
            html.Append($"""
                <header class="top">
                <a class="brand" href="{E(page.Base)}">{Logo}<span>Reelgen</span></a>
                <span class="workspace" title="Workspace">{E(workspace)}</span>
                <form class="sign-out" method="post" action="{E(page.Base)}/sign-out">{CsrfField(page)}<button type="submit" class="link">Sign out</button></form>
                </header>

                """);
        }
        html.Append("<main>\n").Append(main).Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string CsrfField(DashboardPage page) => $"""<input type="hidden" name="csrf" value="{E(page.Csrf)}">""";

    private const string Logo = """<svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#5b8cff"/><path d="M12.5 9.5v13l10-6.5z" fill="#fff"/></svg>""";

    public static string SignIn(DashboardPage page, string? error) => Layout(page, "Sign in", $"""
        <div class="sign-in">
        <div class="card">
        <div class="brand big">{Logo}<span>Reelgen</span></div>
        <h1>Sign in to the dashboard</h1>
        <p class="muted">Use an API token of your workspace. Make one with <code>reelgen tokens create --workspace NAME</code>.</p>
        {(error is null ? "" : $"""<p class="alert error" role="alert">{E(error)}</p>""")}
        <form method="post" action="{E(page.Base)}/sign-in">
        {CsrfField(page)}
        <label for="token">Workspace token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus placeholder="rg_…">
        <button type="submit" class="primary wide">Sign in</button>
        </form>
        </div>
        </div>

        """, "centered");

    public static string Message(DashboardPage page, string title, string text) => Layout(page, title, $"""
        <div class="card message">
        <h1>{E(title)}</h1>
        <p class="muted">{E(text)}</p>
        <p><a class="button" href="{E(page.Base)}">Back to the jobs</a></p>
        </div>

        """);

    public static string Jobs(DashboardPage page, IReadOnlyList<(JobRow Job, VideoRow? Video)> items, string? nextCursor, string? status, bool first)
    {
        var html = new StringBuilder(8000);
        html.Append($"""
            <div class="page-head">
            <h1>Jobs</h1>
            <a class="button primary" href="{E(page.Base)}/new">{PlusIcon}New video</a>
            </div>
            <nav class="filters" aria-label="Filter by status">

            """);
        foreach (var (value, label) in new (string? Value, string Label)[] { (null, "All"), (JobStatus.InQueue, "Queued"), (JobStatus.Generating, "Rendering"), (JobStatus.Finished, "Finished"), (JobStatus.Failed, "Failed"), (JobStatus.Deleted, "Deleted") })
        {
            var href = value is null ? page.Base : $"{page.Base}?status={value}";
            html.Append($"""<a href="{E(href)}"{(value == status ? " aria-current=\"page\"" : "")}>{label}</a>""").Append('\n');
        }
        html.Append("</nav>\n");
        if (items.Count == 0)
        {
            html.Append($"""
                <div class="card empty">
                <h2>{(status is null ? "No jobs yet" : $"No {E(StatusLabels[status].ToLowerInvariant())} jobs")}</h2>
                <p class="muted">Jobs submitted to the API with this workspace's tokens show here, newest first.</p>
                <p><a class="button primary" href="{E(page.Base)}/new">Submit a sample video</a></p>
                </div>

                """);
        }
        else
        {
            html.Append("<ul class=\"jobs\">\n");
            foreach (var (job, video) in items)
                html.Append(JobItem(page, job, video));
            html.Append("</ul>\n");
        }
        if (nextCursor is not null || !first)
        {
            var filter = status is null ? "" : $"status={status}&";
            html.Append("<nav class=\"pager\" aria-label=\"Pages\">\n");
            html.Append(first ? "<span></span>\n" : $"""<a class="button" href="{E(page.Base + (status is null ? "" : "?status=" + status))}">Newest</a>""" + "\n");
            if (nextCursor is not null)
                html.Append($"""<a class="button" rel="next" href="{E($"{page.Base}?{filter}cursor={Uri.EscapeDataString(nextCursor)}")}">Older jobs</a>""").Append('\n');
            html.Append("</nav>\n");
        }
        return Layout(page, "Jobs", html.ToString());
    }

    private static string JobItem(DashboardPage page, JobRow job, VideoRow? video)
    {
        var href = E($"{page.Base}/jobs/{Uri.EscapeDataString(job.Id)}");
        var live = JobStatus.IsFinal(job.Status) ? "" : " data-live";
        var thumb = video is null
            ? $"""<a class="thumb none" href="{href}" tabindex="-1" aria-hidden="true">{FilmIcon}</a>"""
            : $"""<a class="thumb" href="{href}" tabindex="-1" aria-hidden="true"><img src="{E(FileUrl(page, video, ".jpg"))}" alt="" loading="lazy"></a>""";
        var html = new StringBuilder(1500);
        html.Append($"""
            <li class="job" data-job="{E(job.Id)}" data-status="{E(job.Status)}"{live}>
            {thumb}
            <div class="job-body">
            <div class="job-head"><a class="job-name" href="{href}">{E(DashboardApi.JobName(job))}</a>{Badge(job.Status)}</div>
            {Progress(job)}
            <ul class="meta">
            <li>Submitted {Time(job.CreatedAt)}</li>

            """);
        if (Took(job) is { } took)
            html.Append($"<li>Took {took}</li>\n");
        if (video is not null)
            html.Append($"<li>{SharePageHtml.Duration(video.DurationSeconds)} · {video.Width}×{video.Height} · {SharePageHtml.FileSize(video.SizeBytes)}</li>\n");
        html.Append($"<li><code class=\"id\" title=\"Job id\">{E(job.Id)}</code></li>\n</ul>\n");
        html.Append(Problems(job));
        html.Append("</div>\n</li>\n");
        return html.ToString();
    }

    private static string Badge(string status) =>
        $"""<span class="badge" data-s="{E(status)}" title="{E(status)}">{E(StatusLabels.GetValueOrDefault(status, status))}</span>""";

    private static string Progress(JobRow job)
    {
        var percent = Percent(job.Progress, job.MaximumProgress);
        return $"""<div class="progress"><progress max="{job.MaximumProgress}" value="{job.Progress}" aria-label="Progress">{percent}%</progress><span class="pct">{percent}%</span></div>""";
    }

    private static long Percent(long progress, long maximum) => maximum <= 0 ? 0 : Math.Clamp(progress * 100 / maximum, 0, 100);

    private static string Problems(JobRow job)
    {
        var html = new StringBuilder();
        if (job.Error is { Length: > 0 } error)
            html.Append($"""<p class="alert error"><strong>Failed:</strong> {E(error)}</p>""").Append('\n');
        var warnings = ApiJson.Warnings(job.Warnings).Select(w => (string?)w).OfType<string>().ToList();
        if (warnings.Count > 0)
        {
            html.Append("<ul class=\"alert warning\">\n");
            foreach (var warning in warnings)
                html.Append($"<li>{E(warning)}</li>\n");
            html.Append("</ul>\n");
        }
        return html.ToString();
    }

    /// <summary>Submitted to final state, and the render's own time, once the job is over.</summary>
    private static string? Took(JobRow job)
    {
        if (!JobStatus.IsFinal(job.Status))
            return null;
        var took = Seconds((job.UpdatedAt - job.CreatedAt) / 1000.0);
        return RenderSeconds(job) is { } render ? $"{took} (render {Seconds(render)})" : took;
    }

    private static double? RenderSeconds(JobRow job) =>
        job.RenderStats is null ? null : JsonNode.Parse(job.RenderStats)?["seconds"]?.GetValue<double>();

    /// <summary>"0.4 s", "12 s", "3 min 05 s", "1 h 02 min".</summary>
    public static string Seconds(double seconds) => seconds switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, seconds):0.0} s"),
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)} min {(int)(seconds % 60):00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60):00} min"),
    };

    /// <summary>A moment in UTC; the script shows it in the reader's own time zone.</summary>
    private static string Time(long unixMs)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;
        return $"""<time class="ts" datetime="{ApiJson.Timestamp(unixMs)}">{at.ToString("d MMM yyyy, HH:mm:ss", CultureInfo.InvariantCulture)} UTC</time>""";
    }

    private static string FileUrl(DashboardPage page, VideoRow video, string extension) =>
        $"{page.Root}/files/{Uri.EscapeDataString(video.FileKey)}{extension}";

    public static string Job(DashboardPage page, JobPage view)
    {
        var job = view.Job;
        var name = DashboardApi.JobName(job);
        var live = JobStatus.IsFinal(job.Status) ? "" : " data-live-job";
        var html = new StringBuilder(10000);
        html.Append($"""
            <nav class="crumbs"><a href="{E(page.Base)}">{BackIcon}Jobs</a></nav>

            """);
        if (view.Notice is { } notice)
            html.Append($"""<p class="alert {(notice.IsError ? "error" : "success")}" role="status">{E(notice.Text)}</p>""").Append('\n');
        html.Append($"""
            <section class="card job-card" data-job="{E(job.Id)}" data-status="{E(job.Status)}"{live}>
            <div class="job-head"><h1>{E(name)}</h1>{Badge(job.Status)}</div>
            {Progress(job)}
            <dl class="facts">
            <div><dt>Job id</dt><dd><code>{E(job.Id)}</code></dd></div>
            <div><dt>Video id</dt><dd><code>{E(job.VideoId)}</code></dd></div>
            <div><dt>Submitted</dt><dd>{Time(job.CreatedAt)}</dd></div>
            <div><dt>Last change</dt><dd>{Time(job.UpdatedAt)}</dd></div>

            """);
        if (Took(job) is { } took)
            html.Append($"<div><dt>Took</dt><dd>{took}</dd></div>\n");
        if (job.RenderStats is not null && JsonNode.Parse(job.RenderStats) is JsonObject stats)
        {
            var rendered = (long?)stats["scenesRendered"] ?? 0;
            var reused = (long?)stats["scenesReused"] ?? 0;
            html.Append($"<div><dt>Scenes</dt><dd>{rendered} rendered, {reused} reused</dd></div>\n");
        }
        if (view.Video is { } v)
            html.Append($"<div><dt>Video</dt><dd>{SharePageHtml.Duration(v.DurationSeconds)} · {v.Width}×{v.Height} · {SharePageHtml.FileSize(v.SizeBytes)}</dd></div>\n");
        html.Append("</dl>\n").Append(Problems(job)).Append("</section>\n");

        if (view.Video is { } video)
        {
            var file = FileUrl(page, video, ".mp4");
            var poster = view.HasPoster ? $" poster=\"{E(FileUrl(page, video, ".jpg"))}\"" : "";
            html.Append($"""
                <section class="card">
                <h2>Video</h2>
                <div class="player"><video controls playsinline preload="metadata" width="{video.Width}" height="{video.Height}"{poster} src="{E(file)}"></video></div>
                <label class="field-label" for="share-url">Share link</label>
                <div class="copy-row">
                <input id="share-url" class="mono" type="text" readonly value="{E(view.ShareUrl!)}">
                <button type="button" class="button" data-copy="share-url">Copy</button>
                <a class="button" href="{E(view.ShareUrl!)}" target="_blank" rel="noopener">Open</a>
                <a class="button" href="{E(file)}?download=1" download>Download</a>
                </div>
                </section>

                """);
        }
        html.Append(Callbacks(page, view));
        var submitted = JsonNode.Parse(job.Request)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? job.Request;
        html.Append($"""
            <section class="card">
            <details>
            <summary>Job as submitted</summary>
            <pre class="json"><code>{E(submitted)}</code></pre>
            </details>
            </section>

            """);
        return Layout(page, name, html.ToString());
    }

    private static string Callbacks(DashboardPage page, JobPage view)
    {
        var job = view.Job;
        var html = new StringBuilder(3000);
        html.Append("<section class=\"card callbacks\">\n<h2>Callback</h2>\n");
        if (job.CallbackUrl is null)
        {
            html.Append("<p class=\"muted\">This job was submitted without a callback URL.</p>\n</section>\n");
            return html.ToString();
        }
        if (view.Deliveries.Count == 0)
            html.Append($"""<p class="muted">Sent to <code>{E(job.CallbackUrl)}</code> once the job finishes or fails.</p>""").Append('\n');
        foreach (var delivery in view.Deliveries)
        {
            html.Append($"""
                <div class="delivery">
                <div class="delivery-head"><code class="url">{E(delivery.Url)}</code><span class="badge" data-s="cb-{E(delivery.Status)}">{E(Capitalised(delivery.Status))}</span></div>

                """);
            if (delivery.NextAttemptAt is { } next)
                html.Append($"""<p class="muted">Next attempt {TimeIso(next)}</p>""").Append('\n');
            if (delivery.Attempts.Count == 0)
            {
                html.Append("<p class=\"muted\">No attempt yet.</p>\n");
            }
            else
            {
                html.Append("<div class=\"table-wrap\"><table class=\"attempts\">\n<thead><tr><th>#</th><th>When</th><th>Answer</th><th>Took</th></tr></thead>\n<tbody>\n");
                foreach (var a in delivery.Attempts)
                {
                    var ok = a.StatusCode is >= 200 and < 300;
                    var answer = a.StatusCode is { } code ? $"HTTP {code}" : "no answer";
                    if (a.Error is { Length: > 0 } error)
                        answer += " · " + error;
                    html.Append($"""<tr><td>{a.Attempt}</td><td>{TimeIso(a.At)}</td><td class="{(ok ? "ok" : "bad")}">{E(answer)}</td><td>{a.DurationMs} ms</td></tr>""").Append('\n');
                }
                html.Append("</tbody>\n</table></div>\n");
            }
            html.Append("</div>\n");
        }
        if (JobStatus.IsFinal(job.Status))
        {
            html.Append($"""
                <form method="post" action="{E($"{page.Base}/jobs/{Uri.EscapeDataString(job.Id)}/redeliver")}">
                {CsrfField(page)}
                <button type="submit" class="button">{RedoIcon}Redeliver callback</button>
                </form>

                """);
        }
        html.Append("</section>\n");
        return html.ToString();
    }

    private static string TimeIso(string iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? Time(at.ToUnixTimeMilliseconds()) : E(iso);

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    public static string New(DashboardPage page, string text, IDictionary<string, string[]>? errors)
    {
        var html = new StringBuilder(4000);
        html.Append($"""
            <nav class="crumbs"><a href="{E(page.Base)}">{BackIcon}Jobs</a></nav>
            <div class="page-head"><h1>New video</h1></div>
            <section class="card">
            <p class="muted">The body of <code>POST /api/v1/video-generation-jobs</code>: a <code>videoCreative</code>, and optionally
            <code>dynamicVariables</code>, <code>callback</code> and <code>callbackPayload</code>. It is checked exactly as the API checks it.</p>

            """);
        if (errors is not null)
        {
            html.Append($"""<div class="alert error" role="alert"><strong>The job was not queued.</strong> {(errors.Count == 1 ? "One field needs" : $"{errors.Count} fields need")} a change:<ul class="errors">""").Append('\n');
            foreach (var (path, messages) in errors)
            {
                foreach (var message in messages)
                    html.Append($"<li><code>{E(path)}</code> {E(message)}</li>\n");
            }
            html.Append("</ul></div>\n");
        }
        html.Append($"""
            <form method="post" action="{E(page.Base)}/new" class="submit-form">
            {CsrfField(page)}
            <label class="field-label" for="job">Job</label>
            <textarea id="job" name="job" class="mono" rows="24" spellcheck="false" autocapitalize="off"{(errors is null ? "" : " aria-invalid=\"true\"")}>{E(text)}</textarea>
            <div class="actions"><button type="submit" class="primary">Queue job</button><a class="button" href="{E(page.Base)}/new">Reset to the sample</a></div>
            </form>
            </section>

            """);
        return Layout(page, "New video", html.ToString());
    }

    private const string Svg = """<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">""";

    private const string PlusIcon = Svg + """<path d="M12 5v14M5 12h14"/></svg>""";

    private const string BackIcon = Svg + """<path d="m15 18-6-6 6-6"/></svg>""";

    private const string RedoIcon = Svg + """<path d="M21 12a9 9 0 1 1-3-6.7L21 8"/><path d="M21 3v5h-5"/></svg>""";

    private const string FilmIcon = Svg + """<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M7 4v16M17 4v16M3 9h4M17 9h4M3 15h4M17 15h4"/></svg>""";
}
