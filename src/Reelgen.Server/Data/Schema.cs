namespace Reelgen.Server.Data;

/// <summary>
/// The tables, in SQL that SQLite and PostgreSQL both accept. Times are Unix milliseconds (BIGINT) so that both
/// databases compare and index them the same way.
/// </summary>
internal static class Schema
{
    public static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS workspaces (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            webhook_secret TEXT NOT NULL,
            previous_webhook_secret TEXT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS api_tokens (
            token_hash TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            video_id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            progress BIGINT NOT NULL,
            maximum_progress BIGINT NOT NULL,
            request TEXT NOT NULL,
            callback_url TEXT NULL,
            error TEXT NULL,
            warnings TEXT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            lease_owner TEXT NULL,
            lease_expires_at BIGINT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (created_at) WHERE status = 'in_queue'",
        "CREATE INDEX IF NOT EXISTS jobs_leases ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS jobs_newest ON jobs (workspace_id, created_at, id)",
        """
        CREATE TABLE IF NOT EXISTS videos (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            name TEXT NOT NULL,
            file_key TEXT NOT NULL UNIQUE,
            share_id TEXT NOT NULL UNIQUE,
            size_bytes BIGINT NOT NULL,
            duration_seconds DOUBLE PRECISION NOT NULL,
            width BIGINT NOT NULL,
            height BIGINT NOT NULL,
            has_captions BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            deleted_at BIGINT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS videos_newest ON videos (workspace_id, created_at, id)",
        """
        CREATE TABLE IF NOT EXISTS callback_deliveries (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            url TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            round_start BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            lease_owner TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS callback_deliveries_due ON callback_deliveries (next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX IF NOT EXISTS callback_deliveries_job ON callback_deliveries (job_id)",
        """
        CREATE TABLE IF NOT EXISTS callback_attempts (
            delivery_id TEXT NOT NULL REFERENCES callback_deliveries(id),
            attempt BIGINT NOT NULL,
            attempted_at BIGINT NOT NULL,
            status_code BIGINT NULL,
            error TEXT NULL,
            duration_ms BIGINT NOT NULL,
            PRIMARY KEY (delivery_id, attempt)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS templates (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            request TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
    ];
}
