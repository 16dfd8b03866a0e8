//! Metadata in SQLite or PostgreSQL (one [`sqlx::AnyPool`]): codes, tokens,
//! rate-limit counters, transfers, blobs, downloads and the audit log.
//! Every statement is portable SQL with `$n` parameters; anything that must
//! be atomic across server processes is one statement, or (an announcement
//! against the quotas and sending rates, [`limits`]) one transaction begun
//! by taking a lock row.

use std::time::Duration;

use kluis_protocol::{BlobName, TransferId};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

pub mod limits;
pub use limits::{Announced, Counter, SendLimits};

/// A database failure.
#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct DbError(String);

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError(e.to_string())
    }
}

type Result<T> = std::result::Result<T, DbError>;

/// The PostgreSQL advisory lock key that migrations hold (`migrate`): any
/// fixed number no other program on the database uses ("kluismig" in ASCII).
const MIGRATION_LOCK: i64 = 0x6b6c_7569_736d_6967;

/// The schema versions, applied in order; `{serial}` is replaced per backend.
const MIGRATIONS: [(i64, &str); 5] = [
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_notified.sql")),
    (3, include_str!("../../migrations/0003_limits.sql")),
    (4, include_str!("../../migrations/0004_web.sql")),
    (5, include_str!("../../migrations/0005_expired.sql")),
];

mod web;
pub use web::{ReplyGrant, ReplyGranted};

/// The metadata database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    sqlite: bool,
}

/// A transfer's row.
#[derive(Debug, Clone)]
pub struct TransferRow {
    /// The transfer id.
    pub id: TransferId,
    /// The verified sender.
    pub sender: String,
    /// The recipients (JSON array of strings).
    pub recipients: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Download limit.
    pub download_limit: Option<i64>,
    /// The announcement as stored (canonical JSON), for idempotent repeats.
    pub announcement: String,
    /// Total announced bytes.
    pub total_size: i64,
    /// When finished (recipients notified), if so.
    pub finished_at: Option<i64>,
    /// Downloads counted so far.
    pub downloads: i64,
}

/// A blob's row.
#[derive(Debug, Clone)]
pub struct BlobRow {
    /// `manifest` or a blob id.
    pub name: BlobName,
    /// The announced size.
    pub size: i64,
    /// Whether the blob was finished.
    pub complete: bool,
}

/// An id as stored: only parsed ids are ever written.
fn stored<T: std::str::FromStr>(text: String) -> Result<T> {
    text.parse().map_err(|_| DbError(format!("the database holds an invalid id {text:?}")))
}

fn transfer_row(row: &AnyRow) -> Result<TransferRow> {
    Ok(TransferRow {
        id: stored(row.try_get("id")?)?,
        sender: row.try_get("sender")?,
        recipients: row.try_get("recipients")?,
        expires_at: row.try_get("expires_at")?,
        download_limit: row.try_get("download_limit")?,
        announcement: row.try_get("announcement")?,
        total_size: row.try_get("total_size")?,
        finished_at: row.try_get("finished_at")?,
        downloads: row.try_get("downloads")?,
    })
}

/// Creates the file of a `sqlite:` URL when it is missing, readable by the
/// server's user only (0600; SQLite gives its -wal and -shm files the same
/// mode), and missing folders above it 0700. An existing file is left as
/// it is; an in-memory database has no file.
fn create_sqlite_file(url: &str) -> Result<()> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path.starts_with(":memory:") || query.contains("mode=memory") || query.contains("mode=ro") {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    let io = |e: std::io::Error| DbError::from(sqlx::Error::Io(e));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::storage::fs::create_private_dir(parent).map_err(io)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(e)),
    }
}

/// Inserts a transfer's row unless its id exists: true when inserted.
async fn insert_transfer_row(tx: &mut sqlx::Transaction<'_, sqlx::Any>, t: &TransferRow, now: i64) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO transfers (id, sender, recipients, expires_at, download_limit, announcement, total_size, created_at, finished_at, downloads) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, 0) ON CONFLICT (id) DO NOTHING",
    )
    .bind(t.id.to_string())
    .bind(&t.sender)
    .bind(&t.recipients)
    .bind(t.expires_at)
    .bind(t.download_limit)
    .bind(&t.announcement)
    .bind(t.total_size)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Inserts a new transfer's blob rows, in announced order.
async fn insert_blob_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    transfer: &TransferId,
    blobs: &[(BlobName, i64)],
) -> Result<()> {
    for (position, (name, size)) in blobs.iter().enumerate() {
        sqlx::query(
            "INSERT INTO blobs (transfer_id, name, position, size, completed_at) VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(transfer.to_string())
        .bind(name.to_string())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(*size)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

const TRANSFER_COLUMNS: &str =
    "id, sender, recipients, expires_at, download_limit, announcement, total_size, finished_at, downloads";

impl Db {
    /// Connects (creating a SQLite file when missing) and migrates.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        if sqlite {
            create_sqlite_file(url)?;
        }
        let url = if sqlite && !url.contains("mode=") && !url.contains(":memory:") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.to_string()
        };
        // Each connection to an in-memory SQLite database has its own.
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = AnyPoolOptions::new()
            .max_connections(if memory {
                1
            } else if sqlite {
                4
            } else {
                10
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if sqlite {
                        // Several server processes may share the file.
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await?;
        if sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let db = Db { pool, sqlite };
        db.migrate().await?;
        Ok(db)
    }

    /// Applies the migrations not yet applied, each in a transaction of its
    /// own. On PostgreSQL each transaction first takes a transaction-level
    /// advisory lock ([`MIGRATION_LOCK`]), so that servers starting at the
    /// same moment on one database migrate one after the other: the
    /// second finds the versions done instead of colliding on the catalog
    /// (`CREATE TABLE IF NOT EXISTS` is not atomic there). The lock ends
    /// with its transaction, whatever happens.
    async fn migrate(&self) -> Result<()> {
        let serial = if self.sqlite { "INTEGER PRIMARY KEY AUTOINCREMENT" } else { "BIGSERIAL PRIMARY KEY" };
        let lock = format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})");
        let mut tx = self.pool.begin().await?;
        if !self.sqlite {
            tx.execute(lock.as_str()).await?;
        }
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await?;
        tx.commit().await?;
        for (version, script) in MIGRATIONS {
            let mut tx = self.pool.begin().await?;
            if !self.sqlite {
                tx.execute(lock.as_str()).await?;
            }
            let done = sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                tx.commit().await?;
                continue;
            }
            let script = script
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .replace("{serial}", serial);
            for statement in script.split(';').filter(|s| !s.trim().is_empty()) {
                tx.execute(statement).await?;
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
            )
            .bind(version)
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// The setting `name`, set to `fresh` first if it has none (atomically,
    /// so every process sharing the database gets the same value).
    pub async fn setting_or_insert(&self, name: &str, fresh: &str) -> Result<String> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(fresh)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1").bind(name).fetch_one(&self.pool).await?;
        Ok(row.try_get("value")?)
    }

    /// Counts one hit on `key` in a fixed window of `window` seconds;
    /// answers `Err(seconds to wait)` inside `Ok` when over `limit`.
    pub async fn rate_hit(&self, key: &str, now: i64, window: i64, limit: u64) -> Result<std::result::Result<(), i64>> {
        let row = sqlx::query(
            "INSERT INTO rate_limits (rate_key, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (rate_key) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
             window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END \
             RETURNING hits, window_start",
        )
        .bind(key)
        .bind(now)
        .bind(now - window)
        .fetch_one(&self.pool)
        .await?;
        let hits: i64 = row.try_get("hits")?;
        let start: i64 = row.try_get("window_start")?;
        if u64::try_from(hits).unwrap_or(u64::MAX) > limit {
            Ok(Err((start + window - now).max(1)))
        } else {
            Ok(Ok(()))
        }
    }

    /// Stores a new code for `address`, replacing any older one (the API
    /// uses [`Db::put_code_unless_pending`]).
    pub async fn put_code(&self, address: &str, code_hash: &str, expires_at: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO codes (address, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (address) DO UPDATE SET code_hash = $2, expires_at = $3, attempts = 0",
        )
        .bind(address)
        .bind(code_hash)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts one attempt on `address`'s live code and returns its hash
    /// (`None`: no live code, or its attempts are used up).
    pub async fn attempt_code(&self, address: &str, now: i64, max_attempts: u64) -> Result<Option<String>> {
        let max = i64::try_from(max_attempts).unwrap_or(i64::MAX);
        let row = sqlx::query(
            "UPDATE codes SET attempts = attempts + 1 \
             WHERE address = $1 AND expires_at > $2 AND attempts < $3 RETURNING code_hash",
        )
        .bind(address)
        .bind(now)
        .bind(max)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get("code_hash")).transpose().map_err(Into::into)
    }

    /// Uses up the code: true for the one caller that removed it.
    pub async fn consume_code(&self, address: &str, code_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM codes WHERE address = $1 AND code_hash = $2")
            .bind(address)
            .bind(code_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a token's hash.
    pub async fn put_token(&self, token_hash: &str, address: &str, expires_at: i64) -> Result<()> {
        sqlx::query("INSERT INTO tokens (token_hash, address, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(address)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The address of a live token, with the stored hash (for a
    /// constant-time comparison by the caller).
    pub async fn token(&self, token_hash: &str, now: i64) -> Result<Option<(String, String)>> {
        let row = sqlx::query("SELECT token_hash, address FROM tokens WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some((r.try_get("token_hash")?, r.try_get("address")?))),
            None => Ok(None),
        }
    }

    /// A transfer by id.
    pub async fn transfer(&self, id: &TransferId) -> Result<Option<TransferRow>> {
        let row = sqlx::query(&format!("SELECT {TRANSFER_COLUMNS} FROM transfers WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(transfer_row).transpose()
    }

    /// Inserts a transfer and its blobs, checking no limit; false when the
    /// id exists already. (The API announces with [`Db::announce`].)
    pub async fn insert_transfer(&self, t: &TransferRow, blobs: &[(BlobName, i64)], now: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if !insert_transfer_row(&mut tx, t, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_blob_rows(&mut tx, &t.id, blobs).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The blobs of a transfer, in announced order.
    pub async fn blobs(&self, transfer: &TransferId) -> Result<Vec<BlobRow>> {
        let rows = sqlx::query("SELECT name, size, completed_at FROM blobs WHERE transfer_id = $1 ORDER BY position")
            .bind(transfer.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let completed: Option<i64> = r.try_get("completed_at")?;
                Ok(BlobRow {
                    name: stored(r.try_get("name")?)?,
                    size: r.try_get("size")?,
                    complete: completed.is_some(),
                })
            })
            .collect()
    }

    /// Marks a blob complete; true the first time.
    pub async fn complete_blob(&self, transfer: &TransferId, blob: &BlobName, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE blobs SET completed_at = $3 WHERE transfer_id = $1 AND name = $2 AND completed_at IS NULL",
        )
        .bind(transfer.to_string())
        .bind(blob.to_string())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks the transfer finished; true for the one caller that did.
    pub async fn finish_transfer(&self, transfer: &TransferId, now: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE transfers SET finished_at = $2 WHERE id = $1 AND finished_at IS NULL")
            .bind(transfer.to_string())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Undoes [`Db::finish_transfer`] (the notices could not be sent).
    pub async fn unfinish_transfer(&self, transfer: &TransferId) -> Result<()> {
        sqlx::query("UPDATE transfers SET finished_at = NULL WHERE id = $1")
            .bind(transfer.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Counts one download unless the limit is reached; the new count, or
    /// `None` at the limit.
    pub async fn count_download(&self, transfer: &TransferId, now: i64) -> Result<Option<i64>> {
        let row = sqlx::query(
            "UPDATE transfers SET downloads = downloads + 1 \
             WHERE id = $1 AND (download_limit IS NULL OR downloads < download_limit) RETURNING downloads",
        )
        .bind(transfer.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        sqlx::query("INSERT INTO downloads (transfer_id, at) VALUES ($1, $2)")
            .bind(transfer.to_string())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(Some(row.try_get("downloads")?))
    }

    /// Removes a transfer's rows (not its audit entries).
    pub async fn delete_transfer(&self, transfer: &TransferId) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let tables = [
            "blobs WHERE transfer_id",
            "downloads WHERE transfer_id",
            "notified WHERE transfer_id",
            "transfers WHERE id",
        ];
        for table_and_column in tables {
            sqlx::query(&format!("DELETE FROM {table_and_column} = $1"))
                .bind(transfer.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` transfers expired at `now`: (id, sender, total size).
    pub async fn expired(&self, now: i64, limit: i64) -> Result<Vec<(TransferId, String, i64)>> {
        let rows = sqlx::query(
            "SELECT id, sender, total_size FROM transfers WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((stored(r.try_get("id")?)?, r.try_get("sender")?, r.try_get("total_size")?))).collect()
    }

    /// Removes expired codes and tokens and rate counters whose window
    /// (`window` seconds: the longest of the windows) has ended.
    pub async fn sweep(&self, now: i64, window: i64) -> Result<()> {
        sqlx::query("DELETE FROM codes WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("DELETE FROM tokens WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("DELETE FROM rate_limits WHERE window_start <= $1").bind(now - window).execute(&self.pool).await?;
        Ok(())
    }

    /// Deletes the audit entries written before `before` (unix seconds);
    /// answers how many.
    pub async fn purge_audit(&self, before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM audit_log WHERE at < $1").bind(before).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    /// Appends an audit entry; never give it a code, token or secret.
    pub async fn audit(
        &self,
        event: &str,
        transfer: Option<&TransferId>,
        address: Option<&str>,
        size: Option<i64>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (at, event, transfer_id, address, size) VALUES ($1, $2, $3, $4, $5)")
            .bind(crate::now())
            .bind(event)
            .bind(transfer.map(TransferId::to_string))
            .bind(address)
            .bind(size)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The audit log's events for a transfer, oldest first (for tests and operators).
    pub async fn audit_events(&self, transfer: &TransferId) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT event FROM audit_log WHERE transfer_id = $1 ORDER BY id")
            .bind(transfer.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get("event").map_err(Into::into)).collect()
    }

    /// The recipients already mailed the transfer's notice.
    pub async fn notified(&self, transfer: &TransferId) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT address FROM notified WHERE transfer_id = $1")
            .bind(transfer.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get("address").map_err(Into::into)).collect()
    }

    /// Records that `address` was mailed the transfer's notice.
    pub async fn mark_notified(&self, transfer: &TransferId, address: &str, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO notified (transfer_id, address, at) VALUES ($1, $2, $3) ON CONFLICT (transfer_id, address) DO NOTHING",
        )
        .bind(transfer.to_string())
        .bind(address)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_sqlite_file_and_its_folder_are_private() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(|e| DbError::from(sqlx::Error::Io(e)))?;
        let file = dir.path().join("state").join("kluis.db");
        let db = Db::connect(&format!("sqlite://{}", file.display())).await?;
        db.audit("created", None, None, None).await?;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).map_err(|e| DbError::from(sqlx::Error::Io(e)))
        };
        assert_eq!(mode(&dir.path().join("state"))?, 0o700);
        assert_eq!(mode(&file)?, 0o600);
        let wal = dir.path().join("state").join("kluis.db-wal");
        if wal.exists() {
            assert_eq!(mode(&wal)?, 0o600);
        }
        db.close().await;
        Ok(())
    }

    #[tokio::test]
    async fn old_audit_entries_are_purged() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        let t = &TransferId::from_bytes([3; 16]);
        db.audit("created", Some(t), None, None).await?;
        sqlx::query("UPDATE audit_log SET at = 1000").execute(&db.pool).await?;
        db.audit("downloaded", Some(t), None, None).await?;
        assert_eq!(db.purge_audit(crate::now() - 86_400).await?, 1);
        assert_eq!(db.audit_events(t).await?, ["downloaded"]);
        Ok(())
    }

    #[tokio::test]
    async fn counters_codes_and_downloads_are_atomic_statements() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        db.migrate().await?; // a second run changes nothing
        assert_eq!(db.rate_hit("k", 1000, 60, 2).await?, Ok(()));
        assert_eq!(db.rate_hit("k", 1001, 60, 2).await?, Ok(()));
        assert_eq!(db.rate_hit("k", 1010, 60, 2).await?, Err(50), "third hit: wait for the window's end");
        assert_eq!(db.rate_hit("k", 1060, 60, 2).await?, Ok(()), "a new window");

        db.put_code("a@x.org", "h1", 2000).await?;
        assert_eq!(db.attempt_code("a@x.org", 1999, 2).await?.as_deref(), Some("h1"));
        assert_eq!(db.attempt_code("a@x.org", 1999, 2).await?.as_deref(), Some("h1"));
        assert_eq!(db.attempt_code("a@x.org", 1999, 2).await?, None, "attempts used up");
        db.put_code("a@x.org", "h2", 2000).await?;
        assert_eq!(db.attempt_code("a@x.org", 2000, 2).await?, None, "expired");
        assert_eq!(db.attempt_code("a@x.org", 1500, 2).await?.as_deref(), Some("h2"), "a new code resets");
        assert!(db.consume_code("a@x.org", "h2").await?);
        assert!(!db.consume_code("a@x.org", "h2").await?, "single use");

        let t = &TransferId::from_bytes([7; 16]);
        let m = BlobName::Manifest;
        let row = TransferRow {
            id: *t,
            sender: "a@x.org".into(),
            recipients: "[]".into(),
            expires_at: 5000,
            download_limit: Some(2),
            announcement: "{}".into(),
            total_size: 3,
            finished_at: None,
            downloads: 0,
        };
        assert!(db.insert_transfer(&row, &[(m, 3)], 1000).await?);
        assert!(!db.insert_transfer(&row, &[(m, 3)], 1000).await?, "ids are unique");
        assert!(db.complete_blob(t, &m, 1001).await?);
        assert!(!db.complete_blob(t, &m, 1002).await?);
        assert!(db.finish_transfer(t, 1003).await?);
        assert!(!db.finish_transfer(t, 1004).await?, "finished once");
        assert_eq!(db.count_download(t, 1005).await?, Some(1));
        assert_eq!(db.count_download(t, 1006).await?, Some(2));
        assert_eq!(db.count_download(t, 1007).await?, None, "the limit");
        assert_eq!(db.expired(4999, 10).await?.len(), 0);
        assert_eq!(db.expired(5000, 10).await?, vec![(*t, "a@x.org".to_string(), 3)]);
        db.mark_notified(t, "b@x.org", 1008).await?;
        db.mark_notified(t, "b@x.org", 1009).await?;
        assert_eq!(db.notified(t).await?, ["b@x.org"], "mailed once, recorded once");
        db.delete_transfer(t).await?;
        assert!(db.notified(t).await?.is_empty());
        assert!(db.transfer(t).await?.is_none());
        assert!(db.blobs(t).await?.is_empty());
        Ok(())
    }
}
