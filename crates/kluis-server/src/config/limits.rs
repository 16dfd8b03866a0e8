//! `[limits]`: verification, sizes, the sending limits (rates, storage
//! quotas, the domain policy, the notice) and the read limits. The
//! defaults are those of docs/SERVER.md; docs/SECURITY.md says what each
//! bounds.

use serde::Deserialize;

use super::ConfigError;

/// Limits; the defaults are those of docs/SERVER.md.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// How long a verification code is valid.
    pub code_ttl_secs: u64,
    /// Confirm attempts per code.
    pub code_attempts: u64,
    /// How long a token is valid.
    pub token_ttl_secs: u64,
    /// The furthest expiry a transfer may have, from now.
    pub max_expiry_secs: u64,
    /// The largest total announced size of one transfer.
    pub max_transfer_bytes: u64,
    /// The largest body of one upload request; at least
    /// [`kluis_protocol::MAX_CLIENT_UPLOAD_REQUEST`] (8 MiB, the web
    /// pages' pieces), or the configuration is refused.
    pub max_request_bytes: u64,
    /// Recipients per transfer: the notice is mailed to at most this many
    /// (`413 notice_too_large` past it).
    pub max_recipients: usize,
    /// Blobs per transfer (manifest included).
    pub max_blobs: usize,
    /// The window of the rate limits.
    pub rate_window_secs: u64,
    /// Code mails per address per window, counted per requesting client
    /// IP (so that requests from elsewhere cannot use up a sender's).
    pub verify_per_address: u64,
    /// Code requests per client IP per window.
    pub verify_per_ip: u64,
    /// Confirm attempts per client IP per window.
    pub confirm_per_ip: u64,
    /// The window of the sending limits below (transfers and recipients).
    pub send_window_secs: u64,
    /// Transfers a sender may announce per send window (0: no limit).
    pub transfers_per_sender: u64,
    /// Transfers announced from one client IP per send window (0: no limit).
    pub transfers_per_ip: u64,
    /// Recipients (mailed a notice) a sender's transfers may name per send
    /// window (0: no limit).
    pub recipients_per_sender: u64,
    /// Recipients the transfers announced from one client IP may name per
    /// send window (0: no limit).
    pub recipients_per_ip: u64,
    /// Announced bytes of one sender's transfers held at once, until they
    /// are purged (0: no limit).
    pub sender_quota_bytes: u64,
    /// Announced bytes of all transfers held at once (0: no limit).
    pub total_quota_bytes: u64,
    /// A transfer announced but not finished within this long is abandoned:
    /// the purge deletes it, which releases its quota.
    pub unfinished_ttl_secs: u64,
    /// When set, only senders of these domains may send to anyone; every
    /// other verified sender only to `open_recipient_domains`. Exact domain
    /// names (a subdomain is another name).
    pub allowed_sender_domains: Vec<String>,
    /// The domains anyone verified may send to, when
    /// `allowed_sender_domains` is set.
    pub open_recipient_domains: Vec<String>,
    /// The longest subject (characters) the notice mail may carry.
    pub notice_subject_chars: usize,
    /// The most characters of file names, all together, the notice mail
    /// may carry.
    pub notice_names_chars: usize,
    /// Manifest reads (downloads) of one transfer per window (0: no limit).
    pub manifest_reads_per_transfer: u64,
    /// Manifest reads (downloads) from one client IP per window (0: no
    /// limit).
    pub manifest_reads_per_ip: u64,
    /// Blob reads of one transfer per window, as whole reads of its blobs:
    /// each `GET` or `HEAD` of a blob counts its length in MiB, rounded up,
    /// at least 1, against this many times the transfer's size in MiB
    /// (each blob rounded up, at least 1). 0: no limit.
    pub reads_per_transfer: u64,
    /// Blob reads from one client IP per window, in MiB counted as above
    /// (0: no limit).
    pub read_mib_per_ip: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            code_ttl_secs: 600,
            code_attempts: 5,
            token_ttl_secs: 30 * 86_400,
            max_expiry_secs: 30 * 86_400,
            max_transfer_bytes: 10 << 30,
            max_request_bytes: 256 << 20,
            max_recipients: 50,
            max_blobs: 10_000,
            rate_window_secs: 900,
            verify_per_address: 3,
            verify_per_ip: 20,
            confirm_per_ip: 30,
            send_window_secs: 3600,
            transfers_per_sender: 20,
            transfers_per_ip: 60,
            recipients_per_sender: 100,
            recipients_per_ip: 300,
            sender_quota_bytes: 20 << 30,
            total_quota_bytes: 100 << 30,
            unfinished_ttl_secs: 86_400,
            allowed_sender_domains: Vec::new(),
            open_recipient_domains: Vec::new(),
            notice_subject_chars: 200,
            notice_names_chars: 4000,
            manifest_reads_per_transfer: 100,
            manifest_reads_per_ip: 60,
            reads_per_transfer: 100,
            read_mib_per_ip: 40 << 10,
        }
    }
}

/// Domain names as compared: trimmed, lower-case, without a trailing dot;
/// an empty name or one with `@`, a space or a control character is refused.
pub(super) fn domains(names: &[String], key: &str) -> Result<Vec<String>, ConfigError> {
    names
        .iter()
        .map(|name| {
            let domain = name.trim().trim_end_matches('.').to_ascii_lowercase();
            let bad = domain.is_empty() || domain.chars().any(|c| c == '@' || c.is_whitespace() || c.is_control());
            if bad {
                return Err(ConfigError::Invalid(format!("limits.{key}: {name:?} is not a domain name (example.org)")));
            }
            Ok(domain)
        })
        .collect()
}
