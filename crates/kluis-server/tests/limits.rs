//! The sending and reading limits of `[limits]` (docs/SERVER.md, "Running
//! the server"; src/api/limits.rs), driven over HTTP against an in-process
//! server: each limit refuses past its value, with its status, error code
//! and a message naming the setting, and ordinary use within it works.
//! Client IPs other than the loopback come from `X-Forwarded-For`
//! (`trust_forwarded_for = true`).

use crate::common::*;
use reqwest::StatusCode;
use reqwest::header::{RANGE, RETRY_AFTER};
use serde_json::{Value, json};

const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";

async fn start(dir: &std::path::Path, limits: &str) -> Res<TestServer> {
    TestServer::start_with(config(dir, &format!("trust_forwarded_for = true\n[limits]\n{limits}"))?).await
}

/// `POST /api/v1/transfers` from client IP `ip`.
async fn announce(
    http: &reqwest::Client,
    s: &TestServer,
    token: &str,
    ann: &Value,
    ip: &str,
) -> Res<reqwest::Response> {
    Ok(http.post(s.url("/api/v1/transfers")).bearer_auth(token).header("x-forwarded-for", ip).json(ann).send().await?)
}

/// The status and error code of an answer.
async fn refusal(r: reqwest::Response) -> Res<(StatusCode, String, String)> {
    let status = r.status();
    let body: Value = r.json().await?;
    Ok((status, body["error"].as_str().unwrap_or_default().into(), body["message"].as_str().unwrap_or_default().into()))
}

/// The relay loop of issue 12: announce an empty transfer, finish its
/// manifest and the transfer (which mails the recipients), again and again.
#[tokio::test]
async fn the_relay_loop_stops_at_transfers_per_sender() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "transfers_per_sender = 3").await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    for n in 0..3 {
        let t = id(n);
        let ann = announcement(&t, ANN, &[("manifest", 0)], 3600);
        assert_eq!(announce(&http, &s, &token, &ann, "192.0.2.1").await?.status(), StatusCode::CREATED);
        assert_eq!(finish_blob(&http, &s, &token, &t, "manifest", 0).await?, StatusCode::NO_CONTENT);
        assert_eq!(finish_transfer(&http, &s, &token, &t, &ann["expires_at"]).await?, StatusCode::OK);
        // A repeat of the same announcement (a resumed send) counts nothing.
        assert_eq!(announce(&http, &s, &token, &ann, "192.0.2.1").await?.status(), StatusCode::OK);
    }
    assert_eq!(s.mails_to(BOB)?.len(), 3);
    let r = announce(&http, &s, &token, &announcement(&id(3), ANN, &[("manifest", 0)], 3600), "192.0.2.2").await?;
    let retry_after: u64 = r.headers().get(RETRY_AFTER).ok_or("no Retry-After")?.to_str()?.parse()?;
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let (status, code, message) = refusal(r).await?;
    assert_eq!((status, code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(message.contains("at most 3 transfers per sender (transfers_per_sender) per 3600 s"), "{message}");
    assert_eq!(s.mails_to(BOB)?.len(), 3, "no fourth notice");
    // Another sender is not affected.
    let carl = s.token(&http, "carl@example.org").await?;
    let ann4 = announcement(&id(4), "carl@example.org", &[("manifest", 0)], 3600);
    assert_eq!(announce(&http, &s, &carl, &ann4, "192.0.2.1").await?.status(), StatusCode::CREATED);
    s.stop().await
}

#[tokio::test]
async fn transfers_and_recipients_are_limited_per_client_ip_and_per_sender() -> Res {
    let dir = tempfile::tempdir()?;
    let limits = "transfers_per_ip = 2\nrecipients_per_sender = 5\nrecipients_per_ip = 6\nmax_recipients = 3";
    let s = start(dir.path(), limits).await?;
    let http = client();
    let ann = s.token(&http, ANN).await?;
    let carl = s.token(&http, "carl@example.org").await?;
    let with = |n: u8, sender: &str, recipients: &[&str]| {
        let mut a = announcement(&id(n), sender, &[("manifest", 10)], 3600);
        a["recipients"] = json!(recipients);
        a
    };
    let three = ["b1@example.org", "b2@example.org", "b3@example.org"];
    // Per client IP: two transfers from one IP, by two senders.
    assert_eq!(announce(&http, &s, &ann, &with(1, ANN, &three), "192.0.2.1").await?.status(), StatusCode::CREATED);
    assert_eq!(
        announce(&http, &s, &carl, &with(2, "carl@example.org", &["x@example.org"]), "192.0.2.1").await?.status(),
        StatusCode::CREATED
    );
    let (status, _, message) =
        refusal(announce(&http, &s, &carl, &with(3, "carl@example.org", &["x@example.org"]), "192.0.2.1").await?)
            .await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(message.contains("transfers_per_ip"), "{message}");
    // Per sender: ann named 3 recipients; 3 more would make 6 of 5.
    let (status, _, message) = refusal(announce(&http, &s, &ann, &with(4, ANN, &three), "192.0.2.2").await?).await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(message.contains("recipients_per_sender") && message.contains("names 3"), "{message}");
    assert_eq!(announce(&http, &s, &ann, &with(4, ANN, &three[..2]), "192.0.2.2").await?.status(), StatusCode::CREATED);
    s.stop().await?;

    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "recipients_per_ip = 4\nmax_recipients = 3").await?;
    let ann = s.token(&http, ANN).await?;
    let carl = s.token(&http, "carl@example.org").await?;
    assert_eq!(announce(&http, &s, &ann, &with(1, ANN, &three), "192.0.2.1").await?.status(), StatusCode::CREATED);
    let (status, _, message) =
        refusal(announce(&http, &s, &carl, &with(2, "carl@example.org", &three[..2]), "192.0.2.1").await?).await?;
    assert!(status == StatusCode::TOO_MANY_REQUESTS && message.contains("recipients_per_ip"), "{message}");
    assert_eq!(
        announce(&http, &s, &carl, &with(2, "carl@example.org", &three[..2]), "192.0.2.9").await?.status(),
        StatusCode::CREATED
    );
    s.stop().await
}

#[tokio::test]
async fn storage_quotas_count_announced_bytes_until_purged() -> Res {
    let dir = tempfile::tempdir()?;
    let limits = "max_transfer_bytes = 1000\nsender_quota_bytes = 1000\ntotal_quota_bytes = 1500";
    let s = start(dir.path(), limits).await?;
    let http = client();
    let ann = s.token(&http, ANN).await?;
    let carl = s.token(&http, "carl@example.org").await?;
    let a1 = announcement(&id(1), ANN, &[("manifest", 600)], 3600);
    assert_eq!(announce(&http, &s, &ann, &a1, "192.0.2.1").await?.status(), StatusCode::CREATED);
    // Announced bytes count, uploaded or not: 600 + 500 > 1000.
    let r = announce(&http, &s, &ann, &announcement(&id(2), ANN, &[("manifest", 500)], 3600), "192.0.2.1").await?;
    let (status, code, message) = refusal(r).await?;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded"));
    assert!(message.contains("sender_quota_bytes"), "{message}");
    assert_eq!(
        announce(&http, &s, &ann, &announcement(&id(2), ANN, &[("manifest", 400)], 3600), "192.0.2.1").await?.status(),
        StatusCode::CREATED
    );
    // All transfers: 1000 held, 600 more > 1500.
    let c1 = announcement(&id(3), "carl@example.org", &[("manifest", 600)], 3600);
    let (status, code, message) = refusal(announce(&http, &s, &carl, &c1, "192.0.2.1").await?).await?;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded"));
    assert!(message.contains("total_quota_bytes"), "{message}");
    // Deleting a transfer releases its bytes.
    let r = http.delete(s.url(&format!("/api/v1/transfers/{}", id(1)))).bearer_auth(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(announce(&http, &s, &carl, &c1, "192.0.2.1").await?.status(), StatusCode::CREATED);
    s.stop().await
}

#[tokio::test]
async fn an_abandoned_announcement_is_purged_and_releases_its_quota() -> Res {
    let dir = tempfile::tempdir()?;
    let text = "trust_forwarded_for = true\n[limits]\nmax_transfer_bytes = 1000\nsender_quota_bytes = 1000\n\
                unfinished_ttl_secs = 2\n[purge]\ninterval_secs = 1";
    let s = TestServer::start_with(config(dir.path(), text)?).await?;
    let http = client();
    let ann = s.token(&http, ANN).await?;
    // A finished transfer stays; an unfinished one is abandoned after 2 s.
    let kept = announcement(&id(1), ANN, &[("manifest", 15)], 3600);
    assert_eq!(announce(&http, &s, &ann, &kept, "192.0.2.1").await?.status(), StatusCode::CREATED);
    upload(&http, &s, &ann, &id(1), "manifest", b"sealed manifest").await?;
    assert_eq!(finish_transfer(&http, &s, &ann, &id(1), &kept["expires_at"]).await?, StatusCode::OK);
    let big = announcement(&id(2), ANN, &[("manifest", 985)], 3600);
    assert_eq!(announce(&http, &s, &ann, &big, "192.0.2.1").await?.status(), StatusCode::CREATED);
    let more = announcement(&id(3), ANN, &[("manifest", 900)], 3600);
    assert_eq!(announce(&http, &s, &ann, &more, "192.0.2.1").await?.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let abandoned = id(2).parse::<kluis_transfer::TransferId>()?;
    for _ in 0..80 {
        if s.db.audit_events(&abandoned).await?.contains(&"purged".to_string()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(s.db.audit_events(&abandoned).await?, ["created", "abandoned", "purged"]);
    assert_eq!(announce(&http, &s, &ann, &more, "192.0.2.1").await?.status(), StatusCode::CREATED, "released");
    let info = http.get(s.url(&format!("/api/v1/transfers/{}", id(1)))).send().await?;
    assert_eq!(info.status(), StatusCode::OK, "the finished transfer is kept");
    s.stop().await
}

#[tokio::test]
async fn the_domain_policy_lets_staff_send_anywhere_and_others_only_to_open_domains() -> Res {
    let dir = tempfile::tempdir()?;
    let policy = "allowed_sender_domains = [\"gemeente.example\"]\nopen_recipient_domains = [\"gemeente.example\"]";
    let s = start(dir.path(), policy).await?;
    let http = client();
    let staff = s.token(&http, "ann@gemeente.example").await?;
    let mut a = announcement(&id(1), "ann@gemeente.example", &[("manifest", 10)], 3600);
    a["recipients"] = json!(["bob@example.org", "carl@elsewhere.example"]);
    assert_eq!(announce(&http, &s, &staff, &a, "192.0.2.1").await?.status(), StatusCode::CREATED);
    // A citizen verifies and may send to the municipality only.
    let citizen = s.token(&http, "eve@example.net").await?;
    let mut e = announcement(&id(2), "eve@example.net", &[("manifest", 10)], 3600);
    e["recipients"] = json!(["ann@gemeente.example", "bob@example.org"]);
    let (status, code, message) = refusal(announce(&http, &s, &citizen, &e, "192.0.2.1").await?).await?;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "domain_not_allowed"));
    assert!(message.contains("bob@example.org") && message.contains("gemeente.example"), "{message}");
    e["recipients"] = json!(["ann@gemeente.example"]);
    assert_eq!(announce(&http, &s, &citizen, &e, "192.0.2.1").await?.status(), StatusCode::CREATED);
    s.stop().await?;

    // Without an open domain, others cannot even get a code mailed.
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "allowed_sender_domains = [\"gemeente.example\"]").await?;
    let (status, code, _) = refusal(s.request_code(&http, "eve@example.net").await?).await?;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "domain_not_allowed"));
    assert!(s.mails_to("eve@example.net")?.is_empty());
    assert_eq!(s.request_code(&http, "ann@gemeente.example").await?.status(), StatusCode::ACCEPTED);
    s.stop().await
}

#[tokio::test]
async fn the_notice_carries_at_most_its_limits() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "notice_subject_chars = 10\nnotice_names_chars = 12\nmax_recipients = 2").await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let with = |subject: &str, names: &[&str], recipients: &[&str]| {
        let mut a = announcement(&id(1), ANN, &[("manifest", 3)], 3600);
        a["notice"] = json!({"subject": subject, "file_names": names});
        a["recipients"] = json!(recipients);
        a
    };
    for (bad, setting) in [
        (with("Elf letters", &["a.pdf"], &[BOB]), "notice_subject_chars"),
        (with("Contract", &["contract.pdf", "b"], &[BOB]), "notice_names_chars"),
        (with("Contract", &["a.pdf"], &[BOB, "c@example.org", "d@example.org"]), "max_recipients"),
    ] {
        let (status, code, message) = refusal(announce(&http, &s, &token, &bad, "192.0.2.1").await?).await?;
        assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "notice_too_large"), "{setting}");
        assert!(message.contains(setting), "{message}");
    }
    let fits = with("Contract", &["contract.pdf"], &[BOB, "c@example.org"]);
    assert_eq!(announce(&http, &s, &token, &fits, "192.0.2.1").await?.status(), StatusCode::CREATED);
    upload(&http, &s, &token, &id(1), "manifest", b"abc").await?;
    assert_eq!(finish_transfer(&http, &s, &token, &id(1), &fits["expires_at"]).await?, StatusCode::OK);
    assert!(s.mails_to("c@example.org")?[0].contains("contract.pdf"));
    s.stop().await
}

/// A finished transfer of ANN with the manifest and one file blob.
async fn finished(http: &reqwest::Client, s: &TestServer, t: &str, file: &[u8]) -> Res<String> {
    let token = s.token(http, ANN).await?;
    let blob = id(99);
    let ann = announcement(t, ANN, &[("manifest", 20), (&blob, file.len())], 3600);
    assert_eq!(announce(http, s, &token, &ann, "192.0.2.1").await?.status(), StatusCode::CREATED);
    upload(http, s, &token, t, "manifest", &bytes(20, 1)).await?;
    upload(http, s, &token, t, &blob, file).await?;
    assert_eq!(finish_transfer(http, s, &token, t, &ann["expires_at"]).await?, StatusCode::OK);
    Ok(blob)
}

async fn read(http: &reqwest::Client, s: &TestServer, path: &str, range: &str, ip: &str) -> Res<reqwest::Response> {
    let mut request = http.get(s.url(path)).header("x-forwarded-for", ip);
    if !range.is_empty() {
        request = request.header(RANGE, range);
    }
    Ok(request.send().await?)
}

#[tokio::test]
async fn a_large_file_read_in_ranges_fits_a_budget_that_small_ranges_exhaust() -> Res {
    let dir = tempfile::tempdir()?;
    // One whole read of the transfer per window: its manifest (1 MiB
    // rounded up) and a 5 MiB file, 6 MiB in all.
    let s = start(dir.path(), "reads_per_transfer = 1").await?;
    let http = client();
    let t = id(1);
    let file = bytes(5 << 20, 7);
    let blob = finished(&http, &s, &t, &file).await?;
    let manifest = format!("/api/v1/transfers/{t}/blobs/manifest");
    assert_eq!(read(&http, &s, &manifest, "", "192.0.2.1").await?.status(), StatusCode::OK);
    // The file in five ranged requests of 1 MiB, as kluis-transfer reads.
    let path = format!("/api/v1/transfers/{t}/blobs/{blob}");
    let mut got = Vec::new();
    for piece in 0..5u64 {
        let range = format!("bytes={}-{}", piece << 20, ((piece + 1) << 20) - 1);
        let r = read(&http, &s, &path, &range, "192.0.2.1").await?;
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT, "piece {piece}");
        got.extend_from_slice(&r.bytes().await?);
    }
    assert_eq!(got, file, "the whole file, within the budget");
    let r = read(&http, &s, &path, "bytes=0-9", "192.0.2.2").await?;
    let (status, code, message) = refusal(r).await?;
    assert_eq!((status, code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"), "the budget is used up");
    assert!(message.contains("reads_per_transfer"), "{message}");
    s.stop().await?;

    // The same budget against a client hammering with 10-byte ranges: 6
    // requests (6 MiB, each at least 1), then 429.
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "reads_per_transfer = 1").await?;
    let blob = finished(&http, &s, &t, &file).await?;
    let path = format!("/api/v1/transfers/{t}/blobs/{blob}");
    let mut served = 0;
    for _ in 0..20 {
        match read(&http, &s, &path, "bytes=100-109", "192.0.2.1").await?.status() {
            StatusCode::PARTIAL_CONTENT => served += 1,
            StatusCode::TOO_MANY_REQUESTS => break,
            other => return Err(format!("unexpected {other}").into()),
        }
    }
    assert_eq!(served, 6, "small ranges count at least 1 MiB each");
    let head = http.head(s.url(&path)).send().await?;
    assert_eq!(head.status(), StatusCode::TOO_MANY_REQUESTS, "HEAD counts too");
    s.stop().await
}

#[tokio::test]
async fn reads_are_limited_per_client_ip() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "read_mib_per_ip = 4").await?;
    let http = client();
    let t = id(1);
    let blob = finished(&http, &s, &t, &bytes(3 << 20, 3)).await?;
    let path = format!("/api/v1/transfers/{t}/blobs/{blob}");
    assert_eq!(read(&http, &s, &path, "", "192.0.2.1").await?.status(), StatusCode::OK, "3 MiB");
    assert_eq!(read(&http, &s, &path, "bytes=0-0", "192.0.2.1").await?.status(), StatusCode::PARTIAL_CONTENT, "4");
    let (status, _, message) = refusal(read(&http, &s, &path, "bytes=0-0", "192.0.2.1").await?).await?;
    assert!(status == StatusCode::TOO_MANY_REQUESTS && message.contains("read_mib_per_ip"), "{message}");
    assert_eq!(read(&http, &s, &path, "", "198.51.100.7").await?.status(), StatusCode::OK, "another client");
    s.stop().await
}

#[tokio::test]
async fn downloads_are_limited_per_transfer_and_client_ip_before_they_count() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "manifest_reads_per_transfer = 4\nmanifest_reads_per_ip = 2").await?;
    let http = client();
    let t = id(1);
    finished(&http, &s, &t, b"file").await?;
    let manifest = format!("/api/v1/transfers/{t}/blobs/manifest");
    for _ in 0..2 {
        assert_eq!(read(&http, &s, &manifest, "", "192.0.2.1").await?.status(), StatusCode::OK);
    }
    // The third read from one client IP is refused: it counts (a refused read
    // counts against every counter, the transfer's too) but is no download.
    let (status, _, message) = refusal(read(&http, &s, &manifest, "bytes=1-", "192.0.2.1").await?).await?;
    assert!(status == StatusCode::TOO_MANY_REQUESTS && message.contains("manifest_reads_per_ip"), "{message}");
    assert_eq!(read(&http, &s, &manifest, "", "192.0.2.2").await?.status(), StatusCode::OK, "another client");
    let (status, _, message) = refusal(read(&http, &s, &manifest, "", "192.0.2.3").await?).await?;
    assert!(status == StatusCode::TOO_MANY_REQUESTS && message.contains("manifest_reads_per_transfer"), "{message}");
    let info: Value = http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.json().await?;
    assert_eq!(info["downloads"], 3, "refused reads are no downloads");
    s.stop().await
}
