//! Replies from the receive page (docs/WEB.md): `POST
//! /api/v1/transfers/{id}/reply` grants a recipient, who holds the link
//! (the capability) but no verified address, a token for exactly one
//! transfer from the address they give to the transfer's sender only; and
//! [`guard`] holds every request carrying such a token to that: the one
//! announcement it may make (that sender, that single recipient), then only
//! that transfer's own paths.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kluis_protocol::{Announcement, ErrorBody, ReplyAnswer, ReplyRequest, TransferId, paths};

use super::extractors::TransferPath;
use super::{AppResult, AppState, Shared, address, audit, client_ip, hex_sha256, ip_key, json, rate, unix};
use crate::db::{ReplyGrant, ReplyGranted};
use crate::error::ApiError;
use crate::now;

/// The largest announcement a reply token's guard reads.
const MAX_ANNOUNCEMENT: usize = 8 << 20;

/// A token for one reply to the transfer's sender.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/reply", request_body = ReplyRequest,
    params(("id" = String, Path, pattern = "^[a-z2-7]{25}[aeimquy4]$")), responses(
    (status = 200, body = ReplyAnswer), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 410, body = ErrorBody),
    (status = 429, body = ErrorBody, headers(("Retry-After" = u64)))))]
pub(super) async fn reply(
    State(state): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    TransferPath(id): TransferPath,
    body: Result<Json<ReplyRequest>, JsonRejection>,
) -> AppResult<Json<ReplyAnswer>> {
    let ip = ip_key(client_ip(&state, peer, &headers));
    rate(
        &state,
        format!("reply-ip:{ip}"),
        state.config.limits.verify_per_ip,
        "reply requests per client IP (verify_per_ip)",
    )
    .await?;
    let request = json(body)?;
    let sender = address(&request.address)?;
    let now = now();
    let Some(transfer) = state.db.transfer(&id).await?.filter(|t| t.finished_at.is_some()) else {
        if state.db.tombstone(&id, now).await?.is_some() {
            return Err(ApiError::gone("the transfer was withdrawn"));
        }
        return Err(ApiError::not_found("no such transfer"));
    };
    if transfer.expires_at <= now {
        return Err(ApiError::gone("the transfer has expired"));
    }
    let per_transfer = state.config.replies.per_transfer;
    if per_transfer == 0 {
        return Err(ApiError::forbidden("this server allows no replies"));
    }
    let token = crate::secrets::token().map_err(ApiError::internal)?;
    let ttl = i64::try_from(state.config.replies.token_ttl_secs).unwrap_or(i64::MAX / 4);
    let expires_at = now.saturating_add(ttl);
    let grant = ReplyGrant { transfer: id, sender: sender.clone(), to: transfer.sender.clone(), reply: None };
    let granted = state
        .db
        .grant_reply(&grant, &hex_sha256(token.as_bytes()), expires_at, transfer.expires_at, per_transfer)
        .await?;
    match granted {
        ReplyGranted::Granted => {}
        ReplyGranted::UsedUp => return Err(ApiError::forbidden("the transfer's replies are used up")),
        ReplyGranted::NoTransfer => return Err(ApiError::gone("the transfer was withdrawn or has expired")),
    }
    audit(&state, "reply_granted", Some(&id), Some(&sender), None).await;
    Ok(Json(ReplyAnswer { token, expires_at: unix(expires_at), sender, to: transfer.sender }))
}

fn bearer_hash(headers: &HeaderMap) -> Option<String> {
    let token = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")?.trim();
    (!token.is_empty() && token.len() <= 128).then(|| hex_sha256(token.as_bytes()))
}

/// The transfer id of a path below `/api/v1/transfers/`, if any.
fn transfer_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(paths::TRANSFERS)?.strip_prefix('/')?;
    Some(rest.split('/').next().unwrap_or_default())
}

/// Holds a request with a reply token to what the token allows: `POST
/// /api/v1/transfers` with an announcement from the grant's sender to the
/// grant's recipient only (binding the token to that transfer id), then
/// requests below `/api/v1/transfers/<that id>`; anything else is `403`.
/// Requests with another token, or none, pass untouched.
pub(super) async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(hash) = bearer_hash(request.headers()).filter(|_| request.uri().path().starts_with("/api/")) else {
        return next.run(request).await;
    };
    let grant = match state.db.reply_grant(&hash).await {
        Ok(Some(grant)) => grant,
        Ok(None) => return next.run(request).await,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let path = request.uri().path().to_string();
    if request.method() == Method::POST && path == paths::TRANSFERS {
        return announce(&state, &hash, &grant, request, next).await.unwrap_or_else(IntoResponse::into_response);
    }
    let allowed =
        transfer_of(&path).and_then(|id| id.parse::<TransferId>().ok()).is_some_and(|id| grant.reply == Some(id));
    if !allowed || path.ends_with("/reply") {
        return ApiError::forbidden("a reply token allows only its one reply").closing().into_response();
    }
    next.run(request).await
}

async fn announce(
    state: &AppState,
    hash: &str,
    grant: &ReplyGrant,
    request: Request,
    next: Next,
) -> AppResult<Response> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ANNOUNCEMENT)
        .await
        .map_err(|_| ApiError::too_large("the announcement is too large").closing())?;
    let a: Announcement =
        serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid announcement: {e}")))?;
    let recipients: Vec<String> = a.recipients.iter().map(|r| address(r)).collect::<AppResult<_>>()?;
    if address(&a.sender)? != grant.sender || recipients.is_empty() || recipients.iter().any(|r| *r != grant.to) {
        return Err(ApiError::forbidden("a reply goes from its own sender to the original sender only"));
    }
    if !state.db.claim_reply(hash, &a.id).await? {
        return Err(ApiError::forbidden("a reply token allows one transfer"));
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if !response.status().is_success() {
        state.db.release_reply(hash, &a.id).await?;
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transfer_of_a_path() {
        assert_eq!(transfer_of("/api/v1/transfers/abc/blobs/manifest"), Some("abc"));
        assert_eq!(transfer_of("/api/v1/transfers/abc"), Some("abc"));
        assert_eq!(transfer_of("/api/v1/transfers"), None);
        assert_eq!(transfer_of("/api/v1/transfersabc"), None);
        assert_eq!(transfer_of("/health"), None);
    }
}
