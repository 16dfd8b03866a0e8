//! The HTTP API of docs/SERVER.md, by concern: [`auth`] (sender
//! verification and bearer tokens), [`upload`] (announcing, uploading and
//! finishing a transfer), [`download`] (what recipients read),
//! [`extractors`] (typed ids from the path, the verified sender),
//! [`limits`] (the sending and reading limits as answers) and
//! [`openapi`] (the description at `/openapi.json`). The wire types,
//! paths and error codes are kluis-protocol's, as the client's are.

pub mod auth;
pub mod download;
pub mod extractors;
pub mod limits;
pub mod openapi;
pub mod reply;
pub mod upload;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kluis_protocol::{ErrorBody, ErrorCode, Health, TransferId, paths};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::mail::Mailer;
use crate::now;
use crate::storage::{BlobStore, StoreError};

/// What every handler shares.
pub struct AppState {
    /// The configuration.
    pub config: Config,
    /// The metadata database.
    pub db: Db,
    /// The blob store.
    pub store: Arc<dyn BlobStore>,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// The key of the codes' keyed hash.
    pub secret: Vec<u8>,
    /// The base of links, without a trailing slash.
    pub public_url: String,
    /// The web pages' name, logo and theme.
    pub site: crate::web::Site,
}

type AppResult<T> = Result<T, ApiError>;
type Shared = State<Arc<AppState>>;

/// The router with every endpoint.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(paths::HEALTH, get(health))
        .route(paths::OPENAPI, get(openapi::openapi_json))
        .route(paths::PAGE, get(transfer_page))
        .route(paths::VERIFY, post(auth::verify))
        .route(paths::VERIFY_CONFIRM, post(auth::confirm))
        .route(paths::TRANSFERS, post(upload::create_transfer))
        .route(paths::TRANSFER, get(download::transfer_info).delete(upload::delete_transfer))
        .route(paths::TRANSFER_FINISH, post(upload::finish_transfer))
        .route(paths::BLOB, get(download::download_blob).put(upload::upload_blob))
        .route(paths::BLOB_UPLOAD, get(upload::upload_state))
        .route(paths::BLOB_FINISH, post(upload::finish_blob))
        .route(paths::TRANSFER_REPLY, post(reply::reply))
        .merge(crate::web::router())
        .merge(crate::outlook::router())
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&state), reply::guard))
        .with_state(state)
}

// ---------------------------------------------------------------- helpers

pub(super) fn unix(secs: i64) -> u64 {
    u64::try_from(secs).unwrap_or(0)
}

pub(super) fn signed(value: u64, what: &str) -> AppResult<i64> {
    i64::try_from(value).map_err(|_| ApiError::bad_request(format!("{what} is too large")))
}

pub(super) fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub(super) fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A mail address, checked and lower-cased.
pub(super) fn address(text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.len() > 254 || text.chars().any(char::is_control) {
        return Err(ApiError::invalid_address("not a mail address"));
    }
    let parsed = text.parse::<lettre::Address>().map_err(|_| ApiError::invalid_address("not a mail address"))?;
    Ok(parsed.to_string().to_lowercase())
}

pub(super) fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if state.config.trust_forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.ip()
}

/// The rate-limit key of a client: [`crate::net::ip_key`] as text
/// (`192.0.2.7`, `2001:db8:1:2::/64`).
pub(super) fn ip_key(ip: IpAddr) -> String {
    match crate::net::ip_key(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{v6}/64"),
    }
}

/// Counts one hit on `key` against `limit` per `rate_window_secs`; past it
/// `429` naming the limit (`what`, with its setting).
pub(super) async fn rate(state: &AppState, key: String, limit: u64, what: &str) -> AppResult<()> {
    let window = i64::try_from(state.config.limits.rate_window_secs).unwrap_or(i64::MAX / 4);
    match state.db.rate_hit(&key, now(), window, limit).await? {
        Ok(()) => Ok(()),
        Err(retry_after) => Err(ApiError::limited(
            retry_after,
            format!("at most {limit} {what} per {window} s; try again in {retry_after} s"),
        )),
    }
}

pub(super) fn json<T>(body: Result<Json<T>, JsonRejection>) -> AppResult<T> {
    body.map(|Json(v)| v).map_err(|e| ApiError::bad_request(e.body_text()))
}

pub(super) fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found("no such blob"),
        StoreError::Conflict { current, message } => ApiError::conflict(match current {
            Some(len) => format!("{message} (partial_len {len})"),
            None => message,
        }),
        StoreError::Io(message) => ApiError::internal(message),
    }
}

/// The link for recipients: `<public_url>/t/<id>`.
pub(super) fn link(state: &AppState, id: &TransferId) -> String {
    format!("{}{}", state.public_url, paths::page(id))
}

pub(super) async fn audit(
    state: &AppState,
    event: &str,
    transfer: Option<&TransferId>,
    address: Option<&str>,
    size: Option<i64>,
) {
    if let Err(e) = state.db.audit(event, transfer, address, size).await {
        tracing::error!(%e, event, "audit log write failed");
    }
}

// ---------------------------------------------------------------- pages

/// The database answers.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub(super) async fn health(State(state): Shared) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(Health { status: "ok".into() }).into_response(),
        Err(e) => {
            tracing::error!(%e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ErrorBody::new(ErrorCode::Unavailable, "the database does not answer")),
            )
                .into_response()
        }
    }
}

/// The receive page (docs/WEB.md), whatever the transfer's state.
#[utoipa::path(get, path = "/t/{id}", params(("id" = String, Path, description = "transfer id", pattern = "^[a-z2-7]{25}[aeimquy4]$")),
    responses((status = 200, description = "HTML page", content_type = "text/html")))]
pub(super) async fn transfer_page(State(state): Shared, Path(id): Path<String>, headers: HeaderMap) -> Response {
    crate::web::pages::receive(&state, &id, &headers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_keyed_by_ipv4_address_or_ipv6_network() {
        let key = |text: &str| text.parse::<IpAddr>().map(ip_key).ok();
        assert_eq!(key("192.0.2.7").as_deref(), Some("192.0.2.7"));
        assert_eq!(key("::ffff:192.0.2.7").as_deref(), Some("192.0.2.7"));
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), key("2001:db8:1:2:ffff::1"));
        assert_eq!(key("2001:db8:1:2::9").as_deref(), Some("2001:db8:1:2::/64"));
    }
}
