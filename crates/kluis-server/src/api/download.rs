//! Receiving: a finished transfer's facts and its blobs, whole or by range.
//! No token: the 128-bit transfer id in the link is the capability.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use kluis_protocol::{BlobName, BlobSize, ErrorBody, TransferId, TransferSummary};

use super::extractors::{BlobPath, TransferPath};
use super::openapi::BlobBytes;
use super::{AppResult, AppState, Shared, audit, client_ip, ip_key, link, signed, store_error, unix};
use crate::db::TransferRow;
use crate::error::ApiError;
use crate::mail;
use crate::now;

/// A finished, live transfer (404 unknown or unfinished, 410 expired).
async fn live(state: &AppState, id: &TransferId) -> AppResult<TransferRow> {
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
    (status = 200, body = TransferSummary), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub(super) async fn transfer_info(
    State(state): Shared,
    TransferPath(id): TransferPath,
) -> AppResult<Json<TransferSummary>> {
    let transfer = live(&state, &id).await?;
    if transfer.download_limit.is_some_and(|limit| transfer.downloads >= limit) {
        return Err(ApiError::gone("the download limit is reached"));
    }
    let blobs = state.db.blobs(&id).await?;
    Ok(Json(TransferSummary {
        id,
        expires_at: unix(transfer.expires_at),
        blobs: blobs.into_iter().map(|b| BlobSize { name: b.name, size: unix(b.size) }).collect(),
        downloads: unix(transfer.downloads),
        download_limit: transfer.download_limit.map(unix),
    }))
}

/// The byte range a `Range` header asks for; `None`: the whole blob.
pub(super) fn parse_range(headers: &HeaderMap, len: u64) -> AppResult<Option<std::ops::Range<u64>>> {
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

/// Streams a blob, or a range of it. Every `GET` of the manifest counts as
/// a download, whatever its range: a client that skips byte 0 (the magic,
/// known to anyone) gets past neither the limit nor the sender's notice.
/// Every read counts against the read limits of the transfer and the client
/// IP first ([`super::limits::count_read`]; `429` past them).
#[utoipa::path(get, path = "/api/v1/transfers/{id}/blobs/{blob}",
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$"), ("blob" = String, Path, pattern = "^(manifest|[a-z2-7]{25}[aeimquy4])$"),
           ("Range" = Option<String>, Header, description = "bytes=a-b, bytes=a- or bytes=-n")),
    responses(
    (status = 200, body = BlobBytes, content_type = "application/octet-stream"),
    (status = 206, body = BlobBytes, content_type = "application/octet-stream"),
    (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 416, body = ErrorBody),
    (status = 429, body = ErrorBody, headers(("Retry-After" = u64)))))]
pub(super) async fn download_blob(
    State(state): Shared,
    method: Method,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    BlobPath(id, blob): BlobPath,
) -> AppResult<Response> {
    let transfer = live(&state, &id).await?;
    let blobs = state.db.blobs(&id).await?;
    let size = blobs
        .iter()
        .find(|b| b.name == blob)
        .map(|b| unix(b.size))
        .ok_or_else(|| ApiError::not_found("the blob is not announced"))?;
    let len = state
        .store
        .complete_len(&id, &blob)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::not_found("the blob is not stored"))?;
    if len != size {
        return Err(ApiError::internal(format!("{id}/{blob}: stored {len} bytes, announced {size}")));
    }
    let range = parse_range(&headers, len);
    let read = match &range {
        _ if method == Method::HEAD => 0,
        Ok(Some(r)) => r.end - r.start,
        Ok(None) => len,
        Err(_) => 0,
    };
    let download = blob == BlobName::Manifest && method == Method::GET && range.is_ok();
    let ip = ip_key(client_ip(&state, peer, &headers));
    super::limits::count_read(&state, &id, &blobs, &ip, read, download).await?;
    let range = range?;
    let partial = range.is_some();
    let range = range.unwrap_or(0..len);
    if blob == BlobName::Manifest && method == Method::GET {
        let Some(count) = state.db.count_download(&id, now()).await? else {
            return Err(ApiError::gone("the download limit is reached"));
        };
        audit(&state, "downloaded", Some(&id), None, Some(signed(len, "size")?)).await;
        if count == 1 {
            let state = Arc::clone(&state);
            let sender = transfer.sender.clone();
            let language = serde_json::from_str::<kluis_protocol::Announcement>(&transfer.announcement)
                .ok()
                .and_then(|a| a.language)
                .unwrap_or_default();
            tokio::spawn(async move {
                let (subject, body) = mail::downloaded_mail(&id, &link(&state, &id), language);
                match state.mailer.send_in(&sender, language, &subject, body).await {
                    Ok(()) => audit(&state, "notified", Some(&id), Some(&sender), None).await,
                    Err(e) => {
                        // The id is the download capability: debug only.
                        tracing::warn!(%e, "could not mail a sender the notice of a first download");
                        tracing::debug!(transfer = %id, "the transfer whose sender was not mailed");
                    }
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

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

    use super::*;

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
