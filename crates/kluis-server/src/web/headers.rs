//! The headers of docs/WEB.md: the security headers on every page and
//! asset, and each kind of answer's caching.
//!
//! ```
//! let mut headers = axum::http::HeaderMap::new();
//! kluis_server::web::headers::security(&mut headers);
//! assert_eq!(headers["referrer-policy"], "no-referrer");
//! assert!(headers["content-security-policy"].to_str()?.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use kluis_protocol::Language;

/// The pages' Content-Security-Policy: their own scripts (and WebAssembly),
/// styles, images, fetches and workers only; no inline script or style, no
/// plug-in, never framed, no `<base>`, forms to the same origin.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; worker-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                       base-uri 'none'; form-action 'self'";

/// How long a hashed asset may be cached: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Adds the security headers every page and asset carries.
pub fn security(headers: &mut HeaderMap) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    // The link is a capability: it must never leave in a Referer.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
}

/// A page: the security headers, never cached, in `language`, varying by
/// `Accept-Language`.
pub fn page(headers: &mut HeaderMap, language: Language) {
    security(headers);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(language.code()));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
}

/// A hashed asset: the security headers, cached for a year.
pub fn asset(headers: &mut HeaderMap) {
    security(headers);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
}

/// The theme stylesheet and logo: the security headers; cached briefly,
/// since their URLs do not change when the configuration does.
pub fn theme(headers: &mut HeaderMap) {
    security(headers);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
}
