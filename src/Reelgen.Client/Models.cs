using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Reelgen.Client;

/// <summary>The answer to a job submission.</summary>
/// <param name="Id">The job id: poll it with <see cref="ReelgenClient.GetJobAsync"/>.</param>
/// <param name="VideoId">The id the generated video will have: read it with <see cref="ReelgenClient.GetVideoAsync"/>.</param>
public sealed record CreatedJob(string Id, string VideoId);

/// <summary>The seven statuses of a job.</summary>
public static class JobStatus
{
    /// <summary>Accepted, waiting for a worker.</summary>
    public const string InQueue = "in_queue";

    /// <summary>A worker is fetching assets and synthesising speech.</summary>
    public const string Preprocessing = "preprocessing";

    /// <summary>Every input is ready; encoding starts next.</summary>
    public const string PreprocessingFinished = "preprocessing_finished";

    /// <summary>The video is being encoded.</summary>
    public const string Generating = "generating";

    /// <summary>Done: the generated video is available. Final.</summary>
    public const string Finished = "finished";

    /// <summary>The render could not succeed; <see cref="Job.Error"/> says why. Final.</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled with <see cref="ReelgenClient.CancelJobAsync"/>. Final.</summary>
    public const string Deleted = "deleted";

    /// <summary>True for <c>finished</c>, <c>failed</c> and <c>deleted</c>: the job will not change again.</summary>
    /// <param name="status">A status string.</param>
    public static bool IsFinal(string? status) => status is Finished or Failed or Deleted;
}

/// <summary>A video-generation job as the server reports it.</summary>
public sealed record Job
{
    /// <summary>The job id.</summary>
    public required string Id { get; init; }

    /// <summary>The id of the video the job produces.</summary>
    public string? VideoId { get; init; }

    /// <summary>One of the <see cref="JobStatus"/> values.</summary>
    public required string Status { get; init; }

    /// <summary>How far the job is, from 0 to <see cref="MaximumProgress"/>.</summary>
    public double Progress { get; init; }

    /// <summary>The value <see cref="Progress"/> reaches when the job is finished.</summary>
    public double MaximumProgress { get; init; }

    /// <summary>When the job was accepted, if the server says.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the job last changed, if the server says.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Why the job failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>The whole job as returned, including the request as it was stored.</summary>
    public required JsonObject Raw { get; init; }

    /// <summary>True when the job will not change again.</summary>
    public bool IsFinal => JobStatus.IsFinal(Status);

    /// <summary>True when the job finished and its video is available.</summary>
    public bool IsFinished => Status == JobStatus.Finished;

    /// <summary>Progress as a fraction from 0 to 1.</summary>
    public double Fraction => MaximumProgress > 0 ? Math.Clamp(Progress / MaximumProgress, 0, 1) : 0;
}

/// <summary>A report made while waiting for a job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Status">One of the <see cref="JobStatus"/> values.</param>
/// <param name="Progress">How far the job is, from 0 to <paramref name="MaximumProgress"/>.</param>
/// <param name="MaximumProgress">The value progress reaches at the end.</param>
public sealed record JobProgress(string JobId, string Status, double Progress, double MaximumProgress)
{
    /// <summary>Progress as a fraction from 0 to 1.</summary>
    public double Fraction => MaximumProgress > 0 ? Math.Clamp(Progress / MaximumProgress, 0, 1) : 0;
}

/// <summary>A generated video. Until its job finishes only <see cref="Id"/>, <see cref="JobId"/>, <see cref="Name"/>
/// and <see cref="CreatedAt"/> are set.</summary>
public sealed record GeneratedVideo
{
    /// <summary>The video id (the <c>videoId</c> of its job).</summary>
    public string Id { get; init; } = "";

    /// <summary>The job that produced it.</summary>
    public string? JobId { get; init; }

    /// <summary>The name from the creative's settings.</summary>
    public string? Name { get; init; }

    /// <summary>The MP4 file; public, no token needed.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>The share page's id.</summary>
    public string? ShareId { get; init; }

    /// <summary>The share page: a player people can open in a browser.</summary>
    public string? ShareUrl { get; init; }

    /// <summary>A still image of the video.</summary>
    public string? ThumbnailUrl { get; init; }

    /// <summary>WebVTT captions, when the video has speech.</summary>
    public string? CaptionsUrl { get; init; }

    /// <summary>The file's size.</summary>
    public long? VideoSizeBytes { get; init; }

    /// <summary>The video's length.</summary>
    public double? VideoDurationSeconds { get; init; }

    /// <summary>Frame width in pixels.</summary>
    public int? Width { get; init; }

    /// <summary>Frame height in pixels.</summary>
    public int? Height { get; init; }

    /// <summary>When the video (or, before it is stored, its job) was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A presenter from <c>GET /assets/actors</c> (the JSON is snake_case, as Colossyan's).</summary>
public sealed record Actor
{
    /// <summary>The key to use in an actor track's <c>actor</c>.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The name shown to people.</summary>
    [JsonPropertyName("display_name")]
    public string? DisplayName { get; init; }

    /// <summary><c>Male</c> or <c>Female</c>.</summary>
    [JsonPropertyName("gender")]
    public string? Gender { get; init; }

    /// <summary>The voice used when a track names none.</summary>
    [JsonPropertyName("default_voice")]
    public string? DefaultVoice { get; init; }

    /// <summary>The avatar version, for example <c>v1</c>.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary>The avatar kind, for example <c>Studio</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>A preview video, when there is one.</summary>
    [JsonPropertyName("preview_url")]
    public string? PreviewUrl { get; init; }

    /// <summary>Any other fields the server sent (Colossyan sends views, features and more).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }
}

/// <summary>A voice from <c>GET /assets/voices</c>.</summary>
public sealed record Voice
{
    /// <summary>The id to use in an actor track's <c>speakerId</c>.</summary>
    public string SpeakerId { get; init; } = "";

    /// <summary>The voice's name.</summary>
    public string? Name { get; init; }

    /// <summary>A language tag such as <c>en-GB</c>.</summary>
    public string? Language { get; init; }

    /// <summary><c>Male</c> or <c>Female</c>.</summary>
    public string? Gender { get; init; }

    /// <summary>The speech engine that speaks it: <c>rhvoice</c> or <c>espeak-ng</c>.</summary>
    public string? Engine { get; init; }

    /// <summary>The address of a short WAV clip of the voice (no token needed).</summary>
    public string? Sample { get; init; }
}

/// <summary>The body of <c>POST /video-generation-jobs/template-jobs</c>: render a saved template with new values.</summary>
public sealed class TemplateJobRequest
{
    /// <summary>The saved template job's id.</summary>
    public string? TemplateJobId { get; set; }

    /// <summary>Values for the template's <c>{variables}</c>; build them with <see cref="Variables.From(object)"/>.</summary>
    public Dictionary<string, JsonElement>? DynamicVariables { get; set; }

    /// <summary>URL that receives a signed POST when the job ends (note: <c>callbackUrl</c> here, <c>callback</c> on a manual job).</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>Keys copied flat into the callback body.</summary>
    public JsonObject? CallbackPayload { get; set; }
}

/// <summary>Builds <c>dynamicVariables</c> from plain .NET values.</summary>
public static class Variables
{
    /// <summary>The public properties of <paramref name="values"/>, names kept as written (an anonymous object such as
    /// <c>new { firstName = "Ada", count = 3 }</c>) as dynamic variables.</summary>
    /// <param name="values">An object whose properties are the variables.</param>
    public static Dictionary<string, JsonElement> From(object values)
    {
        var element = JsonSerializer.SerializeToElement(values, values.GetType(), JsonSerializerOptions.Default);
        return element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    /// <summary>A dictionary of names and values as dynamic variables.</summary>
    /// <param name="values">Names and their values (strings, numbers or booleans).</param>
    public static Dictionary<string, JsonElement> From(IEnumerable<KeyValuePair<string, object?>> values) =>
        values.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value, JsonSerializerOptions.Default), StringComparer.Ordinal);
}
