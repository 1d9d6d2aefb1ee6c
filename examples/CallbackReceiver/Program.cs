// Receives Reelgen callbacks on POST /reelgen-callback, verifies their signature with the workspace secret in
// REELGEN_WEBHOOK_SECRET (./run.sh workspace secret --workspace NAME prints it), and prints each verified callback.
// Listens on http://127.0.0.1:5090 unless ASPNETCORE_URLS says otherwise.
using Reelgen.Client.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["ASPNETCORE_URLS"] is null && builder.Configuration["urls"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:5090");
// Keep the console for the callbacks: request logs only when something goes wrong.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
var secret = builder.Configuration["REELGEN_WEBHOOK_SECRET"];
if (string.IsNullOrWhiteSpace(secret))
{
    Console.Error.WriteLine("Set REELGEN_WEBHOOK_SECRET to the workspace's callback secret (./run.sh workspace secret --workspace NAME).");
    return 2;
}

var app = builder.Build();

// One line: a bad or missing signature is answered 401 and never reaches the handler.
app.MapReelgenCallback("/reelgen-callback", secret, body =>
{
    // Deliveries are at least once: a retry carries the same WebhookId, so a real receiver drops repeats.
    Console.WriteLine(body.IsFinished
        ? $"[{body.WebhookId}] job {body.JobId} finished: {body.Url} (share page {body.ShareUrl})"
        : $"[{body.WebhookId}] job {body.JobId} {body.Status}: {body.Error}");
    foreach (var (key, value) in body.Extra)
        Console.WriteLine($"    {key} = {value}");
    return Task.CompletedTask;
});

await app.RunAsync();
return 0;
