//! The send page (`/`) and the receive page (`/t/{id}`): a template of the
//! embedded build in the request's language, with the site's name, the
//! theme stylesheet's URL and the page data of docs/WEB.md filled in. The
//! receive page's data are the transfer's facts as the server knows them;
//! reading them never counts a download.
//!
//! ```
//! use kluis_server::web::pages::fill;
//! let page = fill("<title>{{site_name}}</title><body data-kluis=\"{{data}}\">", "A & B", r#"{"a":"<x>"}"#);
//! assert_eq!(page, "<title>A &amp; B</title><body data-kluis=\"{&quot;a&quot;:&quot;&lt;x&gt;&quot;}\">");
//! ```

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kluis_protocol::{BlobName, Language, TransferId, paths};
use serde::Serialize;

use super::assets::{Page, embedded};
use super::{THEME_CSS, headers, language};
use crate::api::AppState;
use crate::db::DbError;

/// The page data (`<body data-kluis="…">`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageData {
    /// The organisation.
    pub site: SiteData,
    /// The server's limits, for the send form.
    pub limits: LimitsData,
    /// The transfer, on the receive page only (`null` on the send page).
    pub transfer: Option<Facts>,
}

/// The organisation's name and logo URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteData {
    /// Its name.
    pub name: String,
    /// A same-origin path, or `null`.
    pub logo: Option<String>,
}

/// The limits of `[limits]`, as the pages count them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitsData {
    /// `max_transfer_bytes`.
    pub max_transfer_bytes: u64,
    /// `max_recipients`.
    pub max_recipients: u64,
    /// `max_blobs` − 1 (the manifest is a blob).
    pub max_files: u64,
    /// `max_expiry_secs` in whole days (at least 1).
    pub max_expiry_days: u64,
    /// `[site] default_expiry_days`, within 1..=`max_expiry_days`.
    pub default_expiry_days: u64,
}

/// What the receive page may say of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    /// Finished, not expired, downloads below the limit.
    Open,
    /// Past its expiry (also once purged, while a note of its expiry lasts:
    /// `purge.expired_notice_secs`).
    Expired,
    /// Withdrawn by its sender (a tombstone until the original expiry).
    Withdrawn,
    /// Downloads reached the limit.
    Limit,
    /// Unknown or unfinished.
    NotFound,
    /// The database does not answer.
    Busy,
}

/// A transfer's facts: never a name, the message or a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    /// The transfer id (as given, when not one).
    pub id: String,
    /// Its state.
    pub state: TransferState,
    /// The verified sender ("" when unknown).
    pub sender: String,
    /// The recipients.
    pub recipients: Vec<String>,
    /// Unix seconds (0 when unknown).
    pub expires_at: u64,
    /// File blobs (the manifest not counted).
    pub files: u64,
    /// Their sealed sizes.
    pub bytes: u64,
    /// Downloads left; `null` when unlimited.
    pub downloads_left: Option<u64>,
    /// Whether a recipient may still ask for a reply token.
    pub reply_allowed: bool,
}

impl Facts {
    fn bare(id: String, state: TransferState) -> Facts {
        Facts {
            id,
            state,
            sender: String::new(),
            recipients: Vec::new(),
            expires_at: 0,
            files: 0,
            bytes: 0,
            downloads_left: None,
            reply_allowed: false,
        }
    }
}

/// The limits the pages get.
pub fn limits(state: &AppState) -> LimitsData {
    let limits = &state.config.limits;
    let max_expiry_days = (limits.max_expiry_secs / 86_400).max(1);
    LimitsData {
        max_transfer_bytes: limits.max_transfer_bytes,
        max_recipients: u64::try_from(limits.max_recipients).unwrap_or(u64::MAX),
        max_files: u64::try_from(limits.max_blobs.saturating_sub(1).max(1)).unwrap_or(u64::MAX),
        max_expiry_days,
        default_expiry_days: state.config.site.default_expiry_days.clamp(1, max_expiry_days),
    }
}

/// The facts of the transfer `text` names, without counting a download;
/// `busy` when the database fails.
pub async fn facts(state: &AppState, text: &str) -> Facts {
    let Ok(id) = text.parse::<TransferId>() else {
        return Facts::bare(text.chars().take(64).collect(), TransferState::NotFound);
    };
    match read_facts(state, &id).await {
        Ok(facts) => facts,
        Err(e) => {
            tracing::error!(%e, "could not read a transfer's facts for its page");
            Facts::bare(id.to_string(), TransferState::Busy)
        }
    }
}

async fn read_facts(state: &AppState, id: &TransferId) -> Result<Facts, DbError> {
    let now = crate::now();
    let unix = |v: i64| u64::try_from(v).unwrap_or(0);
    let Some(t) = state.db.transfer(id).await?.filter(|t| t.finished_at.is_some()) else {
        return Ok(match state.db.tombstone(id, now).await? {
            Some(expires_at) => {
                Facts { expires_at: unix(expires_at), ..Facts::bare(id.to_string(), TransferState::Withdrawn) }
            }
            // Expired and purged: a note says so for a while.
            None if state.db.expired_note(id, now).await? => Facts::bare(id.to_string(), TransferState::Expired),
            None => Facts::bare(id.to_string(), TransferState::NotFound),
        });
    };
    let blobs = state.db.blobs(id).await?;
    let files = blobs.iter().filter(|b| b.name != BlobName::Manifest);
    let transfer_state = if t.expires_at <= now {
        TransferState::Expired
    } else if t.download_limit.is_some_and(|limit| t.downloads >= limit) {
        TransferState::Limit
    } else {
        TransferState::Open
    };
    let per_transfer = state.config.replies.per_transfer;
    let reply_allowed = per_transfer > 0
        && matches!(transfer_state, TransferState::Open | TransferState::Limit)
        && state.db.reply_count(id).await? < per_transfer;
    Ok(Facts {
        id: id.to_string(),
        state: transfer_state,
        sender: t.sender.clone(),
        recipients: serde_json::from_str(&t.recipients).unwrap_or_default(),
        expires_at: unix(t.expires_at),
        files: u64::try_from(files.clone().count()).unwrap_or(u64::MAX),
        bytes: files.map(|b| unix(b.size)).sum(),
        downloads_left: t.download_limit.map(|limit| unix(limit.saturating_sub(t.downloads))),
        reply_allowed,
    })
}

/// `text` escaped for HTML text and attribute values (`& < > " '`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills a template's placeholders in one pass (a value is never searched
/// for placeholders): `{{site_name}}`, `{{theme_css}}` ([`THEME_CSS`]) and
/// `{{data}}` (the page data's JSON), each escaped.
pub fn fill(template: &str, site_name: &str, data_json: &str) -> String {
    let mut out = String::with_capacity(template.len() + data_json.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let value = [("{{site_name}}", site_name), ("{{theme_css}}", THEME_CSS), ("{{data}}", data_json)]
            .into_iter()
            .find(|(name, _)| after.starts_with(name));
        match value {
            Some((name, value)) => {
                out.push_str(&escape(value));
                rest = &after[name.len()..];
            }
            None => {
                out.push_str("{{");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn page_response(status: StatusCode, html: String, language: Language) -> Response {
    let mut response = (status, Html(html)).into_response();
    headers::page(response.headers_mut(), language);
    response
}

fn render(state: &AppState, page: Page, language: Language, transfer: Option<Facts>) -> Option<String> {
    let template = embedded()?.template(page, language)?;
    let data = PageData {
        site: SiteData { name: state.site.name().to_string(), logo: state.site.logo_url().map(str::to_string) },
        limits: limits(state),
        transfer,
    };
    let json = serde_json::to_string(&data).ok()?;
    Some(fill(template, state.site.name(), &json))
}

/// A plain page for a server built without the pages (`--no-default-features`).
fn not_built_in(body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kluis</title></head>\n<body>\n\
         <h1>Kluis</h1>\n<p>The web pages are not built into this server.</p>\n{body}</body></html>\n"
    )
}

/// `GET /`: the send page.
pub async fn send(State(state): State<Arc<AppState>>, request: HeaderMap) -> Response {
    let language = language::page(&request);
    let html = render(&state, Page::Send, language, None)
        .unwrap_or_else(|| not_built_in("<p>Send with the command line: <code>kluis send --server URL</code>.</p>\n"));
    page_response(StatusCode::OK, html, language)
}

/// `GET /t/{id}`: the receive page, whatever the transfer's state (the
/// page data say which); the command to receive when the pages are not
/// built in.
pub async fn receive(state: &AppState, id: &str, request: &HeaderMap) -> Response {
    let language = language::page(request);
    let facts = facts(state, id).await;
    if let Some(html) = render(state, Page::Receive, language, Some(facts.clone())) {
        return page_response(StatusCode::OK, html, language);
    }
    let body = match id.parse::<TransferId>() {
        Ok(id) => format!(
            "<p>Open the transfer with the Kluis command line, and the password the sender gives you \
             separately:</p>\n<pre>kluis receive {}{}</pre>\n",
            escape(&state.public_url),
            paths::page(&id)
        ),
        Err(_) => "<p>This is not a Kluis link.</p>\n".to_string(),
    };
    let status = if facts.state == TransferState::NotFound { StatusCode::NOT_FOUND } else { StatusCode::OK };
    let mut response = page_response(status, not_built_in(&body), Language::En);
    response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_escaped() {
        let template = "{{site_name}}|{{theme_css}}|{{data}}|{{other}}|{{site_name}}";
        assert_eq!(
            fill(template, "<{{data}}>", "'\""),
            "&lt;{{data}}&gt;|/theme.css|&#39;&quot;|{{other}}|&lt;{{data}}&gt;"
        );
        assert_eq!(fill("{{", "x", "y"), "{{");
    }
}
