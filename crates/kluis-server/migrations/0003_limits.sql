-- Version 3: the sending limits (issue 12). The row `announce_lock` is
-- updated first by every announcement's transaction, so that announcements
-- are checked against the storage quotas and sending rates one at a time,
-- across server processes (a row lock on PostgreSQL, the write lock on
-- SQLite). Quotas sum the transfers of a sender: an index on sender; the
-- purge of abandoned announcements looks for unfinished old ones.
INSERT INTO settings (name, value) VALUES ('announce_lock', '0') ON CONFLICT (name) DO NOTHING;
CREATE INDEX IF NOT EXISTS transfers_sender ON transfers (sender);
CREATE INDEX IF NOT EXISTS transfers_created ON transfers (created_at);
