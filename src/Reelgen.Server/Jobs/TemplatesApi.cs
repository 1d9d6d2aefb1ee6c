using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Reelgen.Creative;
using Reelgen.Rendering;
using Reelgen.Server.Callbacks;
using Reelgen.Server.Compatibility;
using Reelgen.Server.Data;
using Reelgen.Server.Http;
using Reelgen.Server.Operations;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Jobs;

public sealed record CreatedTemplate(string TemplateJobId);

public sealed record CreatedBatch(IReadOnlyList<CreatedJob> Jobs);

/// <summary>One item of a batch: the variables of one video and where to report it.</summary>
public sealed record BatchItem(Dictionary<string, JsonElement>? DynamicVariables, string? CallbackUrl, JsonObject? CallbackPayload);

/// <summary>The body of <c>POST /video-generation-jobs/batch</c>: one template, up to 10,000 variants.</summary>
public sealed record BatchBody(string TemplateJobId, IReadOnlyList<BatchItem> Items);

/// <summary>The body of <c>POST /video-generation-jobs/template-jobs</c> (<c>templateId</c> and <c>callback</c> are accepted too).</summary>
public sealed record TemplateJobBody(string TemplateJobId, Dictionary<string, JsonElement>? DynamicVariables, string? CallbackUrl, JsonObject? CallbackPayload);

/// <summary>
/// Template jobs. Colossyan saves them from its editor; Reelgen saves them with
/// <c>POST /video-generation-jobs/templates</c> (a job body whose scripts and texts hold <c>{tokens}</c>) and runs them
/// with <c>POST /video-generation-jobs/template-jobs</c> exactly as Colossyan does.
/// </summary>
public static class TemplatesApi
{
    public static RouteGroupBuilder MapTemplates(this RouteGroupBuilder jobs)
    {
        jobs.MapPost("/templates", CreateTemplateAsync).Accepts<VideoGenerationJobRequest>("application/json");
        jobs.MapPost("/template-jobs", CreateTemplateJobAsync).Accepts<TemplateJobBody>("application/json").RequireFreeDisk();
        jobs.MapPost("/batch", CreateBatchAsync).Accepts<BatchBody>("application/json").RequireFreeDisk();
        return jobs;
    }

    public static async Task<Results<Ok<CreatedTemplate>, ValidationProblem>> CreateTemplateAsync(
        HttpContext http, Db db, TimeProvider time, IOptions<ReelgenOptions> options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds)
    {
        var (node, request, errors) = await JsonBody.ReadAsync<VideoGenerationJobRequest>(http.Request);
        // Stand-ins are chosen (and warned about) on each job made from the template, not on the template.
        if (errors is null)
            hostedIds.StandIn(request!);
        errors ??= CreativeChecks.Validator(voices, presenters, options.Value.Limits, requireVariableValues: false).Validate(request!);
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var id = Guid.CreateVersion7().ToString();
        await db.ExecuteAsync(
            "INSERT INTO templates (id, workspace_id, request, created_at) VALUES (@id, @workspaceId, @request, @now)",
            new { id, workspaceId = http.Workspace().Id, request = node!.ToJsonString(), now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            http.RequestAborted);
        return TypedResults.Ok(new CreatedTemplate(id));
    }

    /// <summary>
    /// Runs a saved template: its variables are merged with these (these win), <c>callbackUrl</c> (or
    /// <c>callback</c>) and <c>callbackPayload</c> set, and the result is validated and queued like any job.
    /// </summary>
    public static async Task<Results<Ok<CreatedJob>, NotFound<ProblemDetails>, ValidationProblem, UnprocessableEntity<ProblemDetails>>> CreateTemplateJobAsync(
        HttpContext http, Db db, JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey = null)
    {
        if (IdempotencyKey.Check(idempotencyKey) is { } keyErrors)
            return Problems.Invalid(keyErrors);
        var (body, _, errors) = await JsonBody.ReadAsync<JsonObject>(http.Request);
        if (errors is not null)
            return Problems.Invalid(errors);
        if (TemplateIdOf(body!) is not { } templateId)
            return Problems.Invalid(MissingTemplateId());
        if (await FindTemplateAsync(templateId, http, db) is not { } template)
            return Problems.NotFound("template job", templateId);
        errors = [];
        var job = Instantiate(template, body!, "", options.Value, voices, presenters, hostedIds, errors);
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var keep = options.Value.IdempotencyKeyLifetime;
        var queued = await IdempotencyKey.QueueAsync(http, jobs, signal, keep, idempotencyKey, "template-jobs", body!.ToJsonString(), job);
        if (queued.Job is not { } created)
            return IdempotencyKey.Reused(keep);
        return TypedResults.Ok(new CreatedJob(created.Id, created.VideoId));
    }

    /// <summary>
    /// Runs a template once per item (<c>{ dynamicVariables, callbackUrl?, callbackPayload? }</c>), up to
    /// <see cref="MaxBatchItems"/>. Every item is checked first and the jobs are committed in one transaction, so a
    /// bad item (named <c>items[i]...</c>) creates nothing and a 200 means all of them exist.
    /// </summary>
    public static async Task<Results<Ok<CreatedBatch>, NotFound<ProblemDetails>, ValidationProblem>> CreateBatchAsync(
        HttpContext http, Db db, JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds)
    {
        var (body, _, errors) = await JsonBody.ReadAsync<JsonObject>(http.Request);
        if (errors is not null)
            return Problems.Invalid(errors);
        if (body!["items"] is not JsonArray items || items.Count == 0)
            return Problems.Invalid(new() { ["items"] = ["is required: a list of { dynamicVariables, callbackUrl?, callbackPayload? }, at least one."] });
        if (items.Count > MaxBatchItems)
            return Problems.Invalid(new() { ["items"] = [$"has {items.Count} items; at most {MaxBatchItems} are allowed in one batch."] });
        if (TemplateIdOf(body) is not { } templateId)
            return Problems.Invalid(MissingTemplateId());
        if (await FindTemplateAsync(templateId, http, db) is not { } template)
            return Problems.NotFound("template job", templateId);

        errors = [];
        var newJobs = new List<NewJob>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject item)
                errors[$"items[{i}]"] = ["must be an object."];
            else
                newJobs.Add(Instantiate(template, item, $"items[{i}].", options.Value, voices, presenters, hostedIds, errors));
        }
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var created = await jobs.CreateManyAsync(http.Workspace().Id, newJobs, http.RequestAborted);
        signal.Notify();
        return TypedResults.Ok(new CreatedBatch([.. created.Select(j => new CreatedJob(j.Id, j.VideoId))]));
    }

    public const int MaxBatchItems = 10_000;

    /// <summary><c>templateJobId</c>, or <c>templateId</c> as some clients name it.</summary>
    private static string? TemplateIdOf(JsonObject body) =>
        (body["templateJobId"] ?? body["templateId"]) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static Dictionary<string, string[]> MissingTemplateId() =>
        new() { ["templateJobId"] = ["is required: the id returned by POST /video-generation-jobs/templates."] };

    /// <summary>The saved template's job body, or null when the caller's workspace has no such template.</summary>
    private static Task<string?> FindTemplateAsync(string templateId, HttpContext http, Db db) =>
        db.QuerySingleOrDefaultAsync<string>(
            "SELECT request FROM templates WHERE id = @templateId AND workspace_id = @workspaceId",
            new { templateId, workspaceId = http.Workspace().Id }, http.RequestAborted);

    /// <summary>
    /// The job one run of a template makes: the template with the run's variables merged in (the run's win), its
    /// callback URL and payload, validated like any job. Problems go to <paramref name="errors"/> under
    /// <paramref name="prefix"/> (<c>items[3].</c> in a batch).
    /// </summary>
    private static NewJob Instantiate(string template, JsonObject run, string prefix, ReelgenOptions options, VoiceCatalog voices, PresenterCatalog presenters, HostedIds hostedIds, Dictionary<string, string[]> errors)
    {
        var job = JsonNode.Parse(template)!.AsObject();
        if (job["dynamicVariables"] is not JsonObject variables)
            job["dynamicVariables"] = variables = [];
        foreach (var (key, value) in run["dynamicVariables"] as JsonObject ?? [])
            variables[key] = value?.DeepClone();
        if ((run["callbackUrl"] ?? run["callback"]) is { } callback)
            job["callback"] = callback.DeepClone();
        if (run["callbackPayload"] is { } payload)
            job["callbackPayload"] = payload.DeepClone();

        VideoGenerationJobRequest request;
        try
        {
            request = job.Deserialize<VideoGenerationJobRequest>(CreativeJson.Options)!;
        }
        catch (JsonException ex)
        {
            var (path, message) = CreativeJson.TypeError(ex);
            errors[prefix + (path ?? "body")] = [$"has the wrong type: {message}"];
            return new NewJob("", null, []);
        }
        var warnings = hostedIds.StandIn(request);
        var found = CreativeChecks.Validator(voices, presenters, options.Limits).Validate(request);
        CallbackRules.Validate(request.Callback, run.ContainsKey("callbackUrl") ? "callbackUrl" : "callback", job["callbackPayload"], options.Network.AllowPrivateAddresses, found);
        foreach (var (path, messages) in found)
            errors[prefix + path] = messages;
        return new NewJob(job.ToJsonString(), request.Callback, warnings);
    }
}
