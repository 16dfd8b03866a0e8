//! The database side of the sending and reading limits: weighted
//! fixed-window counters, the announcement checked against the storage
//! quotas and the sending rates in one transaction, abandoned
//! announcements, and the pending sign-in code.

use kluis_protocol::{BlobName, TransferId};
use sqlx::{Any, Executor, Row};

use super::{Db, Result, TransferRow, stored};

/// One counter an announcement adds to: `add` hits on `key`, refused past
/// `limit` in the window (0: no limit, only counted).
#[derive(Debug, Clone)]
pub struct Counter {
    /// The counter's key (`send-transfers-sender:<address>`, say).
    pub key: String,
    /// What the announcement adds.
    pub add: u64,
    /// The most hits per window; 0: no limit.
    pub limit: u64,
}

/// What an announcement is checked against.
#[derive(Debug, Clone)]
pub struct SendLimits {
    /// The counters (transfers and recipients, per sender and per IP).
    pub counters: Vec<Counter>,
    /// Their window, in seconds.
    pub window: i64,
    /// The most announced bytes of the sender's transfers; 0: no limit.
    pub sender_quota: u64,
    /// The most announced bytes of all transfers; 0: no limit.
    pub total_quota: u64,
}

/// How an announcement went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    /// Stored, and counted.
    Created,
    /// A transfer with this id exists already (nothing counted).
    Exists,
    /// `SendLimits::counters[counter]` is used up: the window ends in
    /// `retry_after` seconds.
    RateLimited {
        /// The index of the counter.
        counter: usize,
        /// Seconds until the window ends.
        retry_after: i64,
    },
    /// The sender's transfers hold `used` announced bytes already.
    SenderQuota {
        /// Bytes announced before this transfer.
        used: i64,
    },
    /// All transfers hold `used` announced bytes already.
    TotalQuota {
        /// Bytes announced before this transfer.
        used: i64,
    },
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Adds `hits` (key, weight) to their fixed-window counters in one
/// statement (a window older than `window` seconds starts anew); answers
/// each counter's hits and window start, in the order given. The keys
/// must differ.
async fn add_hits<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    hits: &[(String, u64)],
    now: i64,
    window: i64,
) -> Result<Vec<(i64, i64)>> {
    let values: Vec<String> = (0..hits.len()).map(|i| format!("(${}, $1, ${})", 2 * i + 3, 2 * i + 4)).collect();
    let sql = format!(
        "INSERT INTO rate_limits (rate_key, window_start, hits) VALUES {} \
         ON CONFLICT (rate_key) DO UPDATE SET \
         hits = CASE WHEN rate_limits.window_start <= $2 THEN excluded.hits ELSE rate_limits.hits + excluded.hits END, \
         window_start = CASE WHEN rate_limits.window_start <= $2 THEN excluded.window_start ELSE rate_limits.window_start END \
         RETURNING rate_key, hits, window_start",
        values.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(now).bind(now - window);
    for (key, weight) in hits {
        query = query.bind(key.clone()).bind(signed(*weight));
    }
    let rows = query.fetch_all(executor).await?;
    let mut out = vec![(0, now); hits.len()];
    for row in &rows {
        let key: String = row.try_get("rate_key")?;
        if let Some(i) = hits.iter().position(|(k, _)| *k == key) {
            out[i] = (row.try_get("hits")?, row.try_get("window_start")?);
        }
    }
    Ok(out)
}

impl Db {
    /// Adds weighted hits to counters (reads: a refused request counts
    /// too); answers each counter's hits and window start, in order.
    pub async fn rate_add(&self, hits: &[(String, u64)], now: i64, window: i64) -> Result<Vec<(i64, i64)>> {
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        add_hits(&self.pool, hits, now, window).await
    }

    /// Stores the announcement `t` and its blobs unless a limit refuses it:
    /// the sender's and the overall storage quota (announced bytes of the
    /// transfers held, this one included) and the counters, which count it
    /// only when it is stored. A repeat of an existing id counts nothing.
    /// One transaction, begun by taking the `announce_lock` row, so that
    /// concurrent announcements (several processes too) are checked one at
    /// a time.
    pub async fn announce(
        &self,
        t: &TransferRow,
        blobs: &[(BlobName, i64)],
        now: i64,
        limits: &SendLimits,
    ) -> Result<Announced> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE settings SET value = value WHERE name = 'announce_lock'").execute(&mut *tx).await?;
        if !super::insert_transfer_row(&mut tx, t, now).await? {
            tx.rollback().await?;
            return Ok(Announced::Exists);
        }
        let sum = "SELECT CAST(COALESCE(SUM(total_size), 0) AS BIGINT) AS used FROM transfers";
        if limits.sender_quota > 0 {
            let row = sqlx::query(&format!("{sum} WHERE sender = $1")).bind(&t.sender).fetch_one(&mut *tx).await?;
            let used: i64 = row.try_get("used")?;
            if used > signed(limits.sender_quota) {
                tx.rollback().await?;
                return Ok(Announced::SenderQuota { used: used - t.total_size });
            }
        }
        if limits.total_quota > 0 {
            let used: i64 = sqlx::query(sum).fetch_one(&mut *tx).await?.try_get("used")?;
            if used > signed(limits.total_quota) {
                tx.rollback().await?;
                return Ok(Announced::TotalQuota { used: used - t.total_size });
            }
        }
        for (i, counter) in limits.counters.iter().enumerate() {
            if counter.limit == 0 {
                continue;
            }
            let row = sqlx::query("SELECT hits, window_start FROM rate_limits WHERE rate_key = $1")
                .bind(&counter.key)
                .fetch_optional(&mut *tx)
                .await?;
            let (hits, start) = match row {
                Some(row) => (row.try_get::<i64, _>("hits")?, row.try_get::<i64, _>("window_start")?),
                None => (0, now),
            };
            let live = start > now - limits.window;
            let hits = if live { hits } else { 0 };
            if hits.saturating_add(signed(counter.add)) > signed(counter.limit) {
                tx.rollback().await?;
                let retry_after = if live { (start + limits.window - now).max(1) } else { limits.window };
                return Ok(Announced::RateLimited { counter: i, retry_after });
            }
        }
        let hits: Vec<(String, u64)> = limits.counters.iter().map(|c| (c.key.clone(), c.add)).collect();
        if !hits.is_empty() {
            add_hits(&mut *tx, &hits, now, limits.window).await?;
        }
        super::insert_blob_rows(&mut tx, &t.id, blobs).await?;
        tx.commit().await?;
        Ok(Announced::Created)
    }

    /// Up to `limit` transfers announced before `before` and never
    /// finished: (id, sender, total size).
    pub async fn abandoned(&self, before: i64, limit: i64) -> Result<Vec<(TransferId, String, i64)>> {
        let rows = sqlx::query(
            "SELECT id, sender, total_size FROM transfers WHERE finished_at IS NULL AND created_at <= $1 \
             ORDER BY created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((stored(r.try_get("id")?)?, r.try_get("sender")?, r.try_get("total_size")?))).collect()
    }

    /// Stores a new code for `address` unless one is pending: unexpired at
    /// `now` with attempts left (fewer than `max_attempts`). True when
    /// stored; false leaves the pending code as it is.
    pub async fn put_code_unless_pending(
        &self,
        address: &str,
        code_hash: &str,
        expires_at: i64,
        now: i64,
        max_attempts: u64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO codes (address, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (address) DO UPDATE SET code_hash = $2, expires_at = $3, attempts = 0 \
             WHERE codes.expires_at <= $4 OR codes.attempts >= $5",
        )
        .bind(address)
        .bind(code_hash)
        .bind(expires_at)
        .bind(now)
        .bind(signed(max_attempts))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// When `address` has a pending code (unexpired at `now`, attempts
    /// left), its expiry.
    pub async fn pending_code(&self, address: &str, now: i64, max_attempts: u64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT expires_at FROM codes WHERE address = $1 AND expires_at > $2 AND attempts < $3")
            .bind(address)
            .bind(now)
            .bind(signed(max_attempts))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("expires_at")).transpose().map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u8, sender: &str, size: i64) -> TransferRow {
        TransferRow {
            id: TransferId::from_bytes([id; 16]),
            sender: sender.into(),
            recipients: "[]".into(),
            expires_at: 9000,
            download_limit: None,
            announcement: "{}".into(),
            total_size: size,
            finished_at: None,
            downloads: 0,
        }
    }

    fn limits(counters: Vec<Counter>, sender_quota: u64, total_quota: u64) -> SendLimits {
        SendLimits { counters, window: 100, sender_quota, total_quota }
    }

    #[tokio::test]
    async fn announcements_count_against_quotas_and_counters_only_when_stored() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        let m = [(BlobName::Manifest, 10)];
        let counter = |add| vec![Counter { key: "k".into(), add, limit: 5 }];
        let quota = limits(counter(2), 25, 35);
        assert_eq!(db.announce(&row(1, "a", 10), &m, 1000, &quota).await?, Announced::Created);
        assert_eq!(db.announce(&row(1, "a", 10), &m, 1000, &quota).await?, Announced::Exists, "a repeat");
        assert_eq!(db.announce(&row(2, "a", 10), &m, 1000, &quota).await?, Announced::Created);
        assert_eq!(db.announce(&row(3, "a", 10), &m, 1000, &quota).await?, Announced::SenderQuota { used: 20 });
        assert!(db.transfer(&TransferId::from_bytes([3; 16])).await?.is_none(), "a refusal stores nothing");
        assert_eq!(db.announce(&row(4, "b", 10), &m, 1000, &limits(vec![], 25, 35)).await?, Announced::Created);
        assert_eq!(db.announce(&row(5, "b", 10), &m, 1000, &quota).await?, Announced::TotalQuota { used: 30 });
        // The counter holds 4 of 5 (two announcements of 2): a third is refused
        // until the window ends, and the refusal did not count.
        let full = limits(counter(2), 0, 0);
        assert_eq!(
            db.announce(&row(6, "c", 1), &m, 1040, &full).await?,
            Announced::RateLimited { counter: 0, retry_after: 60 }
        );
        let one = limits(counter(1), 0, 0);
        assert_eq!(db.announce(&row(6, "c", 1), &m, 1040, &one).await?, Announced::Created, "4 + 1 fits");
        assert_eq!(db.announce(&row(7, "c", 1), &m, 1100, &full).await?, Announced::Created, "a new window");
        // Deleting releases the quota.
        db.delete_transfer(&TransferId::from_bytes([1; 16])).await?;
        assert_eq!(db.announce(&row(3, "a", 10), &m, 1000, &limits(vec![], 25, 0)).await?, Announced::Created);
        assert_eq!(db.blobs(&TransferId::from_bytes([3; 16])).await?.len(), 1);
        assert_eq!(db.abandoned(1000, 10).await?.len(), 3, "unfinished, announced at 1000 or before");
        assert_eq!(db.abandoned(1100, 10).await?.len(), 5);
        assert_eq!(db.abandoned(999, 10).await?.len(), 0);
        Ok(())
    }

    #[tokio::test]
    async fn weighted_counters_add_in_one_statement() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        let hits = [("x".to_string(), 3), ("y".to_string(), 1)];
        assert_eq!(db.rate_add(&hits, 1000, 60).await?, [(3, 1000), (1, 1000)]);
        assert_eq!(db.rate_add(&hits, 1010, 60).await?, [(6, 1000), (2, 1000)]);
        assert_eq!(db.rate_add(&hits[1..], 1060, 60).await?, [(1, 1060)], "a new window");
        Ok(())
    }

    #[tokio::test]
    async fn a_pending_code_is_not_replaced() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        assert!(db.put_code_unless_pending("a@x.org", "h1", 2000, 1000, 2).await?);
        assert_eq!(db.pending_code("a@x.org", 1000, 2).await?, Some(2000));
        assert!(!db.put_code_unless_pending("a@x.org", "h2", 2100, 1100, 2).await?, "pending");
        assert_eq!(db.attempt_code("a@x.org", 1100, 2).await?.as_deref(), Some("h1"), "the first code stays");
        assert_eq!(db.attempt_code("a@x.org", 1100, 2).await?.as_deref(), Some("h1"));
        assert_eq!(db.pending_code("a@x.org", 1100, 2).await?, None, "attempts used up");
        assert!(db.put_code_unless_pending("a@x.org", "h3", 2200, 1200, 2).await?, "a dead code is replaced");
        assert!(db.put_code_unless_pending("a@x.org", "h4", 3300, 2200, 2).await?, "so is an expired one");
        assert_eq!(db.attempt_code("a@x.org", 2300, 2).await?.as_deref(), Some("h4"));
        Ok(())
    }
}
