//! Sending: the announcement, resumable blob uploads, finishing a blob and
//! the transfer (which mails the recipients, once each), and deleting.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use futures::StreamExt;
use kluis_protocol::{
    Announcement, BlobName, CreatedAnswer, ErrorBody, FinishBlobRequest, FinishTransferRequest, LinkAnswer,
    OffsetQuery, PartialAnswer, TransferId, UploadState,
};

use super::extractors::{BlobPath, Sender, TransferPath};
use super::openapi::BlobBytes;
use super::{AppResult, AppState, Shared, address, audit, client_ip, ip_key, json, link, signed, store_error, unix};
use crate::db::{Announced, TransferRow};
use crate::error::ApiError;
use crate::mail;
use crate::now;
use crate::storage::StoreError;

/// Bytes gathered before one append to the store.
const APPEND_CHUNK: usize = 1 << 20;

/// The transfer, owned by `sender`.
async fn owned(state: &AppState, id: &TransferId, sender: &str) -> AppResult<TransferRow> {
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
async fn announced(state: &AppState, id: &TransferId, blob: &BlobName) -> AppResult<(u64, bool)> {
    let blobs = state.db.blobs(id).await?;
    blobs
        .iter()
        .find(|b| b.name == *blob)
        .map(|b| (unix(b.size), b.complete))
        .ok_or_else(|| ApiError::not_found("the blob is not announced"))
}

fn check_announcement(state: &AppState, a: &mut Announcement, sender: &str) -> AppResult<i64> {
    if address(&a.sender)? != sender {
        return Err(ApiError::forbidden("sender is not the token's verified address"));
    }
    a.sender = sender.to_string();
    let limits = &state.config.limits;
    if a.recipients.is_empty() {
        return Err(ApiError::bad_request("at least 1 recipient"));
    }
    let mut recipients = Vec::with_capacity(a.recipients.len());
    for r in &a.recipients {
        let r = address(r)?;
        if !recipients.contains(&r) {
            recipients.push(r);
        }
    }
    a.recipients = recipients;
    super::limits::check_notice(limits, a)?;
    super::limits::check_recipients(limits, sender, &a.recipients)?;
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
        if a.blobs[..i].iter().any(|b| b.name == blob.name) {
            return Err(ApiError::bad_request(format!("blob {} is listed twice", blob.name)));
        }
        total = total.saturating_add(blob.size);
    }
    if !a.blobs.iter().any(|b| b.name == BlobName::Manifest) {
        return Err(ApiError::bad_request("the manifest blob is missing"));
    }
    if total > limits.max_transfer_bytes {
        return Err(ApiError::too_large(format!(
            "{total} bytes announced; at most {} per transfer",
            limits.max_transfer_bytes
        )));
    }
    if let Some(notice) = &a.notice {
        let texts = notice.subject.iter().chain(notice.file_names.iter());
        if texts.clone().any(|t| t.contains('\0')) {
            return Err(ApiError::bad_request("notice holds a NUL character"));
        }
    }
    signed(total, "the total size")
}

/// Announces a transfer (idempotent for the same announcement), within the
/// sending limits: the domain policy (403 `domain_not_allowed`), what the
/// notice may carry (413 `notice_too_large`), the storage quotas (413
/// `quota_exceeded`) and the transfers and recipients per sender and per
/// client IP (429 `rate_limited`).
#[utoipa::path(post, path = "/api/v1/transfers", request_body = Announcement, security(("bearer" = [])), responses(
    (status = 201, body = CreatedAnswer), (status = 200, body = CreatedAnswer, description = "repeated announcement"),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
    (status = 429, body = ErrorBody, headers(("Retry-After" = u64)))))]
pub(super) async fn create_transfer(
    State(state): Shared,
    Sender(sender): Sender,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<Announcement>, JsonRejection>,
) -> AppResult<Response> {
    let mut a = json(body)?;
    let total = check_announcement(&state, &mut a, &sender)?;
    let stored = serde_json::to_string(&a).map_err(ApiError::internal)?;
    let answer = CreatedAnswer { id: a.id, link: link(&state, &a.id) };
    let row = TransferRow {
        id: a.id,
        sender: sender.clone(),
        recipients: serde_json::to_string(&a.recipients).map_err(ApiError::internal)?,
        expires_at: signed(a.expires_at, "expires_at")?,
        download_limit: a.download_limit.map(|l| signed(l, "download_limit")).transpose()?,
        announcement: stored.clone(),
        total_size: total,
        finished_at: None,
        downloads: 0,
    };
    let blobs = a.blobs.iter().map(|b| Ok((b.name, signed(b.size, "a blob size")?))).collect::<AppResult<Vec<_>>>()?;
    let ip = ip_key(client_ip(&state, peer, &headers));
    let limits = super::limits::send_limits(&state.config.limits, &sender, &ip, a.recipients.len());
    match state.db.announce(&row, &blobs, now(), &limits).await? {
        Announced::Created => {
            audit(&state, "created", Some(&a.id), Some(&sender), Some(total)).await;
            return Ok((StatusCode::CREATED, Json(answer)).into_response());
        }
        Announced::Exists => {}
        refused => return Err(super::limits::refusal(&state.config.limits, &limits, &refused, total)),
    }
    let existing =
        state.db.transfer(&a.id).await?.ok_or_else(|| ApiError::conflict("the transfer was deleted meanwhile"))?;
    if existing.sender != sender {
        return Err(ApiError::forbidden("the id belongs to another sender's transfer"));
    }
    // Compared as announcements, not as text, so that a repeat stays the
    // same across versions that write the stored JSON differently.
    let before: Option<Announcement> = serde_json::from_str(&existing.announcement).ok();
    if before.as_ref() != Some(&a) {
        return Err(ApiError::conflict("a different transfer was announced with this id"));
    }
    Ok((StatusCode::OK, Json(answer)).into_response())
}

/// The partial and complete length of a blob (sender only).
#[utoipa::path(get, path = "/api/v1/transfers/{id}/blobs/{blob}/upload", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$"), ("blob" = String, Path, pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$")), responses(
    (status = 200, body = UploadState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub(super) async fn upload_state(
    State(state): Shared,
    Sender(sender): Sender,
    BlobPath(id, blob): BlobPath,
) -> AppResult<Json<UploadState>> {
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
pub(super) async fn upload_blob(
    State(state): Shared,
    sender: Result<Sender, ApiError>,
    path: Result<BlobPath, ApiError>,
    headers: HeaderMap,
    query: Result<Query<OffsetQuery>, QueryRejection>,
    body: Body,
) -> AppResult<Json<PartialAnswer>> {
    // Every refusal closes the connection: the body may be partly unread.
    let answer: AppResult<Json<PartialAnswer>> = async {
        let Sender(sender) = sender?;
        let BlobPath(id, blob) = path?;
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
        // Pieces are appended unsynced and the last one synced (one sync
        // per request); a request that fails midway syncs what it appended,
        // so that what the blob's length says arrived is on disk.
        let mut unsynced = false;
        let appended: AppResult<u64> = async {
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
                    position = if last {
                        state.store.append(&id, &blob, position, data).await
                    } else {
                        state.store.append_unsynced(&id, &blob, position, data).await
                    }
                    .map_err(store_error)?;
                    unsynced = !last;
                    appended_any = true;
                } else if last && unsynced {
                    state.store.sync(&id, &blob).await.map_err(store_error)?;
                    unsynced = false;
                }
                if last {
                    return Ok(position);
                }
            }
        }
        .await;
        if appended.is_err() && unsynced {
            // Only logged: the request's own error is the answer.
            let synced = state.store.sync(&id, &blob).await;
            if let Err(e) = synced {
                tracing::warn!(transfer = %id, "syncing a cut upload failed: {e}");
            }
        }
        Ok(Json(PartialAnswer { partial_len: appended? }))
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
pub(super) async fn finish_blob(
    State(state): Shared,
    Sender(sender): Sender,
    BlobPath(id, blob): BlobPath,
    body: Result<Json<FinishBlobRequest>, JsonRejection>,
) -> AppResult<StatusCode> {
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
pub(super) async fn finish_transfer(
    State(state): Shared,
    Sender(sender): Sender,
    TransferPath(id): TransferPath,
    body: Result<Json<FinishTransferRequest>, JsonRejection>,
) -> AppResult<Json<LinkAnswer>> {
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
    let (subject, body) = mail::recipient_mail(&announcement, &answer.link, unix(transfer.expires_at));
    // After a failed round (503), those already mailed (table `notified`)
    // are not mailed again.
    let done = state.db.notified(&id).await?;
    for recipient in recipients.iter().filter(|r| !done.contains(r)) {
        let language = announcement.language.unwrap_or_default();
        if let Err(e) = state.mailer.send_in(recipient, language, &subject, body.clone()).await {
            state.db.unfinish_transfer(&id).await?;
            return Err(ApiError::unavailable(e));
        }
        state.db.mark_notified(&id, recipient, now()).await?;
        audit(&state, "notified", Some(&id), Some(recipient), None).await;
    }
    Ok(Json(answer))
}

/// Deletes a transfer and its blobs (sender only).
#[utoipa::path(delete, path = "/api/v1/transfers/{id}", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$")), responses(
    (status = 204, description = "deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub(super) async fn delete_transfer(
    State(state): Shared,
    Sender(sender): Sender,
    TransferPath(id): TransferPath,
) -> AppResult<StatusCode> {
    let transfer = owned(&state, &id, &sender).await?;
    state.db.put_tombstone(&id, transfer.expires_at).await?;
    state.store.delete_transfer(&id).await.map_err(store_error)?;
    state.db.delete_transfer(&id).await?;
    audit(&state, "purged", Some(&id), Some(&sender), Some(transfer.total_size)).await;
    Ok(StatusCode::NO_CONTENT)
}
