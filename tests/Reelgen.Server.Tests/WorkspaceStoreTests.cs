using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using Reelgen.Server.Tests.Support;
using Reelgen.Server.Workspaces;

namespace Reelgen.Server.Tests;

/// <summary>The workspace and token store's contract, run against SQLite and PostgreSQL alike.</summary>
public sealed class WorkspaceStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private WorkspaceStore Store(StoreDatabase db) => new(db.Db, _time, new MemoryCache(new MemoryCacheOptions()));

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Ensuring_a_workspace_from_many_callers_at_once_creates_it_once(string provider)
    {
        await using var db = await StoreDatabase.CreateAsync(provider);
        var store = Store(db);

        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.EnsureAsync("acme", null, default))));

        Assert.Single(all.Select(w => w.Id).Distinct());
        Assert.StartsWith("whsec_", all[0].WebhookSecret, StringComparison.Ordinal);
        Assert.Equal(all[0].Id, (await store.FindByIdAsync(all[0].Id, default))!.Id);
        Assert.Equal(1, await db.Db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM workspaces WHERE name = 'acme'"));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_given_secret_seeds_a_new_workspace_and_never_replaces_the_one_on_record(string provider)
    {
        await using var db = await StoreDatabase.CreateAsync(provider);
        var store = Store(db);
        var seeded = await store.EnsureAsync("acme", "whsec_given", default);
        var rotated = await store.RotateWebhookSecretAsync("acme", default);

        var again = await store.EnsureAsync("acme", "whsec_given", default);

        Assert.Equal("whsec_given", seeded.WebhookSecret);
        Assert.Equal(seeded.Id, again.Id);
        Assert.Equal(rotated.WebhookSecret, again.WebhookSecret);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task Tokens_find_their_own_workspace_and_are_stored_only_as_hashes(string provider)
    {
        await using var db = await StoreDatabase.CreateAsync(provider);
        var store = Store(db);
        var acmeToken = WorkspaceStore.NewToken();
        var otherToken = WorkspaceStore.NewToken();
        var acme = await store.AddTokenAsync("acme", acmeToken, default);
        var other = await store.AddTokenAsync("other", otherToken, default);
        await store.AddTokenAsync("acme", acmeToken, default);

        Assert.Equal(acme.Id, (await store.FindByTokenAsync(acmeToken, default))!.Id);
        Assert.Equal(other.Id, (await store.FindByTokenAsync(otherToken, default))!.Id);
        Assert.Null(await store.FindByTokenAsync(WorkspaceStore.NewToken(), default));
        var stored = await db.Db.QueryAsync<string>("SELECT token_hash FROM api_tokens ORDER BY token_hash");
        Assert.Equal(new[] { WorkspaceStore.HashToken(acmeToken), WorkspaceStore.HashToken(otherToken) }.Order(StringComparer.Ordinal), stored);
        var everything = string.Join('\n', (await db.Db.QueryAsync<dynamic>("SELECT * FROM api_tokens")).Select(r => string.Join(',', (IDictionary<string, object>)r)));
        Assert.DoesNotContain(acmeToken, everything, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_rotation_keeps_the_previous_secret_until_it_ends(string provider)
    {
        await using var db = await StoreDatabase.CreateAsync(provider);
        var store = Store(db);
        var before = await store.EnsureAsync("acme", null, default);

        var rotated = await store.RotateWebhookSecretAsync("acme", default);
        Assert.NotEqual(before.WebhookSecret, rotated.WebhookSecret);
        Assert.Equal(before.WebhookSecret, rotated.PreviousWebhookSecret);

        await store.EndRotationAsync("acme", default);
        var after = (await store.FindByNameAsync("acme", default))!;
        Assert.Equal(rotated.WebhookSecret, after.WebhookSecret);
        Assert.Null(after.PreviousWebhookSecret);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RotateWebhookSecretAsync("nobody", default));
    }

    [Theory]
    [MemberData(nameof(StoreDatabase.Providers), MemberType = typeof(StoreDatabase))]
    public async Task A_revoked_token_is_refused_at_once_and_stays_revoked(string provider)
    {
        await using var db = await StoreDatabase.CreateAsync(provider);
        var store = Store(db);
        var (first, second, other) = (WorkspaceStore.NewToken(), WorkspaceStore.NewToken(), WorkspaceStore.NewToken());
        var acme = await store.AddTokenAsync("acme", first, default);
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.AddTokenAsync("acme", second, default);
        await store.AddTokenAsync("other", other, default);
        Assert.NotNull(await store.FindByTokenAsync(first, default));

        // By the token itself: this process's cache forgets it at once.
        Assert.Equal(acme.Id, (await store.RevokeTokenAsync(first, default))!.Id);
        Assert.Null(await store.FindByTokenAsync(first, default));

        // By its id, as the listing shows it.
        var listed = (await store.ListTokensAsync("acme", default))!;
        Assert.Equal([WorkspaceStore.HashToken(first)[..12], WorkspaceStore.HashToken(second)[..12]], listed.Select(t => t.Id));
        Assert.NotNull(listed[0].RevokedAt);
        Assert.Null(listed[1].RevokedAt);
        Assert.Equal(acme.Id, (await store.RevokeTokenAsync(listed[1].Id, default))!.Id);
        Assert.Null(await store.FindByTokenAsync(second, default));

        // Adding it again (as a bootstrap token is at every start) does not bring it back; other tokens are untouched.
        await store.AddTokenAsync("acme", first, default);
        Assert.Null(await store.FindByTokenAsync(first, default));
        Assert.NotNull(await store.FindByTokenAsync(other, default));
        Assert.Null(await store.RevokeTokenAsync(WorkspaceStore.NewToken(), default));
        Assert.Null(await store.RevokeTokenAsync("000000000000", default));
        Assert.Null(await store.ListTokensAsync("nobody", default));
    }
}
