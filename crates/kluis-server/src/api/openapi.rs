//! The OpenAPI 3.1 description served at `/openapi.json`, from the
//! handlers' annotations and kluis-protocol's schemas.

use axum::Json;
use axum::response::{IntoResponse, Response};
use kluis_protocol::{
    Announcement, BlobSize, ConfirmRequest, CreatedAnswer, ErrorBody, FinishBlobRequest, FinishTransferRequest, Health,
    LinkAnswer, Notice, PartialAnswer, ReplyAnswer, ReplyRequest, TokenAnswer, TransferSummary, UploadState,
    VerifyAnswer, VerifyRequest,
};
use utoipa::{OpenApi, ToSchema};

use super::{auth, download, reply, upload};

/// Blob bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BlobBytes(#[allow(dead_code)] Vec<u8>);

/// This description.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
pub(super) async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

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
    paths(super::health, openapi_json, super::transfer_page, auth::verify, auth::confirm, upload::create_transfer,
          upload::upload_state, upload::upload_blob, upload::finish_blob, upload::finish_transfer,
          upload::delete_transfer, download::transfer_info, download::download_blob, reply::reply),
    components(schemas(ErrorBody, VerifyRequest, VerifyAnswer, ConfirmRequest, TokenAnswer, Announcement,
                       BlobSize, Notice, CreatedAnswer, UploadState, PartialAnswer, FinishBlobRequest,
                       FinishTransferRequest, LinkAnswer, TransferSummary, Health, BlobBytes, ReplyRequest, ReplyAnswer)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;
