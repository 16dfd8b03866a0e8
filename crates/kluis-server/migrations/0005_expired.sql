-- Version 5: an expired transfer leaves a note when the purge deletes it,
-- kept for `purge.expired_notice_secs` (default 90 days), so that its link
-- still says "this link has expired" instead of "this link does not work".
-- The id and how long the note stays, nothing else (the audit log already
-- keeps the id, with more, for longer).
CREATE TABLE IF NOT EXISTS expired_notes (
    transfer_id TEXT PRIMARY KEY,
    keep_until BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS expired_notes_keep ON expired_notes (keep_until);
