//! The server's configuration: a TOML file (`--config FILE`) with
//! environment overrides `KLUIS_SERVER_<KEY>` for top-level keys and
//! `KLUIS_SERVER_<TABLE>_<KEY>` for keys of a table (e.g.
//! `KLUIS_SERVER_DATABASE_URL`, `KLUIS_SERVER_LIMITS_TOKEN_TTL_SECS`).
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! public_url = "https://drop.example.org"   # links: <public_url>/t/<id>
//! [database]
//! url = "sqlite://kluis.db"                 # or postgres://user:pw@host/db
//! [storage]
//! kind = "fs"                               # or "s3" (bucket, endpoint, region, ...)
//! path = "blobs"
//! [smtp]                                    # or [maildir] path = "mails", from = ...
//! host = "127.0.0.1"
//! port = 2525
//! tls = "none"                              # "starttls" or "tls"
//! from = "kluis@example.org"
//! [limits]
//! max_transfer_bytes = 10737418240
//! [purge]
//! interval_secs = 300
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod limits;
pub use limits::Limits;
use limits::domains;
mod site;
pub use site::{ReplyConfig, SiteConfig};

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The TOML (file and overrides) does not describe a valid configuration.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The whole configuration; `Debug` redacts the secret, a database
/// password and the S3 secret key.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The address to listen on (port 0: any free port).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The base of links mailed to recipients (`<public_url>/t/<id>`);
    /// by default `http://<the listening address>`.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Take the client IP (for rate limits) from the last `X-Forwarded-For`
    /// entry; only behind a reverse proxy that sets it.
    #[serde(default)]
    pub trust_forwarded_for: bool,
    /// Hex key (at least 32 bytes) for the keyed hash of verification codes;
    /// by default a random key kept in the database.
    #[serde(default)]
    pub secret: Option<String>,
    /// After SIGTERM or Ctrl-C, how long in-flight requests may take to
    /// finish before the server stops anyway.
    #[serde(default = "default_grace")]
    pub shutdown_grace_secs: u64,
    /// Metadata database.
    #[serde(default)]
    pub database: DatabaseConfig,
    /// Blob storage.
    #[serde(default)]
    pub storage: StorageConfig,
    /// Mail over SMTP (exactly one of `smtp` and `maildir`).
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// Mail written as `.eml` files into a folder.
    #[serde(default)]
    pub maildir: Option<MailDirConfig>,
    /// Limits.
    #[serde(default)]
    pub limits: Limits,
    /// The background purge of expired transfers.
    #[serde(default)]
    pub purge: PurgeConfig,
    /// Connection limits and timeouts.
    #[serde(default)]
    pub connections: ConnectionConfig,
    /// The web pages' name, logo and theme.
    #[serde(default)]
    pub site: SiteConfig,
    /// Replies to a transfer's sender.
    #[serde(default)]
    pub replies: ReplyConfig,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .field("database", &self.database)
            .field("storage", &self.storage)
            .field("smtp", &self.smtp)
            .field("maildir", &self.maildir)
            .field("limits", &self.limits)
            .field("purge", &self.purge)
            .field("connections", &self.connections)
            .field("site", &self.site)
            .field("replies", &self.replies)
            .finish()
    }
}

fn default_grace() -> u64 {
    30
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

/// The metadata database; `Debug` redacts a password in the URL.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://FILE` (created when missing) or `postgres://...`.
    pub url: String,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig").field("url", &redact_url(&self.url)).finish()
    }
}

/// `url` with the password of its user part and the value of any
/// `password` query parameter replaced by `<redacted>`.
pub fn redact_url(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let mut out = match head.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            match authority.rsplit_once('@') {
                Some((user_info, host)) => {
                    let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
                    let hidden = if user_info.contains(':') { ":<redacted>" } else { "" };
                    format!("{scheme}://{user}{hidden}@{host}{path}")
                }
                None => head.to_string(),
            }
        }
        None => head.to_string(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=<redacted>"),
                _ => param.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { url: "sqlite://kluis-server.db".into() }
    }
}

/// Which blob store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// A local folder ([`crate::storage::fs::FsStore`]).
    #[default]
    Fs,
    /// S3-compatible object storage.
    S3,
}

/// Blob storage: `kind = "fs"` with `path`, or `kind = "s3"` with the S3
/// keys; `Debug` redacts the secret access key.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// Which store.
    #[serde(default)]
    pub kind: StorageKind,
    /// The folder (fs).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// The bucket (s3).
    #[serde(default)]
    pub bucket: Option<String>,
    /// The endpoint URL (s3; none: AWS).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The region (s3).
    #[serde(default)]
    pub region: Option<String>,
    /// The access key id (s3).
    #[serde(default)]
    pub access_key_id: Option<String>,
    /// The secret access key (s3).
    #[serde(default)]
    pub secret_access_key: Option<String>,
    /// Allow a plain-HTTP endpoint (s3; local test servers).
    #[serde(default)]
    pub allow_http: bool,
}

impl std::fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageConfig")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint.as_deref().map(redact_url))
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "<redacted>"))
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            kind: StorageKind::Fs,
            path: Some(PathBuf::from("kluis-blobs")),
            bucket: None,
            endpoint: None,
            region: None,
            access_key_id: None,
            secret_access_key: None,
            allow_http: false,
        }
    }
}

/// The settings of S3-compatible storage.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// The bucket.
    pub bucket: String,
    /// The endpoint URL (none: AWS).
    pub endpoint: Option<String>,
    /// The region.
    pub region: String,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// Allow a plain-HTTP endpoint.
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl StorageConfig {
    /// The folder of `kind = "fs"`.
    pub fn fs_path(&self) -> Result<&Path, ConfigError> {
        self.path.as_deref().ok_or_else(|| ConfigError::Invalid("storage.path is required for kind = \"fs\"".into()))
    }

    /// The S3 settings of `kind = "s3"`.
    pub fn s3(&self) -> Result<S3Config, ConfigError> {
        let need = |value: &Option<String>, key: &str| {
            value.clone().ok_or_else(|| ConfigError::Invalid(format!("storage.{key} is required for kind = \"s3\"")))
        };
        Ok(S3Config {
            bucket: need(&self.bucket, "bucket")?,
            endpoint: self.endpoint.clone(),
            region: self.region.clone().unwrap_or_else(|| "us-east-1".into()),
            access_key_id: need(&self.access_key_id, "access_key_id")?,
            secret_access_key: need(&self.secret_access_key, "secret_access_key")?,
            allow_http: self.allow_http,
        })
    }
}

/// How SMTP is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a loopback relay only).
    None,
    /// STARTTLS, required.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

/// Mail over SMTP.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// A URL instead of host/port/tls: `smtp://host:port` (plain),
    /// `smtp://host:port?tls=required` (STARTTLS), `smtps://host:port`.
    #[serde(default)]
    pub url: Option<String>,
    /// The relay's host.
    #[serde(default)]
    pub host: Option<String>,
    /// The relay's port (default: 25 plain, 587 STARTTLS, 465 TLS).
    #[serde(default)]
    pub port: Option<u16>,
    /// How the connection is secured.
    #[serde(default)]
    pub tls: SmtpTls,
    /// Login name.
    #[serde(default)]
    pub username: Option<String>,
    /// Login password.
    #[serde(default)]
    pub password: Option<String>,
    /// The sender of the server's mails (`Name <addr>` or `addr`).
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &self.url.as_ref().map(|_| "<set>"))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .finish()
    }
}

/// Mail written as `.eml` files into a folder (local use, tests).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailDirConfig {
    /// The folder (created when missing).
    pub path: PathBuf,
    /// The sender of the server's mails.
    #[serde(default = "default_from")]
    pub from: String,
}

fn default_from() -> String {
    "kluis@localhost".into()
}

/// The background purge.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PurgeConfig {
    /// Seconds between two purges.
    pub interval_secs: u64,
    /// Audit-log entries older than this many seconds are deleted by the
    /// purge (default one year; 0 keeps them forever).
    pub audit_retention_secs: u64,
    /// For this many seconds after the purge deleted an expired transfer,
    /// its link's page still says "this link has expired" rather than "this
    /// link does not work" (default 90 days; 0 keeps no note). The server
    /// keeps the transfer's id for that long, nothing else.
    pub expired_notice_secs: u64,
}

impl Default for PurgeConfig {
    fn default() -> Self {
        Self { interval_secs: 300, audit_retention_secs: 365 * 86_400, expired_notice_secs: 90 * 86_400 }
    }
}

/// Connection limits and timeouts (`[connections]`); the defaults are those
/// of docs/SERVER.md. Each connection carries one request at a time
/// (HTTP/1.1), so `max` also bounds the requests in flight.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionConfig {
    /// Connections open at once; further ones wait in the listen backlog
    /// until one closes.
    pub max: usize,
    /// Connections open at once from one client IP (an IPv4 address or an
    /// IPv6 /64, the TCP peer); further ones are closed at once. 0: no limit.
    pub max_per_ip: usize,
    /// Time allowed for a request's head (request line and headers), from
    /// when the server waits for it (a new connection, or the end of the
    /// previous response on a kept-alive one) until it is complete.
    pub header_timeout_secs: u64,
    /// A connection with no request being handled on which no byte was read
    /// or written for this long is closed (an idle kept-alive connection,
    /// or a client that stopped reading a response).
    pub idle_timeout_secs: u64,
    /// A request body that delivers no bytes for this long while the server
    /// waits for it is cut (the request fails with `400`).
    pub body_timeout_secs: u64,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self { max: 1024, max_per_ip: 128, header_timeout_secs: 10, idle_timeout_secs: 60, body_timeout_secs: 30 }
    }
}

/// The tables whose keys environment variables can override.
const TABLES: [&str; 9] =
    ["database", "storage", "smtp", "maildir", "limits", "purge", "connections", "site", "replies"];
/// Top-level keys environment variables can override.
const TOP_KEYS: [&str; 5] = ["listen", "public_url", "trust_forwarded_for", "secret", "shutdown_grace_secs"];
/// Keys whose environment values are comma-separated lists.
const LIST_KEYS: [&str; 2] = ["allowed_sender_domains", "open_recipient_domains"];
/// Keys whose values stay text even when they look like numbers.
const TEXT_KEYS: [&str; 10] = [
    "secret",
    "password",
    "username",
    "bucket",
    "access_key_id",
    "secret_access_key",
    "from",
    "name",
    "logo",
    "theme_css",
];

impl Config {
    /// Loads the file (when given) and applies the `KLUIS_SERVER_*`
    /// variables of the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let text = match file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| ConfigError::Read { path: path.to_path_buf(), message: e.to_string() })?,
            None => String::new(),
        };
        Self::from_parts(&text, std::env::vars())
    }

    /// Parses TOML `text` and applies overrides from `env` (name, value).
    pub fn from_parts(text: &str, env: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut root: toml::Table = toml::from_str(text).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        for (name, raw) in env {
            let Some(rest) = name.strip_prefix("KLUIS_SERVER_") else {
                continue;
            };
            let key = rest.to_ascii_lowercase();
            let value = |leaf: &str| -> toml::Value {
                if TEXT_KEYS.contains(&leaf) {
                    return toml::Value::String(raw.clone());
                }
                if LIST_KEYS.contains(&leaf) {
                    let items = raw.split(',').map(str::trim).filter(|d| !d.is_empty());
                    return toml::Value::Array(items.map(|d| toml::Value::String(d.to_owned())).collect());
                }
                if let Ok(n) = raw.parse::<i64>() {
                    return toml::Value::Integer(n);
                }
                match raw.as_str() {
                    "true" => toml::Value::Boolean(true),
                    "false" => toml::Value::Boolean(false),
                    _ => toml::Value::String(raw.clone()),
                }
            };
            if TOP_KEYS.contains(&key.as_str()) {
                root.insert(key.clone(), value(&key));
                continue;
            }
            let Some((table, leaf)) = TABLES
                .iter()
                .find_map(|table| key.strip_prefix(table).and_then(|r| r.strip_prefix('_')).map(|leaf| (*table, leaf)))
            else {
                continue;
            };
            let entry = root.entry(table.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let toml::Value::Table(t) = entry else {
                return Err(ConfigError::Invalid(format!("{table} must be a table")));
            };
            t.insert(leaf.to_string(), value(leaf));
        }
        let mut config: Config =
            toml::Value::Table(root).try_into().map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string()))?;
        config.limits.allowed_sender_domains =
            domains(&config.limits.allowed_sender_domains, "allowed_sender_domains")?;
        config.limits.open_recipient_domains =
            domains(&config.limits.open_recipient_domains, "open_recipient_domains")?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        match (&self.smtp, &self.maildir) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Invalid("configure either [smtp] or [maildir], not both".into()));
            }
            (None, None) => {
                return Err(ConfigError::Invalid(
                    "no mail configured: [smtp] (host/port or url) or [maildir] (path)".into(),
                ));
            }
            _ => {}
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid("public_url must start with http:// or https://".into()));
        }
        if self.storage.kind == StorageKind::Fs {
            self.storage.fs_path()?;
        }
        if self.limits.code_attempts == 0 || self.limits.rate_window_secs == 0 {
            return Err(ConfigError::Invalid(
                "limits.code_attempts and limits.rate_window_secs must be positive".into(),
            ));
        }
        let l = &self.limits;
        if l.send_window_secs == 0 || l.unfinished_ttl_secs == 0 {
            return Err(ConfigError::Invalid(
                "limits.send_window_secs and limits.unfinished_ttl_secs must be positive".into(),
            ));
        }
        for (quota, name) in [(l.sender_quota_bytes, "sender_quota_bytes"), (l.total_quota_bytes, "total_quota_bytes")]
        {
            if quota != 0 && quota < l.max_transfer_bytes {
                return Err(ConfigError::Invalid(format!(
                    "limits.{name} ({quota}) is below limits.max_transfer_bytes ({}): lower that too",
                    l.max_transfer_bytes
                )));
            }
        }
        for (limit, name) in
            [(l.recipients_per_sender, "recipients_per_sender"), (l.recipients_per_ip, "recipients_per_ip")]
        {
            if limit != 0 && limit < l.max_recipients as u64 {
                return Err(ConfigError::Invalid(format!(
                    "limits.{name} ({limit}) is below limits.max_recipients ({}): a full transfer could never be sent",
                    l.max_recipients
                )));
            }
        }
        if l.max_request_bytes < kluis_protocol::MAX_CLIENT_UPLOAD_REQUEST {
            return Err(ConfigError::Invalid(format!(
                "limits.max_request_bytes ({}) is below {}, the largest upload request a Kluis client sends \
                 (the web pages' 8 MiB pieces): every upload from a browser would be refused",
                l.max_request_bytes,
                kluis_protocol::MAX_CLIENT_UPLOAD_REQUEST
            )));
        }
        if l.allowed_sender_domains.is_empty() && !l.open_recipient_domains.is_empty() {
            return Err(ConfigError::Invalid(
                "limits.open_recipient_domains has an effect only with limits.allowed_sender_domains \
                 (without it, anyone verified may send to anyone)"
                    .into(),
            ));
        }
        if self.purge.interval_secs == 0 {
            return Err(ConfigError::Invalid("purge.interval_secs must be positive".into()));
        }
        let c = &self.connections;
        if c.max == 0 || c.header_timeout_secs == 0 || c.idle_timeout_secs == 0 || c.body_timeout_secs == 0 {
            return Err(ConfigError::Invalid(
                "connections.max and the connections.*_timeout_secs must be positive".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_environment_combine() -> Result<(), ConfigError> {
        let text = "listen = \"127.0.0.1:0\"\n[maildir]\npath = \"/tmp/m\"\n[limits]\ncode_attempts = 7\n";
        let env = [
            ("KLUIS_SERVER_DATABASE_URL", "postgres://x/y"),
            ("KLUIS_SERVER_LIMITS_TOKEN_TTL_SECS", "60"),
            ("KLUIS_SERVER_SECRET", "0011"),
            ("KLUIS_SERVER_BIN", "/ignored"),
            ("OTHER", "ignored"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let config = Config::from_parts(text, env)?;
        assert_eq!(config.listen.port(), 0);
        assert_eq!(config.database.url, "postgres://x/y");
        assert_eq!(config.limits.token_ttl_secs, 60);
        assert_eq!(config.limits.code_attempts, 7);
        assert_eq!(config.secret.as_deref(), Some("0011"));
        assert_eq!(config.storage.kind, StorageKind::Fs);
        Ok(())
    }

    #[test]
    fn the_example_file_is_valid() -> Result<(), ConfigError> {
        let config = Config::from_parts(include_str!("../../server.example.toml"), [])?;
        assert_eq!(config.public_url.as_deref(), Some("https://drop.example.org"));
        assert!(config.smtp.is_some_and(|s| s.tls == SmtpTls::Starttls));
        Ok(())
    }

    #[test]
    fn debug_output_holds_no_secret() -> Result<(), ConfigError> {
        let text = "secret = \"5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7\"\n\
                    [database]\nurl = \"postgres://kluis:pg-pass-word@db.example.org:5432/kluis?sslmode=require\"\n\
                    [storage]\nkind = \"s3\"\nbucket = \"b\"\naccess_key_id = \"AKIDEXAMPLE\"\n\
                    secret_access_key = \"s3-secret-key\"\n\
                    [smtp]\nhost = \"h\"\npassword = \"smtp-pass-word\"\nfrom = \"k@example.org\"\n";
        let config = Config::from_parts(text, [])?;
        let shown = format!("{config:?} {:?} {:?} {config:#?}", config.database, config.storage);
        for secret in ["5ec7e75ec7", "pg-pass-word", "s3-secret-key", "smtp-pass-word"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("postgres://kluis:<redacted>@db.example.org:5432/kluis?sslmode=require"), "{shown}");
        assert!(shown.contains("AKIDEXAMPLE") && shown.contains("<redacted>"));
        Ok(())
    }

    #[test]
    fn urls_lose_their_passwords() {
        assert_eq!(redact_url("postgres://u:p@h/db"), "postgres://u:<redacted>@h/db");
        assert_eq!(
            redact_url("postgres://u@h/db?password=p&sslmode=require"),
            "postgres://u@h/db?password=<redacted>&sslmode=require"
        );
        assert_eq!(redact_url("postgres://u:p:q@h"), "postgres://u:<redacted>@h");
        assert_eq!(redact_url("sqlite://kluis.db"), "sqlite://kluis.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn connection_settings_load_and_check() -> Result<(), ConfigError> {
        let env = [("KLUIS_SERVER_CONNECTIONS_MAX_PER_IP", "7"), ("KLUIS_SERVER_PURGE_AUDIT_RETENTION_SECS", "86400")]
            .map(|(k, v)| (k.to_string(), v.to_string()));
        let config = Config::from_parts("[maildir]\npath = \"m\"\n[connections]\nheader_timeout_secs = 3\n", env)?;
        assert_eq!(config.connections.max_per_ip, 7);
        assert_eq!(config.connections.header_timeout_secs, 3);
        assert_eq!(config.connections.max, 1024);
        assert_eq!(config.purge.audit_retention_secs, 86_400);
        assert!(Config::from_parts("[maildir]\npath = \"m\"\n[connections]\nbody_timeout_secs = 0\n", []).is_err());
        Ok(())
    }

    #[test]
    fn sending_limits_load_and_check() -> Result<(), ConfigError> {
        let env = [("KLUIS_SERVER_LIMITS_OPEN_RECIPIENT_DOMAINS", "Example.org., gemeente.example ")]
            .map(|(k, v)| (k.to_string(), v.to_string()));
        let text =
            "[maildir]\npath = \"m\"\n[limits]\nallowed_sender_domains = [\"Example.ORG\"]\ntransfers_per_ip = 0\n";
        let config = Config::from_parts(text, env)?;
        assert_eq!(config.limits.allowed_sender_domains, ["example.org"]);
        assert_eq!(config.limits.open_recipient_domains, ["example.org", "gemeente.example"]);
        assert_eq!(config.limits.transfers_per_ip, 0);
        assert_eq!(config.limits.sender_quota_bytes, 20 << 30);
        let refused = |extra: &str| Config::from_parts(&format!("[maildir]\npath = \"m\"\n[limits]\n{extra}\n"), []);
        assert!(refused("open_recipient_domains = [\"example.org\"]").is_err(), "open domains alone do nothing");
        assert!(refused("allowed_sender_domains = [\"ann@example.org\"]").is_err(), "an address, not a domain");
        assert!(refused("allowed_sender_domains = [\" \"]").is_err());
        assert!(refused("sender_quota_bytes = 1000").is_err(), "a quota below the largest transfer");
        assert!(refused("sender_quota_bytes = 1000\nmax_transfer_bytes = 1000").is_ok());
        assert!(refused("total_quota_bytes = 0").is_ok(), "0: no limit");
        assert!(refused("send_window_secs = 0").is_err());
        assert!(refused("recipients_per_sender = 10").is_err(), "below max_recipients");
        assert!(refused("recipients_per_sender = 10\nmax_recipients = 10").is_ok());
        Ok(())
    }

    #[test]
    fn mistakes_are_refused() {
        assert!(Config::from_parts("[maildir]\npath = \"m\"\nbogus = 1\n", []).is_err());
        assert!(Config::from_parts("listen = \"x\"\n", []).is_err());
        assert!(Config::from_parts("", []).is_err(), "no mail configured");
        let s3 = Config::from_parts("[maildir]\npath = \"m\"\n[storage]\nkind = \"s3\"\n", []);
        assert!(s3.is_ok_and(|c| c.storage.s3().is_err()), "s3 without a bucket");
    }
}
