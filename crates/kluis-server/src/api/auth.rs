//! Sender verification: a mailed one-time code for a bearer token, the
//! token check of every sending request, and the rate limits around them.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hmac::{KeyInit, Mac};
use kluis_protocol::{ConfirmRequest, ErrorBody, TokenAnswer, VerifyAnswer, VerifyRequest};
use sha2::Sha256;

use super::{AppResult, AppState, Shared, address, client_ip, hex_sha256, ip_key, json, rate, same, unix};
use crate::error::ApiError;
use crate::mail;
use crate::now;

/// The verified sender of the request's bearer token.
pub(super) async fn sender(state: &AppState, headers: &HeaderMap) -> AppResult<String> {
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

/// Mails a one-time code to the address, unless a code is pending: while
/// the last one mailed is unexpired and has attempts left, nothing is mailed
/// and the answer gives that code's expiry (it stays valid: a request cannot
/// replace it, so nobody can keep a sender from verifying).
#[utoipa::path(post, path = "/api/v1/verify", request_body = VerifyRequest, responses(
    (status = 202, body = VerifyAnswer), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 429, body = ErrorBody, headers(("Retry-After" = u64))), (status = 503, body = ErrorBody)))]
pub(super) async fn verify(
    State(state): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<VerifyRequest>, JsonRejection>,
) -> AppResult<Response> {
    let request = json(body)?;
    let address = address(&request.address)?;
    let ip = ip_key(client_ip(&state, peer, &headers));
    let limits = &state.config.limits;
    rate(&state, format!("verify-ip:{ip}"), limits.verify_per_ip, "code requests per client IP (verify_per_ip)")
        .await?;
    super::limits::may_verify(limits, &address)?;
    let now = now();
    let pending = |expires_at: i64| (StatusCode::ACCEPTED, Json(VerifyAnswer { expires_at: unix(expires_at) }));
    if let Some(expires_at) = state.db.pending_code(&address, now, limits.code_attempts).await? {
        return Ok(pending(expires_at).into_response());
    }
    // Counted per address and requesting IP: requests from elsewhere cannot
    // use up a sender's code mails.
    let what = "code mails per address from one client IP (verify_per_address)";
    rate(&state, format!("verify-address:{address}:{ip}"), limits.verify_per_address, what).await?;
    let code = crate::secrets::code().map_err(ApiError::internal)?;
    let hash = code_hash(&state.secret, &address, &code);
    let expires_at = now.saturating_add(i64::try_from(limits.code_ttl_secs).unwrap_or(i64::MAX / 4));
    if !state.db.put_code_unless_pending(&address, &hash, expires_at, now, limits.code_attempts).await? {
        // Another request stored one meanwhile.
        let expires_at = state.db.pending_code(&address, now, limits.code_attempts).await?.unwrap_or(expires_at);
        return Ok(pending(expires_at).into_response());
    }
    let language = crate::web::language::mail(&headers);
    let (subject, body) = mail::code_mail(&code, limits.code_ttl_secs.div_ceil(60), language);
    if let Err(e) = state.mailer.send_in(&address, language, &subject, body).await {
        // Not mailed: not pending either, so that a new request can mail one.
        state.db.consume_code(&address, &hash).await?;
        return Err(ApiError::unavailable(e));
    }
    Ok(pending(expires_at).into_response())
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
pub(super) async fn confirm(
    State(state): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<ConfirmRequest>, JsonRejection>,
) -> AppResult<Json<TokenAnswer>> {
    let request = json(body)?;
    let ip = ip_key(client_ip(&state, peer, &headers));
    let what = "code confirmations per client IP (confirm_per_ip)";
    rate(&state, format!("confirm-ip:{ip}"), state.config.limits.confirm_per_ip, what).await?;
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
