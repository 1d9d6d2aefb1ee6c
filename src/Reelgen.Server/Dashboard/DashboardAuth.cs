using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Dashboard;

/// <summary>The dashboard's settings, bound from <c>Reelgen:Dashboard</c> (env: <c>Reelgen__Dashboard__X</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Reelgen:Dashboard";

    /// <summary>
    /// Where the keys that seal session cookies and form tokens are kept; default <c>DataDirectory/keys</c>. Every
    /// process that serves the dashboard must see the same folder, or a session made by one is refused by another.
    /// </summary>
    public string? KeyDirectory { get; set; }

    /// <summary>How long a session lasts without a visit; each visit past half of it renews it.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00", ErrorMessage = "must be from 5 minutes to 30 days.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>
/// Signing in to the dashboard: a workspace token, checked by the same store the API's token auth uses, becomes a
/// session cookie (ASP.NET Core cookie authentication). The cookie carries the workspace id and the token's hash,
/// never the token, sealed with Data Protection keys kept on disk so that restarts and other processes sharing the
/// folder honour it. Each request looks the hash up again, so revoking the token ends its sessions within a second.
/// Every form carries an antiforgery token, and both cookies are HttpOnly and SameSite=Strict.
/// </summary>
public static class DashboardAuth
{
    public const string Scheme = "ReelgenDashboard";

    private const string TokenHashClaim = "reelgen:token-hash";

    public static IServiceCollection AddDashboardAuth(this IServiceCollection services)
    {
        services.AddSettings<DashboardOptions>(DashboardOptions.Section);
        // The application name, not the install path (the default), decides which keys apply: processes started from
        // different folders or machines share sessions as long as they share the key folder.
        services.AddDataProtection().SetApplicationName("Reelgen");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ReelgenOptions>, IOptions<DashboardOptions>, ILoggerFactory>((keys, reelgen, dashboard, logs) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(KeyDirectory(reelgen.Value, dashboard.Value)), logs));

        services.AddAuthentication().AddCookie(Scheme);
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<ReelgenOptions>, IOptions<DashboardOptions>>((cookie, reelgen, dashboard) =>
        {
            cookie.Cookie.Name = "reelgen_dashboard";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = SecurePolicy(reelgen.Value);
            cookie.ExpireTimeSpan = dashboard.Value.SessionLifetime;
            cookie.SlidingExpiration = true;
        });
        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<ReelgenOptions>>((antiforgery, reelgen) =>
        {
            antiforgery.Cookie.Name = "reelgen_csrf";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = SecurePolicy(reelgen.Value);
            antiforgery.FormFieldName = "csrf";
            // The pages forbid framing in their policy already.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }

    public static string KeyDirectory(ReelgenOptions reelgen, DashboardOptions dashboard) =>
        dashboard.KeyDirectory ?? Path.Combine(reelgen.DataDirectory, "keys");

    // Behind a proxy that ends TLS the request itself is plain HTTP; a public https address still means browsers use HTTPS.
    private static CookieSecurePolicy SecurePolicy(ReelgenOptions o) =>
        o.PublicBaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    /// <summary>Starts a session for the token's workspace; false when the token is not a valid one (unknown or revoked).</summary>
    public static async Task<bool> SignInAsync(HttpContext http, WorkspaceStore workspaces, string token)
    {
        var workspace = token.Length == 0 ? null : await workspaces.FindByTokenAsync(token, http.RequestAborted);
        if (workspace is null)
            return false;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, workspace.Id),
                new Claim(ClaimTypes.Name, workspace.Name),
                new Claim(TokenHashClaim, WorkspaceStore.HashToken(token)),
            ],
            Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
        return true;
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>
    /// Lets only a live session through: its workspace becomes the caller's (as the API's token auth does), so the
    /// API's handlers serve the dashboard unchanged. Without one, a page is sent to sign in and anything else gets 401.
    /// </summary>
    public static RouteGroupBuilder RequireDashboardSession(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var session = await http.AuthenticateAsync(Scheme);
            var hash = session.Principal?.FindFirstValue(TokenHashClaim);
            var workspace = hash is null ? null : await http.RequestServices.GetRequiredService<WorkspaceStore>().FindByTokenHashAsync(hash, http.RequestAborted);
            if (workspace is null || workspace.Id != session.Principal!.FindFirstValue(ClaimTypes.NameIdentifier))
            {
                if (session.Succeeded)
                    await SignOutAsync(http);
                return HttpMethods.IsGet(http.Request.Method) && !DashboardApi.WantsData(http.Request)
                    ? TypedResults.Redirect(DashboardApi.Base(http.Request) + "/sign-in")
                    : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Sign in to the dashboard again.");
            }
            http.User = session.Principal!;
            http.SetWorkspace(workspace);
            return await next(context);
        });
}
