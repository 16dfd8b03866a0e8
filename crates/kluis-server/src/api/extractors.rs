//! Typed extractors: the ids of a request's path, parsed once (docs/TRANSFER.md
//! §2), and the verified sender of its bearer token. Handlers get a
//! [`TransferId`] and a [`BlobName`], never path text.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use kluis_protocol::{BlobName, TransferId};

use super::AppState;
use crate::error::ApiError;

/// The `{id}` of the path: a transfer id, or `404`.
#[derive(Debug, Clone, Copy)]
pub struct TransferPath(pub TransferId);

/// The `{id}` and `{blob}` of the path: a transfer id and a blob name, or
/// `404`.
#[derive(Debug, Clone, Copy)]
pub struct BlobPath(pub TransferId, pub BlobName);

/// The verified address of the request's bearer token, or `401`.
#[derive(Debug, Clone)]
pub struct Sender(pub String);

fn no_transfer() -> ApiError {
    ApiError::not_found("no such transfer")
}

impl<S: Send + Sync> FromRequestParts<S> for TransferPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| no_transfer())?;
        id.parse().map(TransferPath).map_err(|_| no_transfer())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for BlobPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((id, blob)) =
            Path::<(String, String)>::from_request_parts(parts, state).await.map_err(|_| no_transfer())?;
        let id = id.parse().map_err(|_| no_transfer())?;
        let blob = blob.parse().map_err(|_| ApiError::not_found("no such blob"))?;
        Ok(BlobPath(id, blob))
    }
}

impl FromRequestParts<Arc<AppState>> for Sender {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        super::auth::sender(state, &parts.headers).await.map(Sender)
    }
}
