-- Kluis drop server metadata, version 1. Portable SQL (SQLite and
-- PostgreSQL); {serial} is "INTEGER PRIMARY KEY AUTOINCREMENT" on SQLite and
-- "BIGSERIAL PRIMARY KEY" on PostgreSQL. Times are Unix seconds.
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    address TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rate_limits (
    rate_key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    download_limit BIGINT,
    announcement TEXT NOT NULL,
    total_size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    downloads BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS transfers_expiry ON transfers (expires_at);
CREATE TABLE IF NOT EXISTS blobs (
    transfer_id TEXT NOT NULL,
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    size BIGINT NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (transfer_id, name)
);
CREATE TABLE IF NOT EXISTS downloads (
    id {serial},
    transfer_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    id {serial},
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    transfer_id TEXT,
    address TEXT,
    size BIGINT
);
