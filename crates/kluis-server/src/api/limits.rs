//! The sending and reading limits as answers (docs/SECURITY.md, "The drop
//! server"): the domain policy (`403 domain_not_allowed`), what the notice
//! may carry (`413 notice_too_large`), an announcement's storage quotas
//! (`413 quota_exceeded`) and sending rates (`429 rate_limited`), and the
//! read counters of downloads (`429 rate_limited`). Every message names the
//! limit and its setting's value.

use kluis_protocol::{Announcement, TransferId};

use super::{AppResult, AppState, unix};
use crate::config::Limits;
use crate::db::{Announced, BlobRow, Counter, SendLimits};
use crate::error::ApiError;
use crate::now;

const MIB: u64 = 1 << 20;

/// The domain of a checked (lower-cased) address.
pub(super) fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, domain)| domain)
}

fn listed(domains: &[String]) -> String {
    domains.join(", ")
}

/// Whether `sender` may send to anyone: no policy, or its domain is in
/// `allowed_sender_domains`.
fn sends_anywhere(limits: &Limits, sender: &str) -> bool {
    limits.allowed_sender_domains.is_empty() || limits.allowed_sender_domains.iter().any(|d| d == domain_of(sender))
}

/// A code request for `address`: refused when the domain policy lets that
/// address send nowhere (no mail is sent for nothing).
pub(super) fn may_verify(limits: &Limits, address: &str) -> AppResult<()> {
    if sends_anywhere(limits, address) || !limits.open_recipient_domains.is_empty() {
        return Ok(());
    }
    Err(ApiError::domain_not_allowed(format!(
        "this server lets only senders at {} send",
        listed(&limits.allowed_sender_domains)
    )))
}

/// The recipients of `sender`'s announcement under the domain policy.
pub(super) fn check_recipients(limits: &Limits, sender: &str, recipients: &[String]) -> AppResult<()> {
    if sends_anywhere(limits, sender) {
        return Ok(());
    }
    if limits.open_recipient_domains.is_empty() {
        return Err(ApiError::domain_not_allowed(format!(
            "{sender} may not send from this server: only senders at {} may",
            listed(&limits.allowed_sender_domains)
        )));
    }
    match recipients.iter().find(|r| !limits.open_recipient_domains.iter().any(|d| d == domain_of(r))) {
        None => Ok(()),
        Some(refused) => Err(ApiError::domain_not_allowed(format!(
            "{sender} may send only to addresses at {}, not to {refused}",
            listed(&limits.open_recipient_domains)
        ))),
    }
}

/// What the notice mail would carry: the number of recipients, the
/// subject's length, the file names' lengths.
pub(super) fn check_notice(limits: &Limits, a: &Announcement) -> AppResult<()> {
    let too_large = ApiError::notice_too_large;
    if a.recipients.len() > limits.max_recipients {
        return Err(too_large(format!(
            "{} recipients; the server mails a notice to at most {} per transfer (max_recipients)",
            a.recipients.len(),
            limits.max_recipients
        )));
    }
    let Some(notice) = &a.notice else { return Ok(()) };
    let subject = notice.subject.as_ref().map_or(0, |s| s.chars().count());
    if subject > limits.notice_subject_chars {
        return Err(too_large(format!(
            "a subject of {subject} characters; the notice carries at most {} (notice_subject_chars)",
            limits.notice_subject_chars
        )));
    }
    let names: usize = notice.file_names.iter().map(|n| n.chars().count()).sum();
    if names > limits.notice_names_chars {
        return Err(too_large(format!(
            "file names of {names} characters in all; the notice carries at most {} (notice_names_chars)",
            limits.notice_names_chars
        )));
    }
    if notice.file_names.len() > limits.max_blobs || notice.file_names.iter().any(|n| n.chars().count() > 300) {
        return Err(too_large(format!(
            "the notice lists at most {} file names of at most 300 characters each",
            limits.max_blobs
        )));
    }
    Ok(())
}

/// A size for people: `20.0 GiB`, `3.5 MiB`, `800 bytes`.
fn size(bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    if bytes >= (1u64 << 30) as f64 {
        format!("{:.1} GiB", bytes / (1u64 << 30) as f64)
    } else if bytes >= MIB as f64 {
        format!("{:.1} MiB", bytes / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// What each sending counter stands for, for messages.
const COUNTERS: [&str; 4] = [
    "transfers per sender (transfers_per_sender)",
    "transfers per client IP (transfers_per_ip)",
    "recipients per sender (recipients_per_sender)",
    "recipients per client IP (recipients_per_ip)",
];

/// The limits an announcement of `sender` from client IP key `ip`, naming
/// `recipients` recipients, is checked against.
pub(super) fn send_limits(limits: &Limits, sender: &str, ip: &str, recipients: usize) -> SendLimits {
    let n = recipients as u64;
    let counter = |key: String, add: u64, limit: u64| Counter { key, add, limit };
    SendLimits {
        counters: vec![
            counter(format!("send-transfers-sender:{sender}"), 1, limits.transfers_per_sender),
            counter(format!("send-transfers-ip:{ip}"), 1, limits.transfers_per_ip),
            counter(format!("send-recipients-sender:{sender}"), n, limits.recipients_per_sender),
            counter(format!("send-recipients-ip:{ip}"), n, limits.recipients_per_ip),
        ],
        window: i64::try_from(limits.send_window_secs).unwrap_or(i64::MAX / 4),
        sender_quota: limits.sender_quota_bytes,
        total_quota: limits.total_quota_bytes,
    }
}

/// The answer to an announcement refused by a limit (`Created` and
/// `Exists` are the caller's).
pub(super) fn refusal(limits: &Limits, checked: &SendLimits, announced: &Announced, total: i64) -> ApiError {
    match announced {
        Announced::RateLimited { counter, retry_after } => {
            let limit = checked.counters.get(*counter).map_or(0, |c| c.limit);
            let what = COUNTERS.get(*counter).copied().unwrap_or("transfers");
            let names = match checked.counters.get(*counter) {
                Some(c) if *counter >= 2 => format!(" (this transfer names {})", c.add),
                _ => String::new(),
            };
            ApiError::limited(
                *retry_after,
                format!(
                    "at most {limit} {what} per {} s{names}; try again in {retry_after} s",
                    limits.send_window_secs
                ),
            )
        }
        Announced::SenderQuota { used } => ApiError::quota_exceeded(format!(
            "the sender's transfers hold {} until they expire or are deleted; {} more would pass the sender quota of {} \
             (sender_quota_bytes)",
            size(*used),
            size(total),
            size(i64::try_from(limits.sender_quota_bytes).unwrap_or(i64::MAX))
        )),
        Announced::TotalQuota { used } => ApiError::quota_exceeded(format!(
            "the server holds {} of transfers; {} more would pass its storage quota of {} (total_quota_bytes); \
             try again later",
            size(*used),
            size(total),
            size(i64::try_from(limits.total_quota_bytes).unwrap_or(i64::MAX))
        )),
        Announced::Created | Announced::Exists => ApiError::internal("an accepted announcement taken for a refusal"),
    }
}

/// Counts one read of a blob of transfer `id` (whose blobs are `blobs`)
/// from client IP key `ip`: `len` bytes (0 for `HEAD`), in MiB rounded up,
/// at least 1, against the transfer's and the IP's read budgets; a `GET`
/// of the manifest (`download`) also against the downloads per transfer
/// and per IP. A refused read counts too (fixed windows of
/// `rate_window_secs`).
pub(super) async fn count_read(
    state: &AppState,
    id: &TransferId,
    blobs: &[BlobRow],
    ip: &str,
    len: u64,
    download: bool,
) -> AppResult<()> {
    let limits = &state.config.limits;
    let units = |bytes: u64| bytes.div_ceil(MIB).max(1);
    let transfer_units: u64 = blobs.iter().map(|b| units(unix(b.size))).sum();
    let cost = units(len);
    let mut counters = vec![
        (
            format!("read-transfer:{id}"),
            cost,
            limits.reads_per_transfer.saturating_mul(transfer_units),
            format!("MiB of reads of this transfer ({} times its size, reads_per_transfer)", limits.reads_per_transfer),
        ),
        (format!("read-ip:{ip}"), cost, limits.read_mib_per_ip, "MiB of reads per client IP (read_mib_per_ip)".into()),
    ];
    if download {
        counters.push((
            format!("download-transfer:{id}"),
            1,
            limits.manifest_reads_per_transfer,
            "downloads of this transfer (manifest_reads_per_transfer)".into(),
        ));
        counters.push((
            format!("download-ip:{ip}"),
            1,
            limits.manifest_reads_per_ip,
            "downloads per client IP (manifest_reads_per_ip)".into(),
        ));
    }
    counters.retain(|(_, _, limit, _)| *limit > 0);
    let hits: Vec<(String, u64)> = counters.iter().map(|(key, add, _, _)| (key.clone(), *add)).collect();
    let window = i64::try_from(limits.rate_window_secs).unwrap_or(i64::MAX / 4);
    let now = now();
    let counted = state.db.rate_add(&hits, now, window).await?;
    for ((_, _, limit, what), (hits, start)) in counters.iter().zip(counted) {
        if u64::try_from(hits).unwrap_or(u64::MAX) > *limit {
            let retry_after = (start + window - now).max(1);
            return Err(ApiError::limited(
                retry_after,
                format!("at most {limit} {what} per {window} s; try again in {retry_after} s"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_policy_lets_listed_senders_send_anywhere_and_others_to_open_domains() {
        let mut limits = Limits::default();
        let to = |r: &[&str]| r.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert!(check_recipients(&limits, "eve@spam.example", &to(&["bob@x.org"])).is_ok(), "no policy");
        assert!(may_verify(&limits, "eve@spam.example").is_ok());
        limits.allowed_sender_domains = vec!["gemeente.example".into()];
        assert!(check_recipients(&limits, "ann@gemeente.example", &to(&["bob@x.org"])).is_ok());
        assert!(check_recipients(&limits, "eve@spam.example", &to(&["ann@gemeente.example"])).is_err());
        assert!(may_verify(&limits, "eve@spam.example").is_err(), "no open domain: sends nowhere");
        assert!(may_verify(&limits, "ann@gemeente.example").is_ok());
        limits.open_recipient_domains = vec!["gemeente.example".into()];
        assert!(may_verify(&limits, "eve@spam.example").is_ok());
        assert!(check_recipients(&limits, "eve@spam.example", &to(&["ann@gemeente.example"])).is_ok());
        let refused =
            check_recipients(&limits, "eve@spam.example", &to(&["ann@gemeente.example", "x@sub.gemeente.example"]));
        assert!(refused.is_err(), "exact domains: a subdomain is another name");
        assert_eq!(domain_of("ann@gemeente.example"), "gemeente.example");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(20 << 30), "20.0 GiB");
        assert_eq!(size(3 << 19), "1.5 MiB");
        assert_eq!(size(800), "800 bytes");
    }
}
