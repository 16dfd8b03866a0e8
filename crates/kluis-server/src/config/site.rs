//! The web pages' settings: `[site]` (the municipality's name, logo and
//! theme, the expiry the send page proposes) and `[replies]` (how a
//! recipient may reply to a transfer's sender).
//!
//! ```
//! let config = kluis_server::config::Config::from_parts(
//!     "[maildir]\npath = \"m\"\n[site]\nname = \"Gemeente Voorbeeld\"\n[replies]\nper_transfer = 1\n", [])?;
//! assert_eq!(config.site.name, "Gemeente Voorbeeld");
//! assert_eq!(config.site.default_expiry_days, 7);
//! assert_eq!(config.replies.per_transfer, 1);
//! # Ok::<(), kluis_server::config::ConfigError>(())
//! ```

use std::path::PathBuf;

use serde::Deserialize;

/// `[site]`: what the pages show of the organisation running the server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The name in the pages' title and header (default `Kluis`).
    pub name: String,
    /// An image file (`.svg`, `.png`, `.jpg`, `.webp`) served at
    /// `/theme/logo.<ext>` and shown instead of the name; none by default.
    pub logo: Option<PathBuf>,
    /// A stylesheet of design-token overrides (`.kluis-theme { --… }`)
    /// served at `/theme.css`; an empty stylesheet when none.
    pub theme_css: Option<PathBuf>,
    /// The expiry the send page proposes, in days (at most the server's
    /// `limits.max_expiry_secs`).
    pub default_expiry_days: u64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self { name: "Kluis".into(), logo: None, theme_css: None, default_expiry_days: 7 }
    }
}

/// `[replies]`: a recipient's reply to a transfer's sender, without a
/// verified address (the transfer link is the capability).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplyConfig {
    /// Reply tokens granted per transfer (0: no replies).
    pub per_transfer: u64,
    /// How long a reply token is valid (to upload and finish the reply).
    pub token_ttl_secs: u64,
}

impl Default for ReplyConfig {
    fn default() -> Self {
        Self { per_transfer: 3, token_ttl_secs: 86_400 }
    }
}
