using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Reelgen.Server.Operations;

/// <summary>
/// The machine-readable contract, <c>/openapi/v1.json</c>, and a browsable reference of it at <c>/docs</c> (Scalar,
/// served from the package: no CDN, no web fonts, no telemetry). Every endpoint appears under both prefixes,
/// <c>/api/v1</c> and <c>/api</c>, and both header styles are declared as security schemes.
/// A committed copy (docs/openapi.json) is compared in the tests, so a contract change is a visible diff.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/{documentName}.json";

    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeErrorsAsync);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("Reelgen API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .DisableTelemetry());
        return app;
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Reelgen API",
            Version = "v1",
            Description = "Video generation jobs, compatible with Colossyan's public API. Every endpoint is mounted under "
                + "/api/v1 and /api, and accepts either header style: 'Authorization: Bearer <token>' or "
                + "'authorizationtoken: <token>'. Errors are RFC 9457 problem details; validation errors name each bad "
                + "field by its JSON path in 'errors'.",
        };
        // Where the document was fetched from says nothing about where clients reach the service.
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [Bearer] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token (reelgen tokens create)." },
            [HeaderToken] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "authorizationtoken", Description = "The same token in the older header." },
        };
        return Task.CompletedTask;
    }

    private const string Bearer = "bearer";
    private const string HeaderToken = "authorizationtoken";

    /// <summary>Every token-guarded operation may answer 401 and 429, and any operation 500, all as problem details.</summary>
    private static async Task DescribeErrorsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(nameof(ProblemDetails)))
            document.Components.Schemas[nameof(ProblemDetails)] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct);
        var problem = new OpenApiSchemaReference(nameof(ProblemDetails), document);
        operation.Responses ??= [];
        var path = context.Description.RelativePath ?? "";
        // Client generators name methods after these; the prefix keeps the two mounts of one handler apart.
        operation.OperationId ??= OperationId(context.Description.HttpMethod ?? "", path);
        if (path.StartsWith("api/", StringComparison.Ordinal))
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderToken, context.Document)] = [] },
            ];
            operation.Responses.TryAdd("401", Problem("The token is missing or not valid.", problem));
            var tooMany = Problem("The token made more requests in a minute than Reelgen__RateLimit__RequestsPerMinute allows.", problem);
            tooMany.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before the token is served again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
            operation.Responses.TryAdd("429", tooMany);
        }
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name == Jobs.IdempotencyKey.Header)
            {
                parameter.Description = "Optional, up to 255 visible ASCII characters: a retry with the same key and body answers the first "
                    + "request's job (with 'Idempotent-Replayed: true') instead of queuing another; the same key with another body is a 422. "
                    + "Keys belong to the workspace and are kept for 24 hours (Reelgen__IdempotencyKeyLifetime).";
            }
        }
        if (operation.Responses.TryGetValue("422", out var reused))
            reused.Description = "The Idempotency-Key was used with another request.";
        operation.Responses.TryAdd("500", Problem("An unexpected error; the detail says what failed.", problem));
    }

    /// <summary><c>GET api/v1/video-generation-jobs/{jobId}</c> becomes <c>getApiV1VideoGenerationJobsByJobId</c>.</summary>
    internal static string OperationId(string method, string path)
    {
        var words = path.Split(['/', '-', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.StartsWith('{') ? "By" + Capital(w.Trim('{', '}')) : Capital(w));
        return method.ToLowerInvariant() + string.Concat(words);
    }

    private static string Capital(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static OpenApiResponse Problem(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = schema } },
    };
}
