using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Jobs;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

/// <summary>The dashboard's sign-in, session and forms over HTTP (the pages in a browser: <see cref="DashboardBrowserTests"/>).</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task A_wrong_token_is_refused_and_leaves_no_session()
    {
        using var app = new ReelgenApp();
        var browser = Browser(app);
        var csrf = await FormTokenAsync(browser, "/dashboard/sign-in");

        var refused = await browser.PostAsync("/dashboard/sign-in", Form(("csrf", csrf), ("token", "rg_not_a_token_of_any_workspace_0123456789")));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("That token is not valid", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("reelgen_dashboard=", StringComparison.Ordinal));

        var jobs = await browser.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, jobs.StatusCode);
        Assert.Equal("/dashboard/sign-in", jobs.Headers.Location!.OriginalString);
        // The script's own requests get a 401 to act on rather than a page.
        using var poll = new HttpRequestMessage(HttpMethod.Get, "/dashboard/progress?id=x");
        poll.Headers.Accept.ParseAdd("application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(poll)).StatusCode);
    }

    [Fact]
    public async Task Forms_posted_without_their_antiforgery_token_are_refused()
    {
        using var app = new ReelgenApp();
        var browser = Browser(app);

        // Signing in itself needs the token, so another site cannot sign a browser into its own workspace.
        var noToken = await browser.PostAsync("/dashboard/sign-in", Form(("token", ReelgenApp.Token)));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/dashboard")).StatusCode);

        await SignInAsync(browser);
        var job = Form(("job", System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide())));
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/dashboard/new", job)).StatusCode);
        // A token from another browser's session does not do either.
        var other = Browser(app);
        var otherToken = await FormTokenAsync(other, "/dashboard/sign-in");
        var forged = Form(("csrf", otherToken), ("job", System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide())));
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/dashboard/new", forged)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/dashboard/sign-out", Form())).StatusCode);

        var listed = await app.V1Client().GetFromJsonAsync<JsonObject>("video-generation-jobs");
        Assert.Empty(listed!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task The_session_cookie_is_httponly_samesite_strict_secure_over_https_and_does_not_hold_the_token()
    {
        using var app = new ReelgenApp();
        foreach (var scheme in new[] { "http", "https" })
        {
            var browser = Browser(app, new Uri($"{scheme}://localhost"));
            var cookie = (await SignInAsync(browser)).Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("reelgen_dashboard=", StringComparison.Ordinal));
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            Assert.Equal(scheme == "https", attributes.Contains("secure"));
            Assert.DoesNotContain(ReelgenApp.Token, cookie);
            Assert.DoesNotContain(WorkspaceStore.HashToken(ReelgenApp.Token), cookie);
        }
    }

    [Fact]
    public async Task Pages_carry_a_policy_that_allows_this_server_only()
    {
        using var app = new ReelgenApp();
        var browser = Browser(app);
        await SignInAsync(browser);
        foreach (var path in new[] { "/dashboard/sign-in", "/dashboard", "/dashboard/new" })
        {
            var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy);
            Assert.Contains("script-src 'self'", policy);
            Assert.Contains("frame-ancestors 'none'", policy);
            Assert.DoesNotContain("unsafe", policy);
            Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
            Assert.Contains("width=device-width", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_job_submitted_in_the_form_goes_through_the_api_checks_and_is_queued()
    {
        using var app = new ReelgenApp();
        var browser = Browser(app);
        await SignInAsync(browser);
        var csrf = await FormTokenAsync(browser, "/dashboard/new");

        var bad = await browser.PostAsync("/dashboard/new", Form(("csrf", csrf), ("job", """{ "videoCreative": { "scenes": [ { "duration": 1000, "tracks": [ { "type": "text" } ] } ] } }""")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var page = await bad.Content.ReadAsStringAsync();
        Assert.Contains("<code>videoCreative.scenes[0].tracks[0].text</code>", page);
        // The text stays in the form to be corrected.
        Assert.Contains("&quot;type&quot;: &quot;text&quot;", page);
        var notJson = await browser.PostAsync("/dashboard/new", Form(("csrf", csrf), ("job", "{ nope")));
        Assert.Contains("<code>body</code> is not valid JSON", await notJson.Content.ReadAsStringAsync());

        var good = await browser.PostAsync("/dashboard/new", Form(("csrf", csrf), ("job", System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide(name: "From the form")))));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var jobId = good.Headers.Location!.OriginalString["/dashboard/jobs/".Length..];
        var job = await app.V1Client().GetJobAsync(jobId);
        Assert.Equal("From the form", (string?)job["videoCreative"]!["settings"]!["name"]);
        var jobPage = await browser.GetStringAsync(good.Headers.Location);
        Assert.Contains("From the form", jobPage);

        var progress = await browser.GetFromJsonAsync<JsonArray>($"/dashboard/progress?id={jobId}&id=no-such-job");
        var state = progress!.Single()!;
        Assert.Equal(jobId, (string?)state["id"]);
        Assert.Equal(100, (long?)state["maximumProgress"]);
    }

    [Fact]
    public async Task A_jobs_warnings_and_failure_reason_are_shown_on_the_list_and_its_page()
    {
        using var app = new ReelgenApp(s => s["Reelgen:Roles"] = "api");
        var workspace = await app.Services.GetRequiredService<WorkspaceStore>().FindByTokenAsync(ReelgenApp.Token, CancellationToken.None);
        var job = await app.Services.GetRequiredService<JobStore>().CreateAsync(
            workspace!.Id, System.Text.Json.JsonSerializer.Serialize(Creatives.ColourSlide(name: "Warned <b>job</b>")), null,
            ["videoCreative.scenes[0].tracks[0].actor: 'nina1' is not a Reelgen presenter; 'karen' stands in."], CancellationToken.None);
        var browser = Browser(app);
        await SignInAsync(browser);

        foreach (var path in new[] { "/dashboard", $"/dashboard/jobs/{job.Id}" })
        {
            var page = await browser.GetStringAsync(path);
            Assert.Contains("&#x27;nina1&#x27; is not a Reelgen presenter", page);
            // Names from a creative are text, never markup.
            Assert.Contains("Warned &lt;b&gt;job&lt;/b&gt;", page);
            Assert.DoesNotContain("<b>job</b>", page);
        }
    }

    [Fact]
    public async Task Another_workspaces_job_is_not_found_and_revoking_the_token_ends_the_session()
    {
        using var app = new ReelgenApp();
        var otherToken = await app.CreateWorkspaceTokenAsync("other");
        var (otherJob, _) = await app.V1Client(otherToken).SubmitAsync(Creatives.ColourSlide());
        var browser = Browser(app);
        await SignInAsync(browser);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/dashboard/jobs/{otherJob}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/dashboard/jobs/{otherJob}/events")).StatusCode);
        Assert.DoesNotContain(otherJob, await browser.GetStringAsync("/dashboard"));

        await app.Services.GetRequiredService<WorkspaceStore>().RevokeTokenAsync(ReelgenApp.Token, CancellationToken.None);
        var after = await browser.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/dashboard/sign-in", after.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_session_made_by_one_server_is_honoured_by_another_sharing_its_data_directory()
    {
        HttpResponseMessage signedIn;
        string cookie;
        using (var first = new ReelgenApp())
        {
            signedIn = await SignInAsync(Browser(first));
            cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("reelgen_dashboard=", StringComparison.Ordinal)).Split(';')[0];
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(first.DataDirectory, "keys"), "key-*.xml"));

            using var second = new ReelgenApp(s =>
            {
                foreach (var (key, value) in first.Settings)
                    s[key] = value;
            });
            var client = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
            request.Headers.Add("Cookie", cookie);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("<span class=\"workspace\" title=\"Workspace\">default</span>", await response.Content.ReadAsStringAsync());
        }
    }

    private static HttpClient Browser(ReelgenApp app, Uri? baseAddress = null) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = baseAddress ?? new Uri("http://localhost") });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser)
    {
        var csrf = await FormTokenAsync(browser, "/dashboard/sign-in");
        var response = await browser.PostAsync("/dashboard/sign-in", Form(("csrf", csrf), ("token", ReelgenApp.Token)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static async Task<string> FormTokenAsync(HttpClient browser, string path)
    {
        var page = await browser.GetStringAsync(path);
        return WebUtility.HtmlDecode(CsrfField().Match(page).Groups[1].Value);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
