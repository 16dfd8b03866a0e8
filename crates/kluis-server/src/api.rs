//! The HTTP API of docs/SERVER.md.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::BytesMut;
use futures::StreamExt;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::{OpenApi, ToSchema};

use crate::config::Config;
use crate::db::{Db, TransferRow};
use crate::error::{ApiError, ErrorBody};
use crate::ids::{is_blob_name, is_id};
use crate::mail::{Mailer, clean_line};
use crate::now;
use crate::storage::{BlobStore, StoreError};

/// Bytes gathered before one append to the store.
const APPEND_CHUNK: usize = 1 << 20;

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
}

type AppResult<T> = Result<T, ApiError>;
type Shared = State<Arc<AppState>>;

/// The router with every endpoint.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/t/{id}", get(transfer_page))
        .route("/api/v1/verify", post(verify))
        .route("/api/v1/verify/confirm", post(confirm))
        .route("/api/v1/transfers", post(create_transfer))
        .route("/api/v1/transfers/{id}", get(transfer_info).delete(delete_transfer))
        .route("/api/v1/transfers/{id}/finish", post(finish_transfer))
        .route("/api/v1/transfers/{id}/blobs/{blob}", get(download_blob).put(upload_blob))
        .route("/api/v1/transfers/{id}/blobs/{blob}/upload", get(upload_state))
        .route("/api/v1/transfers/{id}/blobs/{blob}/finish", post(finish_blob))
        .with_state(state)
}

// ---------------------------------------------------------------- schemas

/// `POST /api/v1/verify`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// The sender's address.
    #[schema(
        pattern = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$",
        max_length = 254
    )]
    pub address: String,
}

/// A code was mailed.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyAnswer {
    /// When the code expires (Unix seconds).
    pub expires_at: u64,
}

/// `POST /api/v1/verify/confirm`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmRequest {
    /// The address the code was mailed to.
    #[schema(
        pattern = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$",
        max_length = 254
    )]
    pub address: String,
    /// The 8-digit code.
    #[schema(pattern = "^[0-9]{8}$")]
    pub code: String,
}

/// A bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    /// 32 random bytes, URL-safe base64 without padding.
    pub token: String,
    /// When the token expires (Unix seconds).
    pub expires_at: u64,
}

/// One announced blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlobSize {
    /// `manifest` or a blob id.
    #[schema(pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$")]
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What the notice mails may tell (only when the sender opts in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// The transfer's subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// The file names.
    #[serde(default)]
    pub file_names: Vec<String>,
}

/// `POST /api/v1/transfers`: the announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Announcement {
    /// The transfer id chosen by the client.
    #[schema(pattern = "^[a-z2-7]{25}[aeimquy4]$")]
    pub id: String,
    /// The sender: the token's verified address.
    #[schema(
        pattern = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$",
        max_length = 254
    )]
    pub sender: String,
    /// The recipients.
    #[schema(min_items = 1, max_items = 50)]
    pub recipients: Vec<String>,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
    /// Download limit (none: unlimited).
    #[serde(default)]
    pub download_limit: Option<u64>,
    /// The blobs, the manifest among them.
    #[schema(min_items = 1)]
    pub blobs: Vec<BlobSize>,
    /// What the notice mails may tell.
    #[serde(default)]
    pub notice: Option<Notice>,
}

/// A transfer's id and link.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAnswer {
    /// The transfer id.
    pub id: String,
    /// The link for recipients.
    pub link: String,
}

/// An upload's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadState {
    /// The partial blob's length, if there is one.
    pub partial_len: Option<u64>,
    /// The complete blob's length, if complete.
    pub complete_len: Option<u64>,
}

/// After an upload request.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartialAnswer {
    /// The partial blob's length now.
    pub partial_len: u64,
}

/// The `offset` of an upload request.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffsetQuery {
    /// Must equal the partial blob's length.
    pub offset: u64,
}

/// `POST …/blobs/{blob}/finish`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FinishBlobRequest {
    /// The blob's full size (the announced one).
    pub size: u64,
}

/// `POST …/finish`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FinishTransferRequest {
    /// The announced expiry (Unix seconds), repeated.
    pub expires_at: u64,
}

/// The link of a finished transfer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkAnswer {
    /// The link for recipients.
    pub link: String,
}

/// A finished transfer, for recipients.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferInfo {
    /// The transfer id.
    pub id: String,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
    /// The blobs.
    pub blobs: Vec<BlobSize>,
    /// Downloads counted so far.
    pub downloads: u64,
    /// The download limit (none: unlimited).
    pub download_limit: Option<u64>,
}

/// `GET /health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// Blob bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BlobBytes(#[allow(dead_code)] Vec<u8>);

// ---------------------------------------------------------------- helpers

fn unix(secs: i64) -> u64 {
    u64::try_from(secs).unwrap_or(0)
}

fn signed(value: u64, what: &str) -> AppResult<i64> {
    i64::try_from(value).map_err(|_| ApiError::bad_request(format!("{what} is too large")))
}

fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A mail address, checked and lower-cased.
fn address(text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.len() > 254 || text.chars().any(char::is_control) {
        return Err(ApiError::invalid_address("not a mail address"));
    }
    let parsed = text.parse::<lettre::Address>().map_err(|_| ApiError::invalid_address("not a mail address"))?;
    Ok(parsed.to_string().to_lowercase())
}

fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
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

/// The rate-limit key of a client: its IPv4 address, or the /64 network of
/// its IPv6 address (one host usually holds a whole /64).
fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

async fn rate(state: &AppState, key: String, limit: u64) -> AppResult<()> {
    let window = i64::try_from(state.config.limits.rate_window_secs).unwrap_or(i64::MAX / 4);
    match state.db.rate_hit(&key, now(), window, limit).await? {
        Ok(()) => Ok(()),
        Err(retry_after) => Err(ApiError::rate_limited(retry_after)),
    }
}

fn json<T>(body: Result<Json<T>, JsonRejection>) -> AppResult<T> {
    body.map(|Json(v)| v).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// The verified sender of the request's bearer token.
async fn sender(state: &AppState, headers: &HeaderMap) -> AppResult<String> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(ApiError::unauthorized)?;
    if token.is_empty() || token.len() > 128 {
        return Err(ApiError::unauthorized());
    }
    let hash = hex_sha256(token.as_bytes());
    match state.db.token(&hash, now()).await? {
        Some((stored, address)) if same(&stored, &hash) => Ok(address),
        _ => Err(ApiError::unauthorized()),
    }
}

fn check_id(id: &str) -> AppResult<()> {
    if is_id(id) { Ok(()) } else { Err(ApiError::not_found("no such transfer")) }
}

fn check_blob(blob: &str) -> AppResult<()> {
    if is_blob_name(blob) { Ok(()) } else { Err(ApiError::not_found("no such blob")) }
}

/// The transfer, owned by `sender`.
async fn owned(state: &AppState, id: &str, sender: &str) -> AppResult<TransferRow> {
    check_id(id)?;
    let transfer = state.db.transfer(id).await?.ok_or_else(|| ApiError::not_found("no such transfer"))?;
    if transfer.sender != sender {
        return Err(ApiError::forbidden("the transfer belongs to another sender"));
    }
    Ok(transfer)
}

/// The transfer, unless it has expired (`410`): no uploads or notices then.
fn unexpired(transfer: TransferRow) -> AppResult<TransferRow> {
    if transfer.expires_at <= now() {
        return Err(ApiError::gone("the transfer has expired"));
    }
    Ok(transfer)
}

/// The announced size of a blob of the transfer.
async fn announced(state: &AppState, id: &str, blob: &str) -> AppResult<(u64, bool)> {
    check_blob(blob)?;
    let blobs = state.db.blobs(id).await?;
    blobs
        .iter()
        .find(|b| b.name == blob)
        .map(|b| (unix(b.size), b.complete))
        .ok_or_else(|| ApiError::not_found("the blob is not announced"))
}

fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found("no such blob"),
        StoreError::Conflict { current, message } => ApiError::conflict(match current {
            Some(len) => format!("{message} (partial_len {len})"),
            None => message,
        }),
        StoreError::Io(message) => ApiError::internal(message),
    }
}

fn link(state: &AppState, id: &str) -> String {
    format!("{}/t/{id}", state.public_url)
}

fn when(secs: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix(secs));
    humantime::format_rfc3339_seconds(at).to_string()
}

async fn audit(state: &AppState, event: &str, transfer: Option<&str>, address: Option<&str>, size: Option<i64>) {
    if let Err(e) = state.db.audit(event, transfer, address, size).await {
        tracing::error!(%e, event, "audit log write failed");
    }
}

// ---------------------------------------------------------------- operations

/// The database answers.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn health(State(state): Shared) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(Health { status: "ok".into() }).into_response(),
        Err(e) => {
            tracing::error!(%e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ErrorBody { error: "unavailable".into(), message: "the database does not answer".into() }),
            )
                .into_response()
        }
    }
}

/// This description.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// A small page telling how to open the transfer.
#[utoipa::path(get, path = "/t/{id}", params(("id" = String, Path, description = "transfer id", pattern = "^[a-z2-7]{25}[aeimquy4]$")),
    responses((status = 200, description = "HTML page", content_type = "text/html"),
              (status = 404, description = "not a transfer id", content_type = "text/html")))]
async fn transfer_page(State(state): Shared, Path(id): Path<String>) -> Response {
    if !is_id(&id) {
        return (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>Kluis</title><p>This is not a Kluis link.</p>".to_string()),
        )
            .into_response();
    }
    let link = link(&state, &id);
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kluis transfer</title></head>\n<body>\n\
         <h1>An end-to-end encrypted Kluis transfer</h1>\n\
         <p>Open it with the Kluis app or command line, and the password the sender gives you separately:</p>\n\
         <pre>kluis receive {link}</pre>\n\
         <p>This server holds only encrypted data; it cannot read the files.</p>\n</body></html>\n"
    );
    let mut response = Html(page).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// ---------------------------------------------------------------- verification

/// Mails a one-time code to the address.
#[utoipa::path(post, path = "/api/v1/verify", request_body = VerifyRequest, responses(
    (status = 202, body = VerifyAnswer), (status = 400, body = ErrorBody),
    (status = 429, body = ErrorBody, headers(("Retry-After" = u64))), (status = 503, body = ErrorBody)))]
async fn verify(
    State(state): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<VerifyRequest>, JsonRejection>,
) -> AppResult<Response> {
    let request = json(body)?;
    let address = address(&request.address)?;
    let ip = ip_key(client_ip(&state, peer, &headers));
    let limits = &state.config.limits;
    rate(&state, format!("verify-ip:{ip}"), limits.verify_per_ip).await?;
    rate(&state, format!("verify-address:{address}"), limits.verify_per_address).await?;
    let code = crate::secrets::code().map_err(ApiError::internal)?;
    let expires_at = now().saturating_add(i64::try_from(limits.code_ttl_secs).unwrap_or(i64::MAX / 4));
    state.db.put_code(&address, &code_hash(&state.secret, &address, &code), expires_at).await?;
    let minutes = limits.code_ttl_secs.div_ceil(60);
    let body = format!(
        "Your Kluis verification code is {code}\n\nIt is valid for {minutes} minutes and can be used once.\n\
         If you did not ask for it, ignore this mail.\n"
    );
    state.mailer.send(&address, "Your Kluis verification code", body).await.map_err(ApiError::unavailable)?;
    Ok((StatusCode::ACCEPTED, Json(VerifyAnswer { expires_at: unix(expires_at) })).into_response())
}

fn code_hash(secret: &[u8], address: &str, code: &str) -> String {
    // HMAC accepts keys of any length.
    let mut mac = match hmac::Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(address.as_bytes());
    mac.update(b"\0");
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Exchanges a mailed code for a bearer token.
#[utoipa::path(post, path = "/api/v1/verify/confirm", request_body = ConfirmRequest, responses(
    (status = 200, body = TokenAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 429, body = ErrorBody, headers(("Retry-After" = u64)))))]
async fn confirm(
    State(state): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<ConfirmRequest>, JsonRejection>,
) -> AppResult<Json<TokenAnswer>> {
    let request = json(body)?;
    let ip = ip_key(client_ip(&state, peer, &headers));
    rate(&state, format!("confirm-ip:{ip}"), state.config.limits.confirm_per_ip).await?;
    let address = address(&request.address).map_err(|_| ApiError::invalid_code())?;
    let code = request.code.trim();
    if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid_code());
    }
    let now = now();
    let Some(stored) = state.db.attempt_code(&address, now, state.config.limits.code_attempts).await? else {
        return Err(ApiError::invalid_code());
    };
    let offered = code_hash(&state.secret, &address, code);
    if !same(&stored, &offered) || !state.db.consume_code(&address, &stored).await? {
        return Err(ApiError::invalid_code());
    }
    let token = crate::secrets::token().map_err(ApiError::internal)?;
    let expires_at = now.saturating_add(i64::try_from(state.config.limits.token_ttl_secs).unwrap_or(i64::MAX / 4));
    state.db.put_token(&hex_sha256(token.as_bytes()), &address, expires_at).await?;
    Ok(Json(TokenAnswer { token, expires_at: unix(expires_at) }))
}

// ---------------------------------------------------------------- sending

fn check_announcement(state: &AppState, a: &mut Announcement, sender: &str) -> AppResult<i64> {
    if !is_id(&a.id) {
        return Err(ApiError::bad_request("id is not a transfer id"));
    }
    if address(&a.sender)? != sender {
        return Err(ApiError::forbidden("sender is not the token's verified address"));
    }
    a.sender = sender.to_string();
    let limits = &state.config.limits;
    if a.recipients.is_empty() || a.recipients.len() > limits.max_recipients {
        return Err(ApiError::bad_request(format!("between 1 and {} recipients", limits.max_recipients)));
    }
    let mut recipients = Vec::with_capacity(a.recipients.len());
    for r in &a.recipients {
        let r = address(r)?;
        if !recipients.contains(&r) {
            recipients.push(r);
        }
    }
    a.recipients = recipients;
    let now = unix(now());
    if a.expires_at <= now {
        return Err(ApiError::bad_request("expires_at is in the past"));
    }
    if a.expires_at > now.saturating_add(limits.max_expiry_secs) {
        return Err(ApiError::bad_request(format!("expires_at is more than {} s ahead", limits.max_expiry_secs)));
    }
    if a.download_limit == Some(0) {
        return Err(ApiError::bad_request("download_limit must be at least 1"));
    }
    if a.blobs.is_empty() || a.blobs.len() > limits.max_blobs {
        return Err(ApiError::bad_request(format!("between 1 and {} blobs", limits.max_blobs)));
    }
    let mut total: u64 = 0;
    for (i, blob) in a.blobs.iter().enumerate() {
        if !is_blob_name(&blob.name) {
            return Err(ApiError::bad_request(format!("blob name {:?} is not valid", blob.name)));
        }
        if a.blobs[..i].iter().any(|b| b.name == blob.name) {
            return Err(ApiError::bad_request(format!("blob {} is listed twice", blob.name)));
        }
        total = total.saturating_add(blob.size);
    }
    if !a.blobs.iter().any(|b| b.name == "manifest") {
        return Err(ApiError::bad_request("the manifest blob is missing"));
    }
    if total > limits.max_transfer_bytes {
        return Err(ApiError::too_large(format!(
            "{total} bytes announced; at most {} per transfer",
            limits.max_transfer_bytes
        )));
    }
    if let Some(notice) = &a.notice {
        let long = notice.subject.as_ref().is_some_and(|s| s.chars().count() > 300)
            || notice.file_names.len() > limits.max_blobs
            || notice.file_names.iter().any(|n| n.chars().count() > 300);
        if long {
            return Err(ApiError::bad_request("notice is too long"));
        }
        let texts = notice.subject.iter().chain(notice.file_names.iter());
        if texts.clone().any(|t| t.contains('\0')) {
            return Err(ApiError::bad_request("notice holds a NUL character"));
        }
    }
    signed(total, "the total size")
}

/// Announces a transfer (idempotent for the same announcement).
#[utoipa::path(post, path = "/api/v1/transfers", request_body = Announcement, security(("bearer" = [])), responses(
    (status = 201, body = CreatedAnswer), (status = 200, body = CreatedAnswer, description = "repeated announcement"),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn create_transfer(
    State(state): Shared,
    headers: HeaderMap,
    body: Result<Json<Announcement>, JsonRejection>,
) -> AppResult<Response> {
    let sender = sender(&state, &headers).await?;
    let mut a = json(body)?;
    let total = check_announcement(&state, &mut a, &sender)?;
    let stored = serde_json::to_string(&a).map_err(ApiError::internal)?;
    let answer = CreatedAnswer { id: a.id.clone(), link: link(&state, &a.id) };
    let row = TransferRow {
        id: a.id.clone(),
        sender: sender.clone(),
        recipients: serde_json::to_string(&a.recipients).map_err(ApiError::internal)?,
        expires_at: signed(a.expires_at, "expires_at")?,
        download_limit: a.download_limit.map(|l| signed(l, "download_limit")).transpose()?,
        announcement: stored.clone(),
        total_size: total,
        finished_at: None,
        downloads: 0,
    };
    let blobs =
        a.blobs.iter().map(|b| Ok((b.name.clone(), signed(b.size, "a blob size")?))).collect::<AppResult<Vec<_>>>()?;
    if state.db.insert_transfer(&row, &blobs, now()).await? {
        audit(&state, "created", Some(&a.id), Some(&sender), Some(total)).await;
        return Ok((StatusCode::CREATED, Json(answer)).into_response());
    }
    let existing =
        state.db.transfer(&a.id).await?.ok_or_else(|| ApiError::conflict("the transfer was deleted meanwhile"))?;
    if existing.sender != sender {
        return Err(ApiError::forbidden("the id belongs to another sender's transfer"));
    }
    if existing.announcement != stored {
        return Err(ApiError::conflict("a different transfer was announced with this id"));
    }
    Ok((StatusCode::OK, Json(answer)).into_response())
}

/// The partial and complete length of a blob (sender only).
#[utoipa::path(get, path = "/api/v1/transfers/{id}/blobs/{blob}/upload", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$"), ("blob" = String, Path, pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$")), responses(
    (status = 200, body = UploadState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
async fn upload_state(
    State(state): Shared,
    headers: HeaderMap,
    Path((id, blob)): Path<(String, String)>,
) -> AppResult<Json<UploadState>> {
    let sender = sender(&state, &headers).await?;
    owned(&state, &id, &sender).await?;
    announced(&state, &id, &blob).await?;
    let partial_len = state.store.partial_len(&id, &blob).await.map_err(store_error)?;
    let complete_len = state.store.complete_len(&id, &blob).await.map_err(store_error)?;
    Ok(Json(UploadState { partial_len, complete_len }))
}

/// Appends bytes to a blob at `offset` (the partial length).
#[utoipa::path(put, path = "/api/v1/transfers/{id}/blobs/{blob}", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$"), ("blob" = String, Path, pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$"), OffsetQuery),
    request_body(content = BlobBytes, content_type = "application/octet-stream"), responses(
    (status = 200, body = PartialAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 410, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn upload_blob(
    State(state): Shared,
    headers: HeaderMap,
    Path((id, blob)): Path<(String, String)>,
    query: Result<Query<OffsetQuery>, QueryRejection>,
    body: Body,
) -> AppResult<Json<PartialAnswer>> {
    // Every refusal closes the connection: the body may be partly unread.
    let answer: AppResult<Json<PartialAnswer>> = async {
        let sender = sender(&state, &headers).await?;
        let transfer = unexpired(owned(&state, &id, &sender).await?)?;
        let (size, complete) = announced(&state, &id, &blob).await?;
        let Query(OffsetQuery { offset }) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
        if transfer.finished_at.is_some() || complete {
            return Err(ApiError::conflict("the blob is complete"));
        }
        let max_request = state.config.limits.max_request_bytes;
        let declared =
            headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if offset > size || declared.is_some_and(|len| len > size - offset) {
            return Err(ApiError::too_large(format!("the blob was announced with {size} bytes")));
        }
        if declared.is_some_and(|len| len > max_request) {
            return Err(ApiError::too_large(format!("at most {max_request} bytes per request")));
        }
        let mut stream = body.into_data_stream();
        let mut position = offset;
        let mut received: u64 = 0;
        let mut buffer = BytesMut::new();
        let mut appended_any = false;
        loop {
            let chunk = match stream.next().await {
                Some(Ok(chunk)) => Some(chunk),
                Some(Err(e)) => return Err(ApiError::bad_request(format!("the body could not be read: {e}"))),
                None => None,
            };
            if let Some(chunk) = &chunk {
                received = received.saturating_add(chunk.len() as u64);
                if received > max_request {
                    return Err(ApiError::too_large(format!("at most {max_request} bytes per request")));
                }
                if offset.saturating_add(received) > size {
                    return Err(ApiError::too_large(format!("the blob was announced with {size} bytes")));
                }
                buffer.extend_from_slice(chunk);
            }
            let last = chunk.is_none();
            if buffer.len() >= APPEND_CHUNK || (last && (!buffer.is_empty() || !appended_any)) {
                let data = buffer.split().freeze();
                position = state.store.append(&id, &blob, position, data).await.map_err(store_error)?;
                appended_any = true;
            }
            if last {
                break;
            }
        }
        Ok(Json(PartialAnswer { partial_len: position }))
    }
    .await;
    answer.map_err(ApiError::closing)
}

/// Makes a blob complete.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/blobs/{blob}/finish", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$"), ("blob" = String, Path, pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$")), request_body = FinishBlobRequest, responses(
    (status = 204, description = "complete"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 410, body = ErrorBody)))]
async fn finish_blob(
    State(state): Shared,
    headers: HeaderMap,
    Path((id, blob)): Path<(String, String)>,
    body: Result<Json<FinishBlobRequest>, JsonRejection>,
) -> AppResult<StatusCode> {
    let sender = sender(&state, &headers).await?;
    unexpired(owned(&state, &id, &sender).await?)?;
    let (size, _) = announced(&state, &id, &blob).await?;
    let request = json(body)?;
    if request.size != size {
        return Err(ApiError::conflict(format!("size {} differs from the announced {size}", request.size)));
    }
    if size == 0 && state.store.partial_len(&id, &blob).await.map_err(store_error)?.is_none() {
        match state.store.append(&id, &blob, 0, bytes::Bytes::new()).await {
            Ok(_) | Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(store_error(e)),
        }
    }
    match state.store.complete(&id, &blob, size).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(ApiError::conflict("nothing was uploaded (partial_len 0)")),
        Err(e) => return Err(store_error(e)),
    }
    if state.db.complete_blob(&id, &blob, now()).await? {
        audit(&state, "uploaded", Some(&id), Some(&sender), Some(signed(size, "size")?)).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Finishes the transfer and mails the recipients (once).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/finish", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$")), request_body = FinishTransferRequest, responses(
    (status = 200, body = LinkAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 410, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn finish_transfer(
    State(state): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<FinishTransferRequest>, JsonRejection>,
) -> AppResult<Json<LinkAnswer>> {
    let sender = sender(&state, &headers).await?;
    let transfer = unexpired(owned(&state, &id, &sender).await?)?;
    let request = json(body)?;
    if request.expires_at != unix(transfer.expires_at) {
        return Err(ApiError::conflict("expires_at differs from the announced one"));
    }
    let answer = LinkAnswer { link: link(&state, &id) };
    if transfer.finished_at.is_some() {
        return Ok(Json(answer));
    }
    let blobs = state.db.blobs(&id).await?;
    if let Some(missing) = blobs.iter().find(|b| !b.complete) {
        return Err(ApiError::conflict(format!("blob {} is not complete", missing.name)));
    }
    if !state.db.finish_transfer(&id, now()).await? {
        return Ok(Json(answer));
    }
    let recipients: Vec<String> = serde_json::from_str(&transfer.recipients).map_err(ApiError::internal)?;
    let announcement: Announcement = serde_json::from_str(&transfer.announcement).map_err(ApiError::internal)?;
    let (subject, body) = notice_mail(&announcement, &answer.link, transfer.expires_at);
    // After a failed round (503), those already mailed are not mailed again.
    let done = state.db.notified(&id).await?;
    for recipient in recipients.iter().filter(|r| !done.contains(r)) {
        if let Err(e) = state.mailer.send(recipient, &subject, body.clone()).await {
            state.db.unfinish_transfer(&id).await?;
            return Err(ApiError::unavailable(e));
        }
        audit(&state, "notified", Some(&id), Some(recipient), None).await;
    }
    Ok(Json(answer))
}

fn notice_mail(a: &Announcement, link: &str, expires_at: i64) -> (String, String) {
    let subject = match a.notice.as_ref().and_then(|n| n.subject.as_deref()) {
        Some(s) => format!("Kluis transfer from {}: {}", a.sender, clean_line(s)),
        None => format!("A Kluis transfer from {} is waiting for you", a.sender),
    };
    let mut body = format!(
        "{} sent you an end-to-end encrypted transfer with Kluis.\n\n\
         Open it with the Kluis app or command line:\n\n    kluis receive {link}\n\n\
         The password comes from the sender separately (never by this mail).\n\
         The transfer is available until {} UTC.\n",
        a.sender,
        when(expires_at),
    );
    if let Some(notice) = &a.notice
        && !notice.file_names.is_empty()
    {
        body.push_str("\nFiles:\n");
        for name in &notice.file_names {
            body.push_str(&format!("  - {}\n", clean_line(name)));
        }
    }
    (subject, body)
}

/// Deletes a transfer and its blobs (sender only).
#[utoipa::path(delete, path = "/api/v1/transfers/{id}", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$")), responses(
    (status = 204, description = "deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
async fn delete_transfer(State(state): Shared, headers: HeaderMap, Path(id): Path<String>) -> AppResult<StatusCode> {
    let sender = sender(&state, &headers).await?;
    let transfer = owned(&state, &id, &sender).await?;
    state.store.delete_transfer(&id).await.map_err(store_error)?;
    state.db.delete_transfer(&id).await?;
    audit(&state, "purged", Some(&id), Some(&sender), Some(transfer.total_size)).await;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- receiving

/// A finished, live transfer (404 unknown or unfinished, 410 expired).
async fn live(state: &AppState, id: &str) -> AppResult<TransferRow> {
    check_id(id)?;
    let transfer = state
        .db
        .transfer(id)
        .await?
        .filter(|t| t.finished_at.is_some())
        .ok_or_else(|| ApiError::not_found("no such transfer"))?;
    if transfer.expires_at <= now() {
        return Err(ApiError::gone("the transfer has expired"));
    }
    Ok(transfer)
}

/// A finished transfer's facts.
#[utoipa::path(get, path = "/api/v1/transfers/{id}", params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$")), responses(
    (status = 200, body = TransferInfo), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn transfer_info(State(state): Shared, Path(id): Path<String>) -> AppResult<Json<TransferInfo>> {
    let transfer = live(&state, &id).await?;
    if transfer.download_limit.is_some_and(|limit| transfer.downloads >= limit) {
        return Err(ApiError::gone("the download limit is reached"));
    }
    let blobs = state.db.blobs(&id).await?;
    Ok(Json(TransferInfo {
        id,
        expires_at: unix(transfer.expires_at),
        blobs: blobs.into_iter().map(|b| BlobSize { name: b.name, size: unix(b.size) }).collect(),
        downloads: unix(transfer.downloads),
        download_limit: transfer.download_limit.map(unix),
    }))
}

/// The byte range a `Range` header asks for; `None`: the whole blob.
fn parse_range(headers: &HeaderMap, len: u64) -> AppResult<Option<std::ops::Range<u64>>> {
    let Some(value) = headers.get(header::RANGE) else {
        return Ok(None);
    };
    let Some(spec) = value.to_str().ok().and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return Ok(None); // another unit: ignored (RFC 9110 §14.2)
    };
    if spec.contains(',') {
        return Ok(None); // several ranges: answered with the whole blob
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let Ok(suffix) = last.parse::<u64>() else { return Ok(None) };
        if suffix == 0 || len == 0 {
            return Err(ApiError::range(len));
        }
        len.saturating_sub(suffix)..len
    } else {
        let Ok(start) = first.parse::<u64>() else { return Ok(None) };
        let end = if last.is_empty() {
            len
        } else {
            let Ok(last) = last.parse::<u64>() else { return Ok(None) };
            if last < start {
                return Ok(None);
            }
            last.saturating_add(1).min(len)
        };
        if start >= len {
            return Err(ApiError::range(len));
        }
        start..end
    };
    Ok(Some(range))
}

/// Streams a blob, or a range of it. A read of the manifest from byte 0
/// counts as a download.
#[utoipa::path(get, path = "/api/v1/transfers/{id}/blobs/{blob}",
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$"), ("blob" = String, Path, pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$"),
           ("Range" = Option<String>, Header, description = "bytes=a-b, bytes=a- or bytes=-n")),
    responses(
    (status = 200, body = BlobBytes, content_type = "application/octet-stream"),
    (status = 206, body = BlobBytes, content_type = "application/octet-stream"),
    (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 416, body = ErrorBody)))]
async fn download_blob(
    State(state): Shared,
    method: Method,
    headers: HeaderMap,
    Path((id, blob)): Path<(String, String)>,
) -> AppResult<Response> {
    let transfer = live(&state, &id).await?;
    let (size, _) = announced(&state, &id, &blob).await?;
    let len = state
        .store
        .complete_len(&id, &blob)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::not_found("the blob is not stored"))?;
    if len != size {
        return Err(ApiError::internal(format!("{id}/{blob}: stored {len} bytes, announced {size}")));
    }
    let range = parse_range(&headers, len)?;
    let partial = range.is_some();
    let range = range.unwrap_or(0..len);
    if blob == "manifest" && range.start == 0 && method == Method::GET {
        let Some(count) = state.db.count_download(&id, now()).await? else {
            return Err(ApiError::gone("the download limit is reached"));
        };
        audit(&state, "downloaded", Some(&id), None, Some(signed(len, "size")?)).await;
        if count == 1 {
            let state = Arc::clone(&state);
            let sender = transfer.sender.clone();
            tokio::spawn(async move {
                let body = format!(
                    "Your Kluis transfer {id} was downloaded for the first time.\n\nLink: {}\n",
                    link(&state, &id)
                );
                match state.mailer.send(&sender, "Your Kluis transfer was downloaded", body).await {
                    Ok(()) => audit(&state, "notified", Some(&id), Some(&sender), None).await,
                    Err(e) => tracing::warn!(%e, transfer = %id, "could not mail the sender"),
                }
            });
        }
    }
    let stream = state.store.read(&transfer.id, &blob, range.clone()).await.map_err(store_error)?;
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(range.end - range.start));
    if partial {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let value = format!("bytes {}-{}/{len}", range.start, range.end.saturating_sub(1));
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(response)
}

// ---------------------------------------------------------------- OpenAPI

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI description of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kluis drop server", description = "docs/SERVER.md"),
    paths(health, openapi_json, transfer_page, verify, confirm, create_transfer, upload_state,
          upload_blob, finish_blob, finish_transfer, delete_transfer, transfer_info, download_blob),
    components(schemas(ErrorBody, VerifyRequest, VerifyAnswer, ConfirmRequest, TokenAnswer, Announcement,
                       BlobSize, Notice, CreatedAnswer, UploadState, PartialAnswer, FinishBlobRequest,
                       FinishTransferRequest, LinkAnswer, TransferInfo, Health, BlobBytes)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

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

    #[test]
    fn ranges_follow_rfc_9110() {
        let range = |value: &str, len: u64| {
            let mut headers = HeaderMap::new();
            headers.insert(header::RANGE, HeaderValue::from_str(value).map_err(|_| ()).ok()?);
            match parse_range(&headers, len) {
                Ok(r) => Some(r),
                Err(e) => {
                    assert_eq!(e.status(), StatusCode::RANGE_NOT_SATISFIABLE);
                    None
                }
            }
        };
        assert_eq!(range("bytes=0-9", 100), Some(Some(0..10)));
        assert_eq!(range("bytes=90-200", 100), Some(Some(90..100)), "clamped");
        assert_eq!(range("bytes=-10", 100), Some(Some(90..100)));
        assert_eq!(range("bytes=-200", 100), Some(Some(0..100)));
        assert_eq!(range("bytes=50-", 100), Some(Some(50..100)));
        assert_eq!(range("bytes=100-", 100), None, "416");
        assert_eq!(range("bytes=-0", 100), None, "416");
        assert_eq!(range("bytes=0-", 0), None, "416 for an empty blob");
        assert_eq!(range("bytes=5-2", 100), Some(None), "malformed: ignored");
        assert_eq!(range("bytes=0-1,5-6", 100), Some(None), "several: ignored");
        assert_eq!(range("items=0-1", 100), Some(None), "another unit: ignored");
        assert_eq!(range("bytes=x-1", 100), Some(None));
    }
}
