namespace Reelgen.Server.Workspaces;

/// <summary>
/// Accepts both header styles on every route: <c>Authorization: Bearer &lt;token&gt;</c> (the /api/v1 docs) and
/// <c>authorizationtoken: &lt;token&gt;</c> (the older /api docs). The caller's workspace goes into the request.
/// </summary>
public static class TokenAuth
{
    private const string WorkspaceKey = "reelgen.workspace";

    public static Workspace Workspace(this HttpContext context) =>
        (Workspace)context.Items[WorkspaceKey]!;

    /// <summary>Makes <paramref name="workspace"/> the caller's, for handlers shared with another way of signing in (the dashboard's session).</summary>
    public static void SetWorkspace(this HttpContext context, Workspace workspace) =>
        context.Items[WorkspaceKey] = workspace;

    public static RouteGroupBuilder RequireWorkspaceToken(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var token = ReadToken(http.Request);
            var workspace = token is null ? null : await http.RequestServices.GetRequiredService<WorkspaceStore>().FindByTokenAsync(token, http.RequestAborted);
            if (workspace is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                var detail = token is null
                    ? "Send your API token as 'Authorization: Bearer <token>' or 'authorizationtoken: <token>'."
                    : "The API token is not valid.";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized",
                    detail: detail,
                    extensions: new Dictionary<string, object?> { ["message"] = detail });
            }
            http.SetWorkspace(workspace);
            return await next(context);
        });

    /// <summary>The token the request carries in either header, or null.</summary>
    public static string? ReadToken(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return auth[7..].Trim();
        var legacy = request.Headers["authorizationtoken"].ToString().Trim();
        return legacy.Length > 0 ? legacy : null;
    }
}
