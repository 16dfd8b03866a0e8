//! The Outlook add-in (clients/outlook, docs/MAILCLIENTS.md), embedded
//! from `clients/outlook/dist` (feature `outlook`, build.rs) and served
//! under `/outlook/`:
//!
//! | path | what |
//! |---|---|
//! | `/outlook/manifest.xml` | the add-in's manifest for this server's `public_url` ([`manifest`]) |
//! | `/outlook/taskpane.html` | the "Send securely" task pane, with the page data of the send page |
//! | `/outlook/commands.html` | the OnMessageSend handler's page (new Outlook, the web, Mac) |
//! | `/outlook/launchevent.js`, `/outlook/icon-*.png` | classic Outlook's handler script, the icons |
//! | `/outlook/assets/…` | hashed scripts, styles, WebAssembly, workers (cached for a year) |
//!
//! The two pages Outlook loads carry [`ADDIN_CSP`]: the pages' policy
//! plus Microsoft's Office.js CDN in `script-src` (Office.js must be loaded
//! from there) and the Outlook origins that frame a task pane in
//! `frame-ancestors`. Everything else keeps the pages' policy.
//!
//! ```
//! assert!(kluis_server::outlook::ADDIN_CSP.contains("script-src 'self' 'wasm-unsafe-eval' https://appsforoffice.microsoft.com;"));
//! ```

pub mod manifest;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::api::AppState;
use crate::web::assets::{content_type, not_found};
use crate::web::pages::{PageData, SiteData, fill, limits};
use crate::web::{headers, language};

/// Where Office.js comes from: Microsoft's CDN, the one origin the add-in's
/// pages may load a script from besides their own.
pub const OFFICE_JS_ORIGIN: &str = "https://appsforoffice.microsoft.com";

/// The Content-Security-Policy of the task pane and the handler's page:
/// the pages' policy ([`headers::CSP`]) with Office.js's origin in
/// `script-src`, and, instead of `frame-ancestors 'none'`, the Outlook on
/// the web and new Outlook origins that show a task pane in a frame.
pub const ADDIN_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://appsforoffice.microsoft.com; \
                             style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; \
                             frame-ancestors 'self' https://outlook.office.com https://outlook.office365.com \
                             https://outlook.live.com https://outlook.cloud.microsoft; base-uri 'none'; form-action 'self'";

#[cfg(feature = "outlook")]
mod dist {
    include!(concat!(env!("OUT_DIR"), "/outlook_dist.rs"));
}

#[cfg(feature = "outlook")]
fn files() -> &'static [(&'static str, &'static [u8])] {
    dist::FILES
}

#[cfg(not(feature = "outlook"))]
fn files() -> &'static [(&'static str, &'static [u8])] {
    &[]
}

/// The embedded add-in by path (`taskpane.html`, `assets/…`); empty
/// without the `outlook` feature.
fn embedded() -> &'static HashMap<&'static str, &'static [u8]> {
    static FILES: OnceLock<HashMap<&'static str, &'static [u8]>> = OnceLock::new();
    FILES.get_or_init(|| files().iter().copied().collect())
}

/// Whether the add-in is built into this server.
pub fn built_in() -> bool {
    embedded().contains_key("taskpane.html")
}

/// The routes under `/outlook/`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/outlook/manifest.xml", get(manifest_xml))
        .route("/outlook/assets/{*path}", get(asset))
        .route("/outlook/{file}", get(file))
}

async fn manifest_xml(State(state): State<Arc<AppState>>) -> Response {
    if !built_in() {
        return not_found();
    }
    match manifest::manifest_xml(&state.public_url, state.site.name()) {
        Ok(xml) => {
            let mut response =
                ([(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"))], xml)
                    .into_response();
            headers::security(response.headers_mut());
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => {
            let mut response = (StatusCode::NOT_FOUND, format!("{e}\n")).into_response();
            headers::security(response.headers_mut());
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

async fn asset(Path(path): Path<String>) -> Response {
    let full = format!("assets/{path}");
    let Some(bytes) = embedded().get(full.as_str()).copied() else {
        return not_found();
    };
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&full)))], bytes).into_response();
    headers::asset(response.headers_mut());
    response
}

async fn file(State(state): State<Arc<AppState>>, Path(name): Path<String>, request: HeaderMap) -> Response {
    let Some(bytes) = embedded().get(name.as_str()).copied() else {
        return not_found();
    };
    if name.ends_with(".html") {
        let language = language::page(&request);
        let data = PageData {
            site: SiteData { name: state.site.name().to_string(), logo: state.site.logo_url().map(str::to_string) },
            limits: limits(&state),
            transfer: None,
        };
        let json = serde_json::to_string(&data).unwrap_or_else(|_| "null".into());
        let html = fill(&String::from_utf8_lossy(bytes), state.site.name(), &json);
        let mut response = Html(html).into_response();
        headers::page(response.headers_mut(), language);
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(ADDIN_CSP));
        return response;
    }
    // launchevent.js and the icons keep their names: cached briefly.
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&name)))], bytes).into_response();
    headers::theme(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_addin_policy_is_the_pages_policy_plus_office_js_and_outlook_frames() {
        let pages: Vec<&str> = headers::CSP.split("; ").collect();
        let addin: Vec<&str> = ADDIN_CSP.split("; ").collect();
        assert_eq!(pages.len(), addin.len());
        for (p, a) in pages.iter().zip(&addin) {
            if p.starts_with("script-src") {
                assert_eq!(*a, format!("{p} {OFFICE_JS_ORIGIN}"));
            } else if p.starts_with("frame-ancestors") {
                assert!(a.starts_with("frame-ancestors 'self' https://outlook.office.com"), "{a}");
                assert!(a.split(' ').skip(1).all(|s| s == "'self'" || s.starts_with("https://outlook.")), "{a}");
            } else {
                assert_eq!(p, a);
            }
        }
    }
}
