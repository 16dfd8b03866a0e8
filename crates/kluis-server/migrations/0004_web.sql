-- Version 3: the web pages (docs/WEB.md). A withdrawn transfer leaves a
-- tombstone until its original expiry, so that its page says "withdrawn";
-- a reply token (the transfer link is the capability) is recorded with the
-- transfer it answers, its only sender and recipient, and the one reply
-- transfer it was used for, kept until both the token and the original
-- transfer have expired (the per-transfer reply count).
CREATE TABLE IF NOT EXISTS tombstones (
    transfer_id TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS replies (
    token_hash TEXT PRIMARY KEY,
    transfer_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    reply_id TEXT,
    expires_at BIGINT NOT NULL,
    keep_until BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS replies_transfer ON replies (transfer_id);
