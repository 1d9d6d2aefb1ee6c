namespace Reelgen.Server.Data;

/// <summary>One step of the schema: its statements run in one transaction with the row recording its version.</summary>
internal sealed record Migration(int Version, string Description, string[] Statements);

/// <summary>
/// The tables, as ordered migrations in SQL that SQLite and PostgreSQL both accept. Times are Unix milliseconds
/// (BIGINT) so that both databases compare and index them the same way. A released migration never changes: a new
/// column, index or table is a new migration at the end, so every older data directory upgrades in place.
/// </summary>
internal static class Schema
{
    private static readonly string[] Version1 =
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
            attempts BIGINT NOT NULL DEFAULT 0,
            lease_owner TEXT NULL,
            lease_expires_at BIGINT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (created_at) WHERE status = 'in_queue'",
        "CREATE INDEX IF NOT EXISTS jobs_leases ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL",
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

    // Declared after the statements it lists: static fields are initialised in order.
    public static readonly Migration[] Migrations =
    [
        // The tables as they were before versions were recorded. "IF NOT EXISTS" lets a database made then (which has
        // them but no schema_version) take this step as a no-op and carry on from version 1.
        new(1, "Workspaces, tokens, jobs, videos, callbacks and templates", Version1),
        new(2, "Revoked tokens", ["ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT NULL"]),
        new(3, "Job warnings; jobs and videos listed newest first",
        [
            "ALTER TABLE jobs ADD COLUMN warnings TEXT NULL",
            "CREATE INDEX jobs_newest ON jobs (workspace_id, created_at, id)",
            "CREATE INDEX videos_newest ON videos (workspace_id, created_at, id)",
        ]),
        new(4, "A finished job's render figures", ["ALTER TABLE jobs ADD COLUMN render_stats TEXT NULL"]),
        new(5, "Fair claiming between workspaces: when each job was last claimed, and the indexes that rank workspaces",
        [
            "ALTER TABLE jobs ADD COLUMN claimed_at BIGINT NULL",
            "CREATE INDEX jobs_claims ON jobs (workspace_id, claimed_at)",
            "CREATE INDEX jobs_queue_by_workspace ON jobs (workspace_id, created_at) WHERE status = 'in_queue'",
            "CREATE INDEX jobs_running ON jobs (workspace_id) WHERE status IN ('preprocessing', 'preprocessing_finished', 'generating')",
        ]),
        // The W3C traceparent of the request that queued the job and of the step that wrote the callback, so the
        // worker and the dispatcher (any process) continue the same trace; the status index keeps the metrics' counts cheap.
        new(6, "Trace context of jobs and callbacks; jobs counted by status",
        [
            "ALTER TABLE jobs ADD COLUMN trace_parent TEXT NULL",
            "ALTER TABLE callback_deliveries ADD COLUMN trace_parent TEXT NULL",
            "CREATE INDEX jobs_status ON jobs (status)",
        ]),
        new(7, "Idempotency keys of job submissions, one per workspace and key",
        [
            """
            CREATE TABLE idempotency_keys (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                idempotency_key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                job_id TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, idempotency_key)
            )
            """,
            "CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)",
        ]),
    ];
}
