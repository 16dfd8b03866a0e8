//! The front end built in `web/dist`, embedded by build.rs (feature
//! `web`): its four page templates and the hashed assets its
//! `manifest.json` lists, served at `/assets/…` with their content types
//! and a year's caching.
//!
//! ```
//! use kluis_server::web::assets::content_type;
//! assert_eq!(content_type("assets/send-3f2a.js"), "text/javascript; charset=utf-8");
//! assert_eq!(content_type("assets/kluis_wasm-9c1d.wasm"), "application/wasm");
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kluis_protocol::Language;

use super::headers;

#[cfg(feature = "web")]
mod dist {
    include!(concat!(env!("OUT_DIR"), "/web_dist.rs"));
}

/// The embedded build: templates by page and language, assets by path.
#[derive(Debug)]
pub struct Embedded {
    templates: HashMap<(String, Language), &'static str>,
    assets: HashMap<&'static str, &'static [u8]>,
}

/// A page of the front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/`: send.
    Send,
    /// `/t/{id}`: receive.
    Receive,
}

impl Page {
    fn key(self) -> &'static str {
        match self {
            Page::Send => "send",
            Page::Receive => "receive",
        }
    }
}

impl Embedded {
    #[cfg(feature = "web")]
    fn load() -> Option<Embedded> {
        let manifest: serde_json::Value = serde_json::from_str(dist::MANIFEST).ok()?;
        let files: HashMap<&'static str, &'static [u8]> = dist::FILES.iter().copied().collect();
        let mut templates = HashMap::new();
        for page in [Page::Send, Page::Receive] {
            for language in Language::ALL {
                let file = manifest.get("templates")?.get(page.key())?.get(language.code())?.as_str()?;
                let text = std::str::from_utf8(files.get(file)?).ok()?;
                templates.insert((page.key().to_string(), language), text);
            }
        }
        let assets = manifest
            .get("assets")?
            .as_array()?
            .iter()
            .filter_map(|a| a.as_str())
            .filter_map(|a| files.get_key_value(a).map(|(k, v)| (*k, *v)))
            .collect();
        Some(Embedded { templates, assets })
    }

    #[cfg(not(feature = "web"))]
    fn load() -> Option<Embedded> {
        None
    }

    /// The template of `page` in `language`.
    pub fn template(&self, page: Page, language: Language) -> Option<&'static str> {
        self.templates.get(&(page.key().to_string(), language)).copied()
    }

    /// The asset at `path` (`assets/…`, as `manifest.json` lists it).
    pub fn asset(&self, path: &str) -> Option<&'static [u8]> {
        self.assets.get(path).copied()
    }

    /// Every asset path.
    pub fn asset_paths(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.assets.keys().copied()
    }
}

/// The embedded build, or `None` when the server was built without the
/// `web` feature.
pub fn embedded() -> Option<&'static Embedded> {
    static EMBEDDED: OnceLock<Option<Embedded>> = OnceLock::new();
    EMBEDDED.get_or_init(Embedded::load).as_ref()
}

/// The `Content-Type` of an asset, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `404` with the security headers, not cached.
pub fn not_found() -> Response {
    let mut response = (StatusCode::NOT_FOUND, "not found\n").into_response();
    headers::security(response.headers_mut());
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /assets/{*path}`: an asset of the manifest, or `404`.
pub(super) async fn asset(Path(path): Path<String>) -> Response {
    let full = format!("assets/{path}");
    let Some(bytes) = embedded().and_then(|e| e.asset(&full)) else {
        return not_found();
    };
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&full)))], bytes).into_response();
    headers::asset(response.headers_mut());
    response
}
