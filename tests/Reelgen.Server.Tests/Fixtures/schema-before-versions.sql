-- A Reelgen database as the service made it before schema versions were recorded (no schema_version table),
-- with a workspace, a token, a finished job and its video, and a queued job. Plain SQL that SQLite and PostgreSQL
-- both run. The token of workspace 'legacy' is rg_made_before_schema_versions_0123456789.

CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    webhook_secret TEXT NOT NULL,
    previous_webhook_secret TEXT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    created_at BIGINT NOT NULL
);
CREATE TABLE jobs (
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
);
CREATE INDEX jobs_queue ON jobs (created_at) WHERE status = 'in_queue';
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL;
CREATE TABLE videos (
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
);
CREATE TABLE callback_deliveries (
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
);
CREATE INDEX callback_deliveries_due ON callback_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX callback_deliveries_job ON callback_deliveries (job_id);
CREATE TABLE callback_attempts (
    delivery_id TEXT NOT NULL REFERENCES callback_deliveries(id),
    attempt BIGINT NOT NULL,
    attempted_at BIGINT NOT NULL,
    status_code BIGINT NULL,
    error TEXT NULL,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    request TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

INSERT INTO workspaces (id, name, webhook_secret, previous_webhook_secret, created_at)
VALUES ('0190f000-0000-7000-8000-000000000001', 'legacy', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', NULL, 1767225600000);
INSERT INTO api_tokens (token_hash, workspace_id, created_at)
VALUES ('29545af6e614bc7748e84f7cf86aea1f5c0e62624a706b0500ac2a8d57d8f200', '0190f000-0000-7000-8000-000000000001', 1767225600000);
INSERT INTO jobs (id, workspace_id, video_id, status, progress, maximum_progress, request, callback_url, error, attempts, lease_owner, lease_expires_at, created_at, updated_at)
VALUES ('0190f000-0000-7000-8000-000000000010', '0190f000-0000-7000-8000-000000000001', '0190f000-0000-7000-8000-000000000011', 'finished', 100, 100,
        '{"videoCreative":{"settings":{"name":"Made before versions","videoSize":{"width":320,"height":240}},"scenes":[{"duration":1000,"tracks":[]}]}}',
        NULL, NULL, 1, NULL, NULL, 1767225600000, 1767225660000);
INSERT INTO videos (id, job_id, workspace_id, name, file_key, share_id, size_bytes, duration_seconds, width, height, has_captions, created_at, deleted_at)
VALUES ('0190f000-0000-7000-8000-000000000011', '0190f000-0000-7000-8000-000000000010', '0190f000-0000-7000-8000-000000000001', 'Made before versions',
        'legacyfilekey0000000000', 'legacyshareid000000000', 12345, 1.0, 320, 240, 0, 1767225660000, NULL);
INSERT INTO jobs (id, workspace_id, video_id, status, progress, maximum_progress, request, callback_url, error, attempts, lease_owner, lease_expires_at, created_at, updated_at)
VALUES ('0190f000-0000-7000-8000-000000000020', '0190f000-0000-7000-8000-000000000001', '0190f000-0000-7000-8000-000000000021', 'in_queue', 0, 100,
        '{"videoCreative":{"settings":{"name":"Queued before versions","videoSize":{"width":320,"height":240},"backgroundColor":"#C02020"},"scenes":[{"duration":1000,"tracks":[]}]}}',
        NULL, NULL, 0, NULL, NULL, 1767225700000, 1767225700000);
