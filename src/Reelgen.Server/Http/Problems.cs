using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Reelgen.Server.Http;

/// <summary>
/// The API's error answers, as problem details (RFC 9457). Each carries <c>message</c> as well, the field clients
/// written for the hosted service read.
/// </summary>
public static class Problems
{
    public static NotFound<ProblemDetails> NotFound(string what, string id) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = 404,
            Title = "Not found",
            Detail = $"No {what} '{id}' in this workspace.",
            Extensions = { ["message"] = $"No {what} '{id}' in this workspace." },
        });

    /// <summary>A 400 whose <c>errors</c> name the JSON path of each bad field; the first one is the message.</summary>
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors)
    {
        var first = errors.First();
        return TypedResults.ValidationProblem(
            errors,
            title: "The request is invalid.",
            detail: $"{first.Key}: {first.Value[0]}",
            extensions: new Dictionary<string, object?> { ["message"] = $"{first.Key}: {first.Value[0]}" });
    }

    public static Conflict<ProblemDetails> Conflict(string detail) =>
        TypedResults.Conflict(new ProblemDetails { Status = 409, Title = "Conflict", Detail = detail, Extensions = { ["message"] = detail } });
}
