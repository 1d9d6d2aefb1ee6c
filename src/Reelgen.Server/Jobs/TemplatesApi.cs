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
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Jobs;

public sealed record CreatedTemplate(string TemplateJobId);

/// <summary>
/// Template jobs. Colossyan saves them from its editor; Reelgen saves them with
/// <c>POST /video-generation-jobs/templates</c> (a job body whose scripts and texts hold <c>{tokens}</c>) and runs them
/// with <c>POST /video-generation-jobs/template-jobs</c> exactly as Colossyan does.
/// </summary>
public static class TemplatesApi
{
    public static RouteGroupBuilder MapTemplates(this RouteGroupBuilder jobs)
    {
        jobs.MapPost("/templates", CreateTemplateAsync);
        jobs.MapPost("/template-jobs", CreateTemplateJobAsync);
        return jobs;
    }

    public static async Task<Results<Ok<CreatedTemplate>, ValidationProblem>> CreateTemplateAsync(
        HttpContext http, Db db, TimeProvider time, VoiceCatalog voices, HostedIds hostedIds)
    {
        var (node, request, errors) = await JobsApi.ReadJsonAsync<VideoGenerationJobRequest>(http.Request);
        // Stand-ins are chosen (and warned about) on each job made from the template, not on the template.
        if (errors is null)
            hostedIds.StandIn(request!);
        errors ??= Validator(voices, requireValues: false).Validate(request!);
        if (errors.Count > 0)
            return JobsApi.Invalid(errors);
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
    public static async Task<Results<Ok<CreatedJob>, NotFound<ProblemDetails>, ValidationProblem>> CreateTemplateJobAsync(
        HttpContext http, Db db, JobStore jobs, WorkSignal signal, IOptions<ReelgenOptions> options, VoiceCatalog voices, HostedIds hostedIds)
    {
        var (body, _, errors) = await JobsApi.ReadJsonAsync<JsonObject>(http.Request);
        if (errors is not null)
            return JobsApi.Invalid(errors);
        var templateId = (body!["templateJobId"] ?? body["templateId"]) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (templateId is null)
            return JobsApi.Invalid(new() { ["templateJobId"] = ["is required: the id returned by POST /video-generation-jobs/templates."] });
        var stored = await db.QuerySingleOrDefaultAsync<string>(
            "SELECT request FROM templates WHERE id = @templateId AND workspace_id = @workspaceId",
            new { templateId, workspaceId = http.Workspace().Id }, http.RequestAborted);
        if (stored is null)
            return JobsApi.NotFound("template job", templateId);

        var job = JsonNode.Parse(stored)!.AsObject();
        if (job["dynamicVariables"] is not JsonObject variables)
            job["dynamicVariables"] = variables = [];
        foreach (var (key, value) in body["dynamicVariables"] as JsonObject ?? [])
            variables[key] = value?.DeepClone();
        if ((body["callbackUrl"] ?? body["callback"]) is { } callback)
            job["callback"] = callback.DeepClone();
        if (body["callbackPayload"] is { } payload)
            job["callbackPayload"] = payload.DeepClone();

        VideoGenerationJobRequest request;
        try
        {
            request = job.Deserialize<VideoGenerationJobRequest>(CreativeJson.Options)!;
        }
        catch (JsonException ex)
        {
            return JobsApi.Invalid(new() { [ex.Path is { Length: > 2 } p ? p[2..] : "body"] = ["has the wrong type."] });
        }
        var warnings = hostedIds.StandIn(request);
        errors = Validator(voices, requireValues: true).Validate(request);
        CallbackRules.Validate(request.Callback, body.ContainsKey("callbackUrl") ? "callbackUrl" : "callback", job["callbackPayload"], options.Value.Network.AllowPrivateAddresses, errors);
        if (errors.Count > 0)
            return JobsApi.Invalid(errors);
        var created = await jobs.CreateAsync(http.Workspace().Id, job.ToJsonString(), request.Callback, warnings, http.RequestAborted);
        signal.Notify();
        return TypedResults.Ok(new CreatedJob(created.Id, created.VideoId));
    }

    internal static CreativeValidator Validator(VoiceCatalog voices, bool requireValues) => new()
    {
        ActorExists = a => Actors.Find(a) is not null,
        VoiceExists = voices.Exists,
        RequireVariableValues = requireValues,
    };
}
