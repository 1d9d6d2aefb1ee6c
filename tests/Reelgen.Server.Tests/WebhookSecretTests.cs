using Microsoft.Extensions.DependencyInjection;
using Reelgen.Server.Data;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

/// <summary>The bootstrap signing secret seeds the default workspace once; a secret that cannot sign never wedges the outbox.</summary>
public sealed class WebhookSecretTests
{
    [Fact]
    public async Task The_bootstrap_secret_never_undoes_a_rotation_made_with_the_cli()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var data = Directory.CreateTempSubdirectory("reelgen-secret-restart-").FullName;
        try
        {
            string rotated;
            using (var before = CallbackApps.Create(configure: s => s["Reelgen:DataDirectory"] = data))
            {
                // What `reelgen workspace secret --rotate` and `--end-rotation` do.
                var store = before.Services.GetRequiredService<WorkspaceStore>();
                rotated = (await store.RotateWebhookSecretAsync("default", CancellationToken.None)).WebhookSecret;
                await store.EndRotationAsync("default", CancellationToken.None);
            }

            // The restart still carries the old bootstrap secret.
            using var after = CallbackApps.Create(configure: s => s["Reelgen:DataDirectory"] = data);
            var workspace = await after.Services.GetRequiredService<WorkspaceStore>().FindByNameAsync("default", CancellationToken.None);
            Assert.Equal(rotated, workspace!.WebhookSecret);
            await after.EndedJobAsync(receiver.Url);
            var callback = await receiver.NextAsync();
            Assert.True(callback.IsSignedWith(rotated));
            Assert.False(callback.IsSignedWith(CallbackApps.Secret));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_delivery_that_cannot_be_signed_counts_as_failed_attempts_and_ends_failed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var app = CallbackApps.Create(schedule: "50ms,50ms");
        var client = app.V1Client();
        // A secret written before secrets were checked at start: not base64, so the signature cannot be computed.
        await app.Services.GetRequiredService<Db>().ExecuteAsync("UPDATE workspaces SET webhook_secret = 'whsec_not base64!' WHERE name = 'default'");

        var jobId = await app.EndedJobAsync(receiver.Url);

        var delivery = await client.WaitForDeliveryAsync(jobId, "failed");
        var attempts = delivery["attempts"]!.AsArray();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.StartsWith("could not be sent:", (string?)a!["error"], StringComparison.Ordinal));
        Assert.Empty(receiver.All);
        // The dispatcher is still alive: a healthy workspace's callback goes out.
        await app.Services.GetRequiredService<Db>().ExecuteAsync("UPDATE workspaces SET webhook_secret = @s WHERE name = 'default'", new { s = CallbackApps.Secret });
        await app.EndedJobAsync(receiver.Url);
        Assert.True((await receiver.NextAsync()).IsSignedWith(CallbackApps.Secret));
    }
}
