using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Reelgen.Server.Data;

namespace Reelgen.Server.Workspaces;

public sealed record Workspace(string Id, string Name, string WebhookSecret, string? PreviousWebhookSecret);

/// <summary>A token as listed: its id (the first 12 hex digits of its hash; the token itself is never stored) and its dates.</summary>
public sealed record TokenInfo(string Id, long CreatedAt, long? RevokedAt);

/// <summary>Workspaces and their API tokens. Tokens are stored only as SHA-256 hashes; they carry 256 random bits, so a fast hash is enough.</summary>
public sealed class WorkspaceStore(Db db, TimeProvider time, IMemoryCache cache)
{
    // Every API request authenticates; a short-lived cache of hash -> workspace spares the database that query.
    // A token revoked in another process (the CLI) is still honoured here until its entry lapses, so the entry lives
    // well under the promised second.
    private static readonly TimeSpan TokenCacheTime = TimeSpan.FromMilliseconds(500);

    /// <summary>Length of a token's id: hex digits of its hash, 48 bits, enough to tell a workspace's tokens apart.</summary>
    public const int TokenIdLength = 12;

    /// <summary>A new token: <c>rg_</c> and 32 random bytes, base64url.</summary>
    public static string NewToken() => "rg_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new signing secret in the Standard Webhooks form <c>whsec_&lt;base64 of 32 random bytes&gt;</c>.</summary>
    public static string NewWebhookSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>An unguessable id for public URLs: 128 random bits, base64url.</summary>
    public static string NewSecretId() => Base64Url(RandomNumberGenerator.GetBytes(16));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public Task<Workspace?> FindByTokenAsync(string token, CancellationToken ct) => FindByTokenHashAsync(HashToken(token), ct);

    /// <summary>The workspace of a token not revoked, given the token's hash (what a dashboard session keeps instead of the token).</summary>
    public async Task<Workspace?> FindByTokenHashAsync(string hash, CancellationToken ct)
    {
        if (cache.TryGetValue<Workspace>(hash, out var cached))
            return cached;
        var workspace = await db.QuerySingleOrDefaultAsync<Workspace>(
            "SELECT w.id, w.name, w.webhook_secret, w.previous_webhook_secret FROM api_tokens t JOIN workspaces w ON w.id = t.workspace_id WHERE t.token_hash = @hash AND t.revoked_at IS NULL",
            new { hash }, ct);
        if (workspace is not null)
            cache.Set(hash, workspace, TokenCacheTime);
        return workspace;
    }

    public Task<Workspace?> FindByIdAsync(string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Workspace>("SELECT id, name, webhook_secret, previous_webhook_secret FROM workspaces WHERE id = @id", new { id }, ct);

    public Task<Workspace?> FindByNameAsync(string name, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Workspace>("SELECT id, name, webhook_secret, previous_webhook_secret FROM workspaces WHERE name = @name", new { name }, ct);

    /// <summary>
    /// The workspace with this name, created with a fresh (or the given) secret when missing. An existing
    /// workspace keeps its secret: the given one only seeds a new workspace, so a rotation made since stands.
    /// </summary>
    public async Task<Workspace> EnsureAsync(string name, string? webhookSecret, CancellationToken ct)
    {
        await db.ExecuteAsync(
            "INSERT INTO workspaces (id, name, webhook_secret, created_at) VALUES (@id, @name, @secret, @now) ON CONFLICT (name) DO NOTHING",
            new { id = Guid.CreateVersion7().ToString(), name, secret = webhookSecret ?? NewWebhookSecret(), now = time.GetUtcNow().ToUnixTimeMilliseconds() }, ct);
        return (await FindByNameAsync(name, ct))!;
    }

    /// <summary>Adds a token to a workspace (created when missing); returns the workspace. A revoked token stays revoked.</summary>
    public async Task<Workspace> AddTokenAsync(string workspaceName, string token, CancellationToken ct)
    {
        var workspace = await EnsureAsync(workspaceName, null, ct);
        await db.ExecuteAsync(
            "INSERT INTO api_tokens (token_hash, workspace_id, created_at) VALUES (@hash, @workspaceId, @now) ON CONFLICT (token_hash) DO NOTHING",
            new { hash = HashToken(token), workspaceId = workspace.Id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, ct);
        return workspace;
    }

    /// <summary>The workspace's tokens, oldest first, revoked ones included; null when there is no such workspace.</summary>
    public async Task<IReadOnlyList<TokenInfo>?> ListTokensAsync(string workspaceName, CancellationToken ct)
    {
        if (await FindByNameAsync(workspaceName, ct) is not { } workspace)
            return null;
        var tokens = await db.QueryAsync<(string Hash, long CreatedAt, long? RevokedAt)>(
            "SELECT token_hash, created_at, revoked_at FROM api_tokens WHERE workspace_id = @id ORDER BY created_at, token_hash",
            new { id = workspace.Id }, ct);
        return [.. tokens.Select(t => new TokenInfo(t.Hash[..TokenIdLength], t.CreatedAt, t.RevokedAt))];
    }

    /// <summary>
    /// Revokes a token, given itself or its id from <see cref="ListTokensAsync"/>; returns the workspace it belonged
    /// to, or null when no token (or more than one, for an id) matches. Every process stops honouring it within a second.
    /// </summary>
    public async Task<Workspace?> RevokeTokenAsync(string tokenOrId, CancellationToken ct)
    {
        // A token is at least 32 characters, so a string of 12 hex digits can only be an id.
        var isId = tokenOrId.Length == TokenIdLength && tokenOrId.All(char.IsAsciiHexDigitLower);
        var hashes = isId
            ? await db.QueryAsync<string>("SELECT token_hash FROM api_tokens WHERE token_hash LIKE @prefix", new { prefix = tokenOrId + "%" }, ct)
            : [HashToken(tokenOrId)];
        if (hashes.Count != 1)
            return null;
        var hash = hashes[0];
        var workspaceId = await db.QuerySingleOrDefaultAsync<string>("SELECT workspace_id FROM api_tokens WHERE token_hash = @hash", new { hash }, ct);
        if (workspaceId is null)
            return null;
        await db.ExecuteAsync(
            "UPDATE api_tokens SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
            new { hash, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, ct);
        cache.Remove(hash);
        return await FindByIdAsync(workspaceId, ct);
    }

    /// <summary>Starts a rotation: the new secret signs from now on, and the old one is still sent until the next rotation.</summary>
    public async Task<Workspace> RotateWebhookSecretAsync(string workspaceName, CancellationToken ct)
    {
        await db.ExecuteAsync(
            "UPDATE workspaces SET previous_webhook_secret = webhook_secret, webhook_secret = @secret WHERE name = @workspaceName",
            new { workspaceName, secret = NewWebhookSecret() }, ct);
        return await FindByNameAsync(workspaceName, ct) ?? throw new InvalidOperationException($"no workspace named '{workspaceName}'");
    }

    /// <summary>Ends a rotation: only the current secret signs.</summary>
    public Task EndRotationAsync(string workspaceName, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE workspaces SET previous_webhook_secret = NULL WHERE name = @workspaceName", new { workspaceName }, ct);
}
