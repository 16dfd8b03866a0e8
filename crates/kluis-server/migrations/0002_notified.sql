-- Version 2: the recipients already mailed a transfer's notice get their
-- own table (read when finishing is repeated after a failed mail), instead
-- of being read back from the audit log. Existing notices are copied over.
CREATE TABLE IF NOT EXISTS notified (
    transfer_id TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (transfer_id, address)
);
INSERT INTO notified (transfer_id, address, at)
    SELECT transfer_id, address, MIN(at) FROM audit_log
    WHERE event = 'notified' AND transfer_id IS NOT NULL AND address IS NOT NULL
    GROUP BY transfer_id, address;
