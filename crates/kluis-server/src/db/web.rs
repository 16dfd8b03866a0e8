//! The web pages' rows (migrations 4 and 5): tombstones of withdrawn
//! transfers, notes of expired ones the purge deleted, and reply grants.

use kluis_protocol::TransferId;
use sqlx::Row;

use super::{Db, Result, stored};

/// A reply token's grant: one transfer from `sender` to `to` only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyGrant {
    /// The transfer replied to.
    pub transfer: TransferId,
    /// The reply's sender (the replier's address).
    pub sender: String,
    /// The reply's only recipient (the original transfer's sender).
    pub to: String,
    /// The reply transfer, once announced.
    pub reply: Option<TransferId>,
}

/// How [`Db::grant_reply`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyGranted {
    /// The token is stored.
    Granted,
    /// The transfer's replies are used up (nothing stored).
    UsedUp,
    /// The transfer is gone (withdrawn or purged meanwhile; nothing stored).
    NoTransfer,
}

impl Db {
    /// Records that `transfer` was withdrawn; the tombstone lasts until
    /// `expires_at` (the transfer's own expiry).
    pub async fn put_tombstone(&self, transfer: &TransferId, expires_at: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO tombstones (transfer_id, expires_at) VALUES ($1, $2) \
             ON CONFLICT (transfer_id) DO UPDATE SET expires_at = $2",
        )
        .bind(transfer.to_string())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The original expiry of a withdrawn transfer whose tombstone is live at `now`.
    pub async fn tombstone(&self, transfer: &TransferId, now: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT expires_at FROM tombstones WHERE transfer_id = $1 AND expires_at > $2")
            .bind(transfer.to_string())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("expires_at")).transpose().map_err(Into::into)
    }

    /// Notes that the purge deleted `transfer` because it had expired; the
    /// note lasts until `keep_until` (its page says "expired" until then).
    pub async fn put_expired_note(&self, transfer: &TransferId, keep_until: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO expired_notes (transfer_id, keep_until) VALUES ($1, $2) \
             ON CONFLICT (transfer_id) DO UPDATE SET keep_until = $2",
        )
        .bind(transfer.to_string())
        .bind(keep_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether a note of `transfer`'s expiry is live at `now`.
    pub async fn expired_note(&self, transfer: &TransferId, now: i64) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS found FROM expired_notes WHERE transfer_id = $1 AND keep_until > $2")
            .bind(transfer.to_string())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Reply tokens granted for `transfer`.
    pub async fn reply_count(&self, transfer: &TransferId) -> Result<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM replies WHERE transfer_id = $1")
            .bind(transfer.to_string())
            .fetch_one(&self.pool)
            .await?;
        let n: i64 = row.try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Grants a reply token (its hash `token_hash`, valid until
    /// `expires_at`) unless `limit` tokens were granted for the transfer
    /// already; stores the token as a sender token of `grant.sender` too.
    ///
    /// One transaction that first locks the transfer's row (a no-op
    /// update), so that concurrent grants for one transfer, from several
    /// connections or server processes, count and insert one at a time:
    /// PostgreSQL holds the row lock to the commit and each later statement
    /// sees the rows committed before it; SQLite takes its write lock at
    /// that first statement. Grants for other transfers do not wait.
    pub async fn grant_reply(
        &self,
        grant: &ReplyGrant,
        token_hash: &str,
        expires_at: i64,
        keep_until: i64,
        limit: u64,
    ) -> Result<ReplyGranted> {
        let transfer = grant.transfer.to_string();
        let mut tx = self.pool.begin().await?;
        let locked = sqlx::query("UPDATE transfers SET expires_at = expires_at WHERE id = $1")
            .bind(&transfer)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(ReplyGranted::NoTransfer);
        }
        let inserted = sqlx::query(
            "INSERT INTO replies (token_hash, transfer_id, sender, recipient, reply_id, expires_at, keep_until) \
             SELECT $1, $2, $3, $4, NULL, $5, $6 \
             WHERE (SELECT COUNT(*) FROM replies WHERE transfer_id = $2) < $7",
        )
        .bind(token_hash)
        .bind(&transfer)
        .bind(&grant.sender)
        .bind(&grant.to)
        .bind(expires_at)
        .bind(keep_until.max(expires_at))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(ReplyGranted::UsedUp);
        }
        sqlx::query("INSERT INTO tokens (token_hash, address, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(&grant.sender)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ReplyGranted::Granted)
    }

    /// The grant of a reply token (by its hash), if it is one.
    pub async fn reply_grant(&self, token_hash: &str) -> Result<Option<ReplyGrant>> {
        let row = sqlx::query("SELECT transfer_id, sender, recipient, reply_id FROM replies WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let reply: Option<String> = row.try_get("reply_id")?;
        Ok(Some(ReplyGrant {
            transfer: stored(row.try_get("transfer_id")?)?,
            sender: row.try_get("sender")?,
            to: row.try_get("recipient")?,
            reply: reply.map(stored).transpose()?,
        }))
    }

    /// Binds the reply token to the reply transfer `reply`: true when it was
    /// free or bound to `reply` already.
    pub async fn claim_reply(&self, token_hash: &str, reply: &TransferId) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE replies SET reply_id = $2 WHERE token_hash = $1 AND (reply_id IS NULL OR reply_id = $2)",
        )
        .bind(token_hash)
        .bind(reply.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Frees the reply token again when the announcement of `reply` was
    /// refused and no such transfer exists.
    pub async fn release_reply(&self, token_hash: &str, reply: &TransferId) -> Result<()> {
        sqlx::query(
            "UPDATE replies SET reply_id = NULL WHERE token_hash = $1 AND reply_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM transfers WHERE id = $2)",
        )
        .bind(token_hash)
        .bind(reply.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes tombstones past their expiry, notes of expiry past their
    /// time, and reply grants whose token and original transfer have both
    /// expired.
    pub async fn sweep_web(&self, now: i64) -> Result<()> {
        sqlx::query("DELETE FROM tombstones WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("DELETE FROM expired_notes WHERE keep_until <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("DELETE FROM replies WHERE keep_until <= $1 AND expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tombstones_and_reply_grants() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        let t = TransferId::from_bytes([1; 16]);
        db.put_tombstone(&t, 2000).await?;
        assert_eq!(db.tombstone(&t, 1999).await?, Some(2000));
        assert_eq!(db.tombstone(&t, 2000).await?, None, "gone with the original expiry");
        let grant = ReplyGrant { transfer: t, sender: "bob@x.org".into(), to: "ann@x.org".into(), reply: None };
        assert_eq!(db.grant_reply(&grant, "h1", 1500, 2000, 2).await?, ReplyGranted::NoTransfer, "no such transfer");
        let row = crate::db::TransferRow {
            id: t,
            sender: "ann@x.org".into(),
            recipients: "[\"bob@x.org\"]".into(),
            expires_at: 2000,
            download_limit: None,
            announcement: "{}".into(),
            total_size: 1,
            finished_at: Some(1000),
            downloads: 0,
        };
        assert!(db.insert_transfer(&row, &[], 1000).await?);
        assert_eq!(db.grant_reply(&grant, "h1", 1500, 2000, 2).await?, ReplyGranted::Granted);
        assert_eq!(db.grant_reply(&grant, "h2", 1500, 2000, 2).await?, ReplyGranted::Granted);
        assert_eq!(db.grant_reply(&grant, "h3", 1500, 2000, 2).await?, ReplyGranted::UsedUp, "the per-transfer limit");
        assert_eq!(db.reply_count(&t).await?, 2);
        assert_eq!(db.token("h1", 1000).await?, Some(("h1".into(), "bob@x.org".into())));
        assert_eq!(db.token("h3", 1000).await?, None);
        let r1 = TransferId::from_bytes([2; 16]);
        let r2 = TransferId::from_bytes([3; 16]);
        assert!(db.claim_reply("h1", &r1).await?);
        assert!(db.claim_reply("h1", &r1).await?, "the same reply again");
        assert!(!db.claim_reply("h1", &r2).await?, "one reply per token");
        assert_eq!(db.reply_grant("h1").await?.and_then(|g| g.reply), Some(r1));
        db.release_reply("h1", &r1).await?;
        assert!(db.claim_reply("h1", &r2).await?, "released: no transfer r1 exists");
        assert_eq!(db.reply_grant("nope").await?, None);
        db.sweep_web(1999).await?;
        assert_eq!(db.reply_count(&t).await?, 2);
        db.sweep_web(2000).await?;
        assert_eq!(db.reply_count(&t).await?, 0);
        assert_eq!(db.tombstone(&t, 0).await?, None);
        Ok(())
    }

    #[tokio::test]
    async fn notes_of_expiry_last_until_their_time() -> Result<()> {
        let db = Db::connect("sqlite::memory:").await?;
        let (t, other) = (TransferId::from_bytes([4; 16]), TransferId::from_bytes([5; 16]));
        assert!(!db.expired_note(&t, 0).await?);
        db.put_expired_note(&t, 1000).await?;
        db.put_expired_note(&t, 3000).await?; // purged again (a failed round): the later time
        assert!(db.expired_note(&t, 2999).await?);
        assert!(!db.expired_note(&t, 3000).await?, "gone at keep_until");
        assert!(!db.expired_note(&other, 0).await?);
        db.sweep_web(2999).await?;
        assert!(db.expired_note(&t, 0).await?, "not yet swept");
        db.sweep_web(3000).await?;
        assert!(!db.expired_note(&t, 0).await?, "swept");
        Ok(())
    }
}
