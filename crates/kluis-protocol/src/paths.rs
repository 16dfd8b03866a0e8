//! The URL paths of docs/SERVER.md: route templates for a server, and the
//! paths of one transfer or blob for a client.
//!
//! ```
//! use kluis_protocol::{paths, BlobName, TransferId};
//! let id = TransferId::from_bytes([0; 16]);
//! assert_eq!(paths::blob_upload(&id, &BlobName::Manifest), "/api/v1/transfers/aaaaaaaaaaaaaaaaaaaaaaaaaa/blobs/manifest/upload");
//! assert_eq!(paths::BLOB_UPLOAD, "/api/v1/transfers/{id}/blobs/{blob}/upload");
//! ```

use crate::ids::{BlobName, TransferId};

/// `GET`: `{"status": "ok"}` once the database answers.
pub const HEALTH: &str = "/health";
/// `GET`: the OpenAPI description.
pub const OPENAPI: &str = "/openapi.json";
/// `POST`: mail a code.
pub const VERIFY: &str = "/api/v1/verify";
/// `POST`: a code for a token.
pub const VERIFY_CONFIRM: &str = "/api/v1/verify/confirm";
/// `POST`: announce a transfer.
pub const TRANSFERS: &str = "/api/v1/transfers";
/// Route template: the recipients' page of a transfer (the link).
pub const PAGE: &str = "/t/{id}";
/// Route template: `GET` a finished transfer's facts, `DELETE` it.
pub const TRANSFER: &str = "/api/v1/transfers/{id}";
/// Route template: `POST` finish a transfer.
pub const TRANSFER_FINISH: &str = "/api/v1/transfers/{id}/finish";
/// `POST`: a token for one reply to the transfer's sender (the web pages).
pub const TRANSFER_REPLY: &str = "/api/v1/transfers/{id}/reply";
/// Route template: `GET`/`HEAD` a blob, `PUT` bytes into it.
pub const BLOB: &str = "/api/v1/transfers/{id}/blobs/{blob}";
/// Route template: `GET` an upload's state.
pub const BLOB_UPLOAD: &str = "/api/v1/transfers/{id}/blobs/{blob}/upload";
/// Route template: `POST` finish a blob.
pub const BLOB_FINISH: &str = "/api/v1/transfers/{id}/blobs/{blob}/finish";

/// `/t/{id}`: the path of a transfer's link below the server's address.
pub fn page(id: &TransferId) -> String {
    format!("/t/{id}")
}

/// `/api/v1/transfers/{id}`.
pub fn transfer(id: &TransferId) -> String {
    format!("{TRANSFERS}/{id}")
}

/// `/api/v1/transfers/{id}/finish`.
pub fn transfer_finish(id: &TransferId) -> String {
    format!("{TRANSFERS}/{id}/finish")
}

/// [`TRANSFER_REPLY`] of one transfer.
///
/// ```
/// let id = kluis_protocol::TransferId::from_bytes([0; 16]);
/// assert_eq!(kluis_protocol::paths::transfer_reply(&id), "/api/v1/transfers/aaaaaaaaaaaaaaaaaaaaaaaaaa/reply");
/// ```
pub fn transfer_reply(id: &TransferId) -> String {
    format!("{TRANSFERS}/{id}/reply")
}

/// `/api/v1/transfers/{id}/blobs/{blob}`.
pub fn blob(id: &TransferId, blob: &BlobName) -> String {
    format!("{TRANSFERS}/{id}/blobs/{blob}")
}

/// `/api/v1/transfers/{id}/blobs/{blob}?offset=N`: an upload request.
pub fn blob_at(id: &TransferId, name: &BlobName, offset: u64) -> String {
    format!("{}?offset={offset}", blob(id, name))
}

/// `/api/v1/transfers/{id}/blobs/{blob}/upload`.
pub fn blob_upload(id: &TransferId, name: &BlobName) -> String {
    format!("{}/upload", blob(id, name))
}

/// `/api/v1/transfers/{id}/blobs/{blob}/finish`.
pub fn blob_finish(id: &TransferId, name: &BlobName) -> String {
    format!("{}/finish", blob(id, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fill_the_templates() {
        let id = TransferId::from_bytes([0; 16]);
        let name = BlobName::Manifest;
        let fill = |t: &str| t.replace("{id}", &id.to_string()).replace("{blob}", &name.to_string());
        assert_eq!(page(&id), fill(PAGE));
        assert_eq!(transfer(&id), fill(TRANSFER));
        assert_eq!(transfer_finish(&id), fill(TRANSFER_FINISH));
        assert_eq!(blob(&id, &name), fill(BLOB));
        assert_eq!(blob_upload(&id, &name), fill(BLOB_UPLOAD));
        assert_eq!(blob_finish(&id, &name), fill(BLOB_FINISH));
        assert_eq!(blob_at(&id, &name, 5), format!("{}?offset=5", fill(BLOB)));
    }
}
