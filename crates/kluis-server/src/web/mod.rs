//! The web pages of docs/WEB.md, served from the front end built in
//! `web/dist` and embedded in the binary (feature `web`, build.rs):
//! [`pages`] renders the send page (`/`) and the receive page (`/t/{id}`)
//! with their page data, [`assets`] serves the hashed assets, [`headers`]
//! holds the security headers every page and asset carries, [`language`]
//! picks Dutch or English, and [`Site`] is the organisation's name, logo and
//! theme from `[site]`.
//!
//! ```
//! use kluis_server::config::SiteConfig;
//! let site = kluis_server::web::Site::load(&SiteConfig::default())?;
//! assert_eq!(site.name(), "Kluis");
//! assert_eq!(site.logo_url(), None);
//! # Ok::<(), kluis_server::config::ConfigError>(())
//! ```

pub mod assets;
pub mod headers;
pub mod language;
pub mod pages;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::AppState;
use crate::config::{ConfigError, SiteConfig};

/// The largest logo or theme stylesheet read from `[site]`.
const MAX_THEME_FILE: u64 = 1 << 20;

/// The organisation's name, logo and theme, read once at start.
#[derive(Debug, Clone)]
pub struct Site {
    name: String,
    logo: Option<(String, &'static str, Bytes)>,
    theme_css: Bytes,
}

fn read_bounded(path: &std::path::Path, what: &str) -> Result<Bytes, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid(format!("site.{what} {}: {message}", path.display()));
    let size = std::fs::metadata(path).map_err(|e| invalid(e.to_string()))?.len();
    if size > MAX_THEME_FILE {
        return Err(invalid(format!("larger than {MAX_THEME_FILE} bytes")));
    }
    std::fs::read(path).map(Bytes::from).map_err(|e| invalid(e.to_string()))
}

impl Site {
    /// Reads the logo and theme stylesheet `[site]` names (each at most
    /// 1 MiB; a logo must be `.svg`, `.png`, `.jpg`/`.jpeg` or `.webp`).
    pub fn load(config: &SiteConfig) -> Result<Site, ConfigError> {
        let logo = match &config.logo {
            None => None,
            Some(path) => {
                let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
                let content_type = match ext.as_str() {
                    "svg" => "image/svg+xml",
                    "png" => "image/png",
                    "jpg" | "jpeg" => "image/jpeg",
                    "webp" => "image/webp",
                    _ => {
                        return Err(ConfigError::Invalid(format!(
                            "site.logo {}: not an .svg, .png, .jpg or .webp file",
                            path.display()
                        )));
                    }
                };
                Some((format!("/theme/logo.{ext}"), content_type, read_bounded(path, "logo")?))
            }
        };
        let theme_css = match &config.theme_css {
            None => Bytes::new(),
            Some(path) => read_bounded(path, "theme_css")?,
        };
        Ok(Site { name: config.name.clone(), logo, theme_css })
    }

    /// The name shown on the pages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The logo's same-origin URL, when one is configured.
    pub fn logo_url(&self) -> Option<&str> {
        self.logo.as_ref().map(|(url, _, _)| url.as_str())
    }
}

/// The URL of the theme stylesheet put in the templates' `{{theme_css}}`.
pub const THEME_CSS: &str = "/theme.css";

/// The routes of the pages besides `/t/{id}` (which the API's router
/// registers, see [`pages::receive`]): `/`, `/assets/…`, the theme
/// stylesheet and the logo.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(pages::send))
        .route("/assets/{*path}", get(assets::asset))
        .route(THEME_CSS, get(theme_css))
        .route("/theme/{file}", get(logo))
}

async fn theme_css(State(state): State<Arc<AppState>>) -> Response {
    let mut response =
        ([(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"))], state.site.theme_css.clone())
            .into_response();
    headers::theme(response.headers_mut());
    response
}

async fn logo(State(state): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    match &state.site.logo {
        Some((url, content_type, bytes)) if url.strip_prefix("/theme/") == Some(file.as_str()) => {
            let mut response =
                ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], bytes.clone()).into_response();
            headers::theme(response.headers_mut());
            response
        }
        _ => assets::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_files_are_read_and_checked() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let css = dir.path().join("theme.css");
        std::fs::write(&css, ".kluis-theme { --basis-color: red; }")?;
        let logo = dir.path().join("Logo.SVG");
        std::fs::write(&logo, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")?;
        let config = SiteConfig { logo: Some(logo), theme_css: Some(css), ..SiteConfig::default() };
        let site = Site::load(&config)?;
        assert_eq!(site.logo_url(), Some("/theme/logo.svg"));
        assert_eq!(&site.theme_css[..], b".kluis-theme { --basis-color: red; }");
        let gif = dir.path().join("logo.gif");
        std::fs::write(&gif, "GIF89a")?;
        assert!(Site::load(&SiteConfig { logo: Some(gif), ..SiteConfig::default() }).is_err());
        let missing = SiteConfig { theme_css: Some(dir.path().join("none.css")), ..SiteConfig::default() };
        assert!(Site::load(&missing).is_err());
        let big = dir.path().join("big.css");
        std::fs::write(&big, vec![b' '; (MAX_THEME_FILE + 1) as usize])?;
        assert!(Site::load(&SiteConfig { theme_css: Some(big), ..SiteConfig::default() }).is_err());
        Ok(())
    }
}
