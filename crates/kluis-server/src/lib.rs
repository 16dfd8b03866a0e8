//! # kluis-server: the Kluis drop server
//!
//! Holds sealed transfer blobs (docs/FORMAT.md, docs/TRANSFER.md) for
//! recipients to fetch, verifies senders by a mailed one-time code and
//! mails recipients a notice with the link. The HTTP contract is
//! docs/SERVER.md; [`config`] describes the configuration.
//!
//! [`Server::bind`] opens the database, the store and the mailer and binds
//! the listening socket; [`Server::run`] serves until a shutdown future
//! completes, with a background task purging expired transfers.
#![forbid(unsafe_code)]

pub mod api;
pub mod config;
pub mod db;
pub mod error;
pub mod mail;
pub mod net;
pub mod outlook;
pub mod secrets;
pub mod storage;
pub mod web;

/// Reusable checks for implementations of [`storage::BlobStore`].
#[doc(hidden)]
pub mod testing;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use config::{Config, StorageKind};
use storage::BlobStore;

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] db::DbError),
    /// The blob store could not be opened.
    #[error("storage: {0}")]
    Storage(#[from] storage::StoreError),
    /// The mailer could not be set up.
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    /// The OS random generator failed.
    #[error(transparent)]
    Random(#[from] secrets::RandomError),
    /// Listening or serving failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the blob store the configuration selects.
pub async fn open_store(config: &Config) -> Result<Arc<dyn BlobStore>, ServerError> {
    match config.storage.kind {
        StorageKind::Fs => Ok(Arc::new(storage::fs::FsStore::new(config.storage.fs_path()?)?)),
        StorageKind::S3 => {
            let store = storage::s3::S3Store::connect(&config.storage.s3()?)?;
            // Fail at start-up, not at the first upload, on a wrong bucket,
            // endpoint or credentials.
            store.check().await?;
            Ok(Arc::new(store))
        }
    }
}

/// A bound, ready server.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<api::AppState>,
    local_addr: SocketAddr,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("local_addr", &self.local_addr).finish_non_exhaustive()
    }
}

impl Server {
    /// Opens the database (migrating it), the store and the mailer, and
    /// binds the listening address.
    pub async fn bind(config: Config) -> Result<Self, ServerError> {
        let db = db::Db::connect(&config.database.url).await?;
        let secret = match &config.secret {
            Some(hex_key) => hex::decode(hex_key.trim())
                .ok()
                .filter(|k| k.len() >= 32)
                .ok_or_else(|| config::ConfigError::Invalid("secret must be at least 32 bytes in hex".into()))?,
            None => {
                let stored = db.setting_or_insert("code_key", &secrets::key_hex()?).await?;
                hex::decode(stored).map_err(|e| db::DbError::from(sqlx::Error::Decode(Box::new(e))))?
            }
        };
        let store = open_store(&config).await?;
        let mailer = mail::Mailer::from_config(&config)?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let local_addr = listener.local_addr()?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local_addr}"))
            .trim_end_matches('/')
            .to_string();
        let site = web::Site::load(&config.site)?;
        let state = Arc::new(api::AppState { config, db, store, mailer, secret, public_url, site });
        Ok(Server { listener, state, local_addr })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The metadata database (for tests and tools).
    pub fn db(&self) -> db::Db {
        self.state.db.clone()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests
    /// finish. Purges expired transfers in the background meanwhile.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServerError> {
        let state = Arc::clone(&self.state);
        let interval = Duration::from_secs(state.config.purge.interval_secs);
        let purger = tokio::spawn(purge_loop(Arc::clone(&state), interval));
        let app = api::router(Arc::clone(&state))
            .layer(net::body_timeout_layer(&state.config.connections))
            .layer(tower_http::trace::TraceLayer::new_for_http());
        let (stopping, mut stopped) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown.await;
            let _ = stopping.send(true);
        };
        let grace = Duration::from_secs(state.config.shutdown_grace_secs);
        let deadline = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
            tokio::time::sleep(grace).await;
        };
        let serve = net::serve(self.listener, app, &state.config.connections, signal);
        let served = tokio::select! {
            served = serve => served,
            () = deadline => {
                tracing::warn!(?grace, "in-flight requests did not finish in time; stopping anyway");
                Ok(())
            }
        };
        purger.abort();
        state.db.close().await;
        served.map_err(ServerError::Io)
    }
}

/// Expired transfers purged per database query.
const PURGE_BATCH: i64 = 100;

async fn purge_transfer(
    state: &api::AppState,
    id: &kluis_protocol::TransferId,
    sender: &str,
    size: i64,
    why: &str,
) -> Result<(), ServerError> {
    state.db.audit(why, Some(id), Some(sender), Some(size)).await?;
    state.store.delete_transfer(id).await?;
    state.db.delete_transfer(id).await?;
    state.db.audit("purged", Some(id), Some(sender), Some(size)).await?;
    tracing::debug!(transfer = %id, why, "purged a transfer");
    Ok(())
}

/// Purges an expired transfer, leaving a note of its expiry first (for
/// `purge.expired_notice_secs`), so that its page says "expired".
async fn purge_expired(
    state: &api::AppState,
    id: &kluis_protocol::TransferId,
    sender: &str,
    size: i64,
    now: i64,
) -> Result<(), ServerError> {
    let notice = state.config.purge.expired_notice_secs;
    if notice > 0 {
        let keep_until = now.saturating_add(i64::try_from(notice).unwrap_or(i64::MAX / 4));
        state.db.put_expired_note(id, keep_until).await?;
    }
    purge_transfer(state, id, sender, size, "expired").await
}

async fn purge_loop(state: Arc<api::AppState>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = purge_once(&state).await {
            tracing::error!(%e, "purge failed");
        }
    }
}

/// Deletes every expired transfer, and every announcement not finished
/// within `limits.unfinished_ttl_secs` (abandoned: this releases its quota),
/// from storage and database (audit-logged `expired` or `abandoned`, then
/// `purged`; an expired one leaves a note of its expiry for
/// `purge.expired_notice_secs`), sweeps expired codes, tokens, rate
/// counters, tombstones and notes, and deletes audit-log entries older than
/// `purge.audit_retention_secs`.
pub async fn purge_once(state: &api::AppState) -> Result<usize, ServerError> {
    let now = now();
    let mut purged = 0;
    loop {
        let expired = state.db.expired(now, PURGE_BATCH).await?;
        let batch = expired.len();
        let mut failed = 0;
        for (id, sender, size) in expired {
            match purge_expired(state, &id, &sender, size, now).await {
                Ok(()) => purged += 1,
                Err(e) => {
                    // Left for the next round; the others go on. The id (a
                    // download capability) is logged at debug level only.
                    tracing::error!(%e, "could not purge an expired transfer");
                    tracing::debug!(transfer = %id, "the transfer that could not be purged");
                    failed += 1;
                }
            }
        }
        if failed > 0 || i64::try_from(batch).unwrap_or(0) < PURGE_BATCH {
            break;
        }
    }
    // Announcements never finished within unfinished_ttl_secs: abandoned.
    let limits = &state.config.limits;
    let abandoned_before = now.saturating_sub(i64::try_from(limits.unfinished_ttl_secs).unwrap_or(i64::MAX / 4));
    loop {
        let abandoned = state.db.abandoned(abandoned_before, PURGE_BATCH).await?;
        let batch = abandoned.len();
        let mut failed = 0;
        for (id, sender, size) in abandoned {
            match purge_transfer(state, &id, &sender, size, "abandoned").await {
                Ok(()) => purged += 1,
                Err(e) => {
                    tracing::error!(%e, "could not purge an abandoned announcement");
                    tracing::debug!(transfer = %id, "the announcement that could not be purged");
                    failed += 1;
                }
            }
        }
        if failed > 0 || i64::try_from(batch).unwrap_or(0) < PURGE_BATCH {
            break;
        }
    }
    let window = limits.rate_window_secs.max(limits.send_window_secs);
    state.db.sweep(now, i64::try_from(window).unwrap_or(i64::MAX / 4)).await?;
    state.db.sweep_web(now).await?;
    let retention = state.config.purge.audit_retention_secs;
    if retention > 0 {
        let retention = i64::try_from(retention).unwrap_or(i64::MAX / 4);
        state.db.purge_audit(now.saturating_sub(retention)).await?;
    }
    Ok(purged)
}
