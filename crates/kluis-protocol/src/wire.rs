//! The bodies of every request and answer of docs/SERVER.md.
//!
//! The server reads what a client writes with these very types, so the two
//! cannot drift apart. Answers ignore fields they do not know (a newer
//! server may add some); the announcement refuses them, as docs/SERVER.md
//! says.

use serde::{Deserialize, Serialize};

use crate::ids::{BlobName, TransferId};
use crate::notice::Language;

/// `POST /api/v1/verify`: mail a one-time code to this address.
///
/// ```
/// let body = kluis_protocol::VerifyRequest { address: "ann@example.org".into() };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"address":"ann@example.org"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyRequest {
    /// The sender's address.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$",
            max_length = 254
        )
    )]
    pub address: String,
}

/// A pattern of plausible addresses, as the OpenAPI description states it
/// (the server checks addresses with a mail library, not with this; the
/// schema attributes repeat it, since they take only literals).
pub const ADDRESS_PATTERN: &str = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$";

/// `202` to [`VerifyRequest`]: a code was mailed.
///
/// ```
/// let answer: kluis_protocol::VerifyAnswer = serde_json::from_str(r#"{"expires_at":5}"#).unwrap();
/// assert_eq!(answer.expires_at, 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyAnswer {
    /// When the code expires (Unix seconds).
    pub expires_at: u64,
}

/// `POST /api/v1/verify/confirm`: the mailed code, for a token.
///
/// ```
/// let body = kluis_protocol::ConfirmRequest { address: "ann@example.org".into(), code: "12345678".into() };
/// assert!(serde_json::to_string(&body).unwrap().contains(r#""code":"12345678""#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmRequest {
    /// The address the code was mailed to.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$",
            max_length = 254
        )
    )]
    pub address: String,
    /// The 8-digit code.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{8}$"))]
    pub code: String,
}

/// `200` to [`ConfirmRequest`]: a bearer token.
///
/// ```
/// let answer: kluis_protocol::TokenAnswer = serde_json::from_str(r#"{"token":"abc","expires_at":9}"#).unwrap();
/// assert_eq!(answer.token, "abc");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenAnswer {
    /// 32 random bytes, URL-safe base64 without padding.
    pub token: String,
    /// When the token expires (Unix seconds).
    pub expires_at: u64,
}

impl std::fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAnswer").field("token", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

/// One announced blob and its sealed size.
///
/// ```
/// use kluis_protocol::{BlobName, BlobSize};
/// let blob = BlobSize { name: BlobName::Manifest, size: 1234 };
/// assert_eq!(serde_json::to_string(&blob).unwrap(), r#"{"name":"manifest","size":1234}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlobSize {
    /// `manifest` or a blob id.
    pub name: BlobName,
    /// Its size in bytes.
    pub size: u64,
}

/// What the notice mails may tell, sent only when the sender opts in.
///
/// ```
/// let notice = kluis_protocol::Notice { subject: Some("Contract".into()), file_names: vec!["a.pdf".into()] };
/// assert_eq!(serde_json::to_string(&notice).unwrap(), r#"{"subject":"Contract","file_names":["a.pdf"]}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// The transfer's subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// The file names.
    #[serde(default)]
    pub file_names: Vec<String>,
}

/// `POST /api/v1/transfers`: the announcement of a transfer, before its
/// first byte.
///
/// ```
/// use kluis_protocol::{Announcement, BlobName, BlobSize, TransferId};
/// let a = Announcement {
///     id: TransferId::from_bytes([0; 16]),
///     sender: "ann@example.org".into(),
///     recipients: vec!["bob@example.org".into()],
///     expires_at: 1_767_225_600,
///     download_limit: None,
///     blobs: vec![BlobSize { name: BlobName::Manifest, size: 1234 }],
///     notice: None,
///     language: None,
/// };
/// let json = serde_json::to_string(&a).unwrap();
/// assert!(!json.contains("notice") && !json.contains("language"));
/// assert_eq!(serde_json::from_str::<Announcement>(&json).unwrap(), a);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Announcement {
    /// The transfer id chosen by the client.
    pub id: TransferId,
    /// The sender: the token's verified address.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^[a-z0-9]{1,20}([._+-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,3}\.[a-z]{2,10}$",
            max_length = 254
        )
    )]
    pub sender: String,
    /// The recipients.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub recipients: Vec<String>,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
    /// Download limit (none: unlimited).
    #[serde(default)]
    pub download_limit: Option<u64>,
    /// The blobs, the manifest among them.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub blobs: Vec<BlobSize>,
    /// What the notice mails may tell (only when the sender opts in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// The language of the recipients' notice mail (none: English). Sent
    /// only when chosen, so that older servers keep accepting the
    /// announcement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// `201`/`200` to an [`Announcement`]: the transfer's id and link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAnswer {
    /// The transfer id.
    pub id: TransferId,
    /// The link for recipients.
    pub link: String,
}

/// `GET …/blobs/{blob}/upload`: where an upload stands.
///
/// ```
/// let state: kluis_protocol::UploadState = serde_json::from_str(r#"{"partial_len":3,"complete_len":null}"#).unwrap();
/// assert_eq!((state.partial_len, state.complete_len), (Some(3), None));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadState {
    /// The partial blob's length, if there is one.
    #[serde(default)]
    pub partial_len: Option<u64>,
    /// The complete blob's length, if complete.
    #[serde(default)]
    pub complete_len: Option<u64>,
}

/// `200` to an upload request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartialAnswer {
    /// The partial blob's length now.
    pub partial_len: u64,
}

/// The largest body a Kluis client puts in one upload request
/// (`PUT …/upload?offset=N`): the npm package's 8 MiB pieces (the CLI and
/// the other bindings send 1 MiB). A server whose request limit is lower
/// would refuse every browser upload, so kluis-server refuses such a
/// configuration at start.
///
/// ```
/// assert_eq!(kluis_protocol::MAX_CLIENT_UPLOAD_REQUEST, 8 << 20);
/// ```
pub const MAX_CLIENT_UPLOAD_REQUEST: u64 = 8 << 20;

/// The `offset` query of an upload request (`PUT …?offset=N`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OffsetQuery {
    /// Must equal the partial blob's length.
    pub offset: u64,
}

/// `POST …/blobs/{blob}/finish`.
///
/// ```
/// let body = kluis_protocol::FinishBlobRequest { size: 7 };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"size":7}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishBlobRequest {
    /// The blob's full size (the announced one).
    pub size: u64,
}

/// `POST /api/v1/transfers/{id}/finish`.
///
/// ```
/// let body = kluis_protocol::FinishTransferRequest { expires_at: 7 };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"expires_at":7}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishTransferRequest {
    /// The announced expiry (Unix seconds), repeated.
    pub expires_at: u64,
}

/// `200` to [`FinishTransferRequest`]: the link of the finished transfer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkAnswer {
    /// The link for recipients.
    pub link: String,
}

/// `GET /api/v1/transfers/{id}`: a finished transfer's facts, for
/// recipients. (Named `TransferInfo` in the OpenAPI description.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TransferInfo))]
pub struct TransferSummary {
    /// The transfer id.
    pub id: TransferId,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
    /// The blobs.
    pub blobs: Vec<BlobSize>,
    /// Downloads counted so far.
    pub downloads: u64,
    /// The download limit (none: unlimited).
    #[serde(default)]
    pub download_limit: Option<u64>,
}

/// `GET /health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// The body of every error answer: `{"error": "<code>", "message": "<text>"}`.
///
/// ```
/// use kluis_protocol::{ErrorBody, ErrorCode};
/// let body = ErrorBody::new(ErrorCode::Gone, "the transfer has expired");
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"error":"gone","message":"the transfer has expired"}"#);
/// assert_eq!(body.code(), Some(ErrorCode::Gone));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable code: `invalid_request`, `invalid_address`, `unauthorized`,
    /// `invalid_code`, `forbidden`, `domain_not_allowed`, `not_found`,
    /// `conflict`, `gone`, `too_large`, `quota_exceeded`,
    /// `notice_too_large`, `range_not_satisfiable`, `rate_limited`,
    /// `internal`, `unavailable`.
    #[serde(default)]
    pub error: String,
    /// Human text.
    #[serde(default)]
    pub message: String,
}

impl ErrorBody {
    /// The body for `code` with `message`.
    pub fn new(code: crate::ErrorCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody { error: code.as_str().to_owned(), message: message.into() }
    }

    /// The code, when it is one of docs/SERVER.md.
    pub fn code(&self) -> Option<crate::ErrorCode> {
        self.error.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_refuse_unknown_fields_and_bad_ids() {
        let good = r#"{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaa","sender":"a@b","recipients":["c@d"],"expires_at":1,"blobs":[{"name":"manifest","size":1}]}"#;
        let parsed: Announcement = serde_json::from_str(good).unwrap();
        assert_eq!(parsed.download_limit, None);
        assert!(serde_json::from_str::<Announcement>(&good.replace("\"blobs\"", "\"extra\":1,\"blobs\"")).is_err());
        assert!(serde_json::from_str::<Announcement>(&good.replace("aaaaaaaaaaaaaaaaaaaaaaaaaa", "x")).is_err());
        assert!(serde_json::from_str::<Announcement>(&good.replace("manifest", "../x")).is_err());
        let dutch = good.replace("\"blobs\"", "\"language\":\"nl\",\"blobs\"");
        assert_eq!(serde_json::from_str::<Announcement>(&dutch).unwrap().language, Some(Language::Nl));
    }

    #[test]
    fn answers_ignore_unknown_fields() {
        let answer: LinkAnswer = serde_json::from_str(r#"{"link":"x","new":1}"#).unwrap();
        assert_eq!(answer.link, "x");
        assert!(!format!("{:?}", TokenAnswer { token: "secret".into(), expires_at: 1 }).contains("secret"));
    }
}

/// `POST /api/v1/transfers/{id}/reply`: a recipient asks to reply to the
/// transfer's sender, from their own (unverified) address.
///
/// ```
/// let body: kluis_protocol::ReplyRequest = serde_json::from_str(r#"{"address":"bob@example.org"}"#).unwrap();
/// assert_eq!(body.address, "bob@example.org");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// The replier's own address: the reply's sender.
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub address: String,
}

/// `200` to [`ReplyRequest`]: a bearer token that allows exactly one
/// announcement whose `sender` is [`ReplyAnswer::sender`] and whose only
/// recipient is [`ReplyAnswer::to`] (the original transfer's sender), and
/// the uploads and finishing of that one transfer. `Debug` redacts the token.
///
/// ```
/// let answer: kluis_protocol::ReplyAnswer = serde_json::from_str(
///     r#"{"token":"abc","expires_at":9,"sender":"bob@example.org","to":"ann@example.org"}"#).unwrap();
/// assert_eq!(answer.to, "ann@example.org");
/// assert!(!format!("{answer:?}").contains("abc"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyAnswer {
    /// 32 random bytes, URL-safe base64 without padding.
    pub token: String,
    /// When the token expires (Unix seconds).
    pub expires_at: u64,
    /// The reply's sender (the replier's address, lower-cased).
    pub sender: String,
    /// The reply's only recipient: the original transfer's sender.
    pub to: String,
}

impl std::fmt::Debug for ReplyAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplyAnswer")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("sender", &self.sender)
            .field("to", &self.to)
            .finish()
    }
}
