using Reelgen.Server.Data;

namespace Reelgen.Server.Videos;

public sealed class VideoRow
{
    public string Id { get; set; } = "";
    public string JobId { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string Name { get; set; } = "";
    public string FileKey { get; set; } = "";
    public string ShareId { get; set; } = "";
    public long SizeBytes { get; set; }
    public double DurationSeconds { get; set; }
    public long Width { get; set; }
    public long Height { get; set; }
    public long HasCaptions { get; set; }
    public long CreatedAt { get; set; }

    /// <summary>The job's warnings (JSON array or null); read by the queries that answer the API.</summary>
    public string? Warnings { get; set; }
}

/// <summary>Generated videos. A deleted video keeps its row (deleted_at) so its ids are never reused, but nothing serves it.</summary>
public sealed class VideoStore(Db db, TimeProvider time)
{
    private const string Columns = "id, job_id, workspace_id, name, file_key, share_id, size_bytes, duration_seconds, width, height, has_captions, created_at";

    // The job's warnings belong on its video's record too.
    private const string WithWarnings = "(SELECT warnings FROM jobs WHERE jobs.id = videos.job_id) AS warnings";

    public Task<VideoRow?> FindAsync(string workspaceId, string videoId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<VideoRow>($"SELECT {Columns}, {WithWarnings} FROM videos WHERE id = @videoId AND workspace_id = @workspaceId AND deleted_at IS NULL", new { videoId, workspaceId }, ct);

    /// <summary>The workspace's videos that exist (finished, not deleted), newest first.</summary>
    public async Task<Page<VideoRow>> ListAsync(string workspaceId, PageRequest page, CancellationToken ct)
    {
        var rows = await db.QueryAsync<VideoRow>(
            $"SELECT {Columns}, {WithWarnings} FROM videos WHERE workspace_id = @workspaceId AND deleted_at IS NULL{page.Sql}",
            new { workspaceId, page.AfterCreatedAt, page.AfterId, page.Take }, ct);
        return page.ToPage(rows, v => (v.CreatedAt, v.Id));
    }

    public Task<VideoRow?> FindByFileKeyAsync(string fileKey, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<VideoRow>($"SELECT {Columns} FROM videos WHERE file_key = @fileKey AND deleted_at IS NULL", new { fileKey }, ct);

    public Task<VideoRow?> FindByShareIdAsync(string shareId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<VideoRow>($"SELECT {Columns} FROM videos WHERE share_id = @shareId AND deleted_at IS NULL", new { shareId }, ct);

    /// <summary>Videos of every workspace made before <paramref name="before"/> (Unix ms) that still exist, oldest first.</summary>
    public Task<IReadOnlyList<VideoRow>> ListMadeBeforeAsync(long before, int limit, CancellationToken ct) =>
        db.QueryAsync<VideoRow>($"SELECT {Columns} FROM videos WHERE deleted_at IS NULL AND created_at < @before ORDER BY created_at, id LIMIT @limit", new { before, limit }, ct);

    /// <summary>Marks a video deleted, whichever workspace has it (its files are already gone).</summary>
    public Task<int> MarkDeletedAsync(string videoId, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE videos SET deleted_at = @now WHERE id = @videoId AND deleted_at IS NULL",
            new { videoId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, ct);

    public async Task<bool> DeleteAsync(string workspaceId, string videoId, CancellationToken ct) =>
        await db.ExecuteAsync("UPDATE videos SET deleted_at = @now WHERE id = @videoId AND workspace_id = @workspaceId AND deleted_at IS NULL",
            new { videoId, workspaceId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, ct) == 1;
}
