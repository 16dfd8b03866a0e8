//! The HTTP API of docs/SERVER.md, driven over HTTP against an in-process
//! server (SQLite, a blob folder and mail as .eml files in a temp dir).

use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, RANGE, RETRY_AFTER};
use serde_json::{Value, json};

const ANN: &str = "ann@example.org";

#[tokio::test]
async fn whole_flow_from_verification_to_download() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let health: Value = http.get(s.url("/health")).send().await?.json().await?;
    assert_eq!(health["status"], "ok");

    let token = s.token(&http, ANN).await?;
    let t = id(1);
    let (manifest, file) = (bytes(1000, 1), bytes(300_000, 2));
    let blob = id(2);
    let ann = announcement(&t, "Ann@Example.org", &[("manifest", manifest.len()), (&blob, file.len())], 3600);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await?;
    assert_eq!(created["id"], t.as_str());
    let link = created["link"].as_str().ok_or("no link")?.to_string();
    assert_eq!(link, s.url(&format!("/t/{t}")));
    // Repeating the announcement is a resumed send.
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    // Unfinished: invisible to recipients.
    assert_eq!(http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.status(), StatusCode::NOT_FOUND);

    upload(&http, &s, &token, &t, "manifest", &manifest).await?;
    upload(&http, &s, &token, &t, &blob, &file).await?;
    let state: Value = http
        .get(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}/upload")))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(state, json!({"partial_len": null, "complete_len": file.len()}));

    let expires_at = ann["expires_at"].clone();
    let finish = s.url(&format!("/api/v1/transfers/{t}/finish"));
    let r = http.post(&finish).bearer_auth(&token).json(&json!({ "expires_at": expires_at })).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await?;
    assert_eq!(body["link"], link.as_str());
    let r = http.post(&finish).bearer_auth(&token).json(&json!({ "expires_at": expires_at })).send().await?;
    assert_eq!(r.status(), StatusCode::OK, "finishing is idempotent");
    let notices = s.mails_to("bob@example.org")?;
    assert_eq!(notices.len(), 1, "the recipient is mailed once");
    assert!(notices[0].contains(&link));
    assert!(!notices[0].contains("code is"));

    let info: Value = http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.json().await?;
    assert_eq!(info["downloads"], 0);
    assert_eq!(info["blobs"][1], json!({"name": blob, "size": file.len()}));

    let got = http.get(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"))).send().await?;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await?.as_ref(), manifest.as_slice());
    let info: Value = http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.json().await?;
    assert_eq!(info["downloads"], 1, "a manifest read from 0 is a download");
    wait_for(|| s.mails_to(ANN).map(|m| m.len() == 2).unwrap_or(false), "the sender's download notice").await?;

    // Ranges.
    let blob_url = s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}"));
    let r = http.get(&blob_url).header(RANGE, "bytes=100-199").send().await?;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()[CONTENT_RANGE], format!("bytes 100-199/{}", file.len()).as_str());
    assert_eq!(r.bytes().await?.as_ref(), &file[100..200]);
    let r = http.get(&blob_url).header(RANGE, "bytes=299990-").send().await?;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await?.as_ref(), &file[299_990..]);
    let r = http.get(&blob_url).header(RANGE, "bytes=-5").send().await?;
    assert_eq!(r.bytes().await?.as_ref(), &file[file.len() - 5..]);
    let r = http.get(&blob_url).header(RANGE, "bytes=300000-").send().await?;
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(r.headers()[CONTENT_RANGE], "bytes */300000");
    let r = http.get(&blob_url).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await?.as_ref(), file.as_slice());
    let r = http.get(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"))).header(RANGE, "bytes=10-").send().await?;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    let info: Value = http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.json().await?;
    assert_eq!(info["downloads"], 2, "a manifest read from a later byte is a download too");

    let page = http.get(s.url(&format!("/t/{t}"))).send().await?.text().await?;
    // The receive page (tests/web_pages.rs); without the `web` feature, the command.
    assert!(page.contains(&t.to_string()) && (page.contains("data-kluis") || page.contains("kluis receive")));
    let openapi: Value = http.get(s.url("/openapi.json")).send().await?.json().await?;
    assert!(openapi["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    assert!(openapi["paths"]["/api/v1/transfers/{id}/blobs/{blob}"]["put"].is_object());

    // Deleting.
    for _ in 0..100 {
        if s.db
            .audit_events(&t.parse::<kluis_transfer::TransferId>()?)
            .await?
            .iter()
            .filter(|e| *e == "notified")
            .count()
            == 2
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = http.delete(s.url(&format!("/api/v1/transfers/{t}"))).bearer_auth(&token).send().await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(http.get(&blob_url).send().await?.status(), StatusCode::NOT_FOUND);
    let events = s.db.audit_events(&t.parse::<kluis_transfer::TransferId>()?).await?;
    assert_eq!(
        events,
        ["created", "uploaded", "uploaded", "notified", "downloaded", "notified", "downloaded", "purged"],
        "the ranged manifest read is a download too; only the first one mails the sender"
    );
    s.stop().await
}

#[tokio::test]
async fn notice_tells_names_only_when_the_sender_opts_in() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(3);
    let mut ann = announcement(&t, ANN, &[("manifest", 3)], 3600);
    ann["notice"] = json!({"subject": "Contract", "file_names": ["contract.pdf"]});
    ann["recipients"] = json!(["carl@example.org"]);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    upload(&http, &s, &token, &t, "manifest", b"abc").await?;
    assert_eq!(finish_transfer(&http, &s, &token, &t, &ann["expires_at"]).await?, StatusCode::OK);
    let mails = s.mails_to("carl@example.org")?;
    assert!(mails[0].contains("Contract") && mails[0].contains("contract.pdf"));
    s.stop().await
}

#[tokio::test]
async fn wrong_expired_and_used_codes_are_refused() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start_with(config(dir.path(), "[limits]\ncode_ttl_secs = 1\nverify_per_address = 10")?).await?;
    let http = client();
    assert_eq!(s.request_code(&http, "not an address").await?.status(), StatusCode::BAD_REQUEST);

    s.request_code(&http, ANN).await?;
    let code = s.latest_code(ANN)?;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    let r = s.confirm(&http, ANN, wrong).await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await?;
    assert_eq!(body["error"], "invalid_code");
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::OK, "right after one wrong");
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::UNAUTHORIZED, "used");

    s.request_code(&http, ANN).await?;
    let code = s.latest_code(ANN)?;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::UNAUTHORIZED, "expired");
    s.stop().await
}

#[tokio::test]
async fn a_code_dies_after_five_wrong_attempts() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    s.request_code(&http, ANN).await?;
    let code = s.latest_code(ANN)?;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    for _ in 0..5 {
        assert_eq!(s.confirm(&http, ANN, wrong).await?.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::UNAUTHORIZED);
    s.stop().await
}

#[tokio::test]
async fn code_requests_and_confirms_are_rate_limited() -> Res {
    let dir = tempfile::tempdir()?;
    let limits = "[limits]\nverify_per_ip = 4\nverify_per_address = 2\nconfirm_per_ip = 4";
    let s = TestServer::start_with(config(dir.path(), &format!("trust_forwarded_for = true\n{limits}"))?).await?;
    let http = client();
    assert_eq!(s.request_code(&http, ANN).await?.status(), StatusCode::ACCEPTED);
    let code = s.latest_code(ANN)?;
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::OK);
    assert_eq!(s.request_code(&http, ANN).await?.status(), StatusCode::ACCEPTED);
    let code = s.latest_code(ANN)?;
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::OK);
    assert_eq!(s.mails_to(ANN)?.len(), 2);
    let r = s.request_code(&http, ANN).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "per address from this client IP");
    assert!(r.headers().contains_key(RETRY_AFTER));
    assert_eq!(r.json::<Value>().await?["error"], "rate_limited");
    assert_eq!(s.mails_to(ANN)?.len(), 2);
    // Another client IP still gets the address a code: requests from
    // elsewhere cannot use up a sender's code mails.
    let elsewhere = http
        .post(s.url("/api/v1/verify"))
        .header("x-forwarded-for", "198.51.100.9")
        .json(&json!({ "address": ANN }))
        .send()
        .await?;
    assert_eq!(elsewhere.status(), StatusCode::ACCEPTED);
    assert_eq!(s.mails_to(ANN)?.len(), 3);
    assert_eq!(s.request_code(&http, "zoe@example.org").await?.status(), StatusCode::ACCEPTED);
    let r = s.request_code(&http, "carl@example.org").await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "per client IP (5th request from it)");

    for _ in 0..2 {
        assert_eq!(s.confirm(&http, ANN, "12345678").await?.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(s.confirm(&http, ANN, "12345678").await?.status(), StatusCode::TOO_MANY_REQUESTS, "5th confirm");
    s.stop().await
}

#[tokio::test]
async fn a_pending_code_is_kept_and_not_mailed_again() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start_with(config(dir.path(), "[limits]\ncode_attempts = 2")?).await?;
    let http = client();
    let first = s.request_code(&http, ANN).await?;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let expires_at = first.json::<Value>().await?["expires_at"].clone();
    let code = s.latest_code(ANN)?;
    // An attacker asking again for ANN's address replaces nothing and mails
    // nothing: the answer gives the pending code's expiry.
    for _ in 0..3 {
        let again = s.request_code(&http, ANN).await?;
        assert_eq!(again.status(), StatusCode::ACCEPTED);
        assert_eq!(again.json::<Value>().await?["expires_at"], expires_at);
    }
    assert_eq!(s.mails_to(ANN)?.len(), 1, "one code mail");
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::OK, "the first code still works");
    // Used: the next request mails a new code. A code out of attempts is no
    // longer pending either.
    assert_eq!(s.request_code(&http, ANN).await?.status(), StatusCode::ACCEPTED);
    assert_eq!(s.mails_to(ANN)?.len(), 2);
    let code = s.latest_code(ANN)?;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    for _ in 0..2 {
        assert_eq!(s.confirm(&http, ANN, wrong).await?.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(s.request_code(&http, ANN).await?.status(), StatusCode::ACCEPTED);
    assert_eq!(s.mails_to(ANN)?.len(), 3, "a dead code is replaced");
    let code = s.latest_code(ANN)?;
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::OK);
    s.stop().await
}

#[tokio::test]
async fn a_code_that_could_not_be_mailed_is_not_pending() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    std::fs::create_dir_all(&s.mails)?;
    std::fs::rename(&s.mails, dir.path().join("mails.saved"))?;
    std::fs::write(&s.mails, b"not a folder")?;
    assert_eq!(s.request_code(&http, ANN).await?.status(), StatusCode::SERVICE_UNAVAILABLE);
    std::fs::remove_file(&s.mails)?;
    std::fs::rename(dir.path().join("mails.saved"), &s.mails)?;
    assert_eq!(s.request_code(&http, ANN).await?.status(), StatusCode::ACCEPTED);
    assert_eq!(s.mails_to(ANN)?.len(), 1, "the second request mailed a code");
    let code = s.latest_code(ANN)?;
    assert_eq!(s.confirm(&http, ANN, &code).await?.status(), StatusCode::OK);
    s.stop().await
}

#[tokio::test]
async fn uploads_resume_and_oversize_is_refused() -> Res {
    // The lowest request limit a server accepts (the web pages' pieces),
    // and a transfer limit 2 MiB above it.
    const REQUEST: usize = kluis_protocol::MAX_CLIENT_UPLOAD_REQUEST as usize;
    const MIB: usize = 1 << 20;
    const TRANSFER: usize = REQUEST + 2 * MIB;
    let dir = tempfile::tempdir()?;
    let limits = format!("[limits]\nmax_transfer_bytes = {TRANSFER}\nmax_request_bytes = {REQUEST}");
    let s = TestServer::start_with(config(dir.path(), &limits)?).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(4);
    let too_big = announcement(&t, ANN, &[("manifest", TRANSFER + 1)], 3600);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&too_big).send().await?;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let data = bytes(TRANSFER, 9);
    let ann = announcement(&t, ANN, &[("manifest", TRANSFER)], 3600);
    assert_eq!(
        http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?.status(),
        StatusCode::CREATED
    );
    let mut changed = ann.clone();
    changed["recipients"] = json!(["eve@example.org"]);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&changed).send().await?;
    assert_eq!(r.status(), StatusCode::CONFLICT, "another announcement under the same id");

    let put = |offset: usize, body: Vec<u8>| {
        http.put(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest?offset={offset}")))
            .bearer_auth(&token)
            .body(body)
            .send()
    };
    let r = put(0, data[..2 * MIB].to_vec()).await?;
    assert_eq!(r.json::<Value>().await?["partial_len"], 2 * MIB);
    let r = put(MIB, data[MIB..3 * MIB].to_vec()).await?;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // A refused upload may leave its body unread: the connection closes.
    assert_eq!(r.headers().get("connection").map(|v| v.as_bytes()), Some(&b"close"[..]));
    assert!(r.text().await?.contains(&(2 * MIB).to_string()), "the conflict names the current length");
    let r = put(2 * MIB, data[2 * MIB..].to_vec()).await?;
    assert_eq!(r.status(), StatusCode::OK, "a request of exactly the limit fits");
    let r = http
        .post(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest/finish")))
        .bearer_auth(&token)
        .json(&json!({"size": TRANSFER - 1}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a size other than the announced one");

    // A second transfer for oversize uploads: streamed (no Content-Length)
    // past the per-request limit but within the announced size, and past
    // the announced size.
    let t2 = id(5);
    let ann2 = announcement(&t2, ANN, &[("manifest", TRANSFER)], 3600);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann2).send().await?;
    let url = s.url(&format!("/api/v1/transfers/{t2}/blobs/manifest?offset=0"));
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..REQUEST / MIB + 1).map(|_| Ok(vec![7u8; MIB])).collect();
    let r = http
        .put(&url)
        .bearer_auth(&token)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "streamed past the request limit");
    let r = http.put(&url).bearer_auth(&token).body(vec![7u8; TRANSFER + 1]).send().await?;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "past the announced size");
    assert_eq!(r.headers().get("connection").map(|v| v.as_bytes()), Some(&b"close"[..]));
    let state: Value = http
        .get(s.url(&format!("/api/v1/transfers/{t2}/blobs/manifest/upload")))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert!(state["partial_len"].as_u64().unwrap_or(0) <= REQUEST as u64, "nothing past the limits was kept: {state}");
    s.stop().await
}

#[test]
fn a_request_limit_below_the_clients_pieces_is_refused() -> Res {
    let dir = tempfile::tempdir()?;
    let at = kluis_protocol::MAX_CLIENT_UPLOAD_REQUEST;
    config(dir.path(), &format!("[limits]\nmax_request_bytes = {at}"))?;
    let message = match config(dir.path(), &format!("[limits]\nmax_request_bytes = {}", at - 1)) {
        Ok(_) => return Err("max_request_bytes below 8 MiB was accepted".into()),
        Err(e) => e.to_string(),
    };
    assert!(message.contains("limits.max_request_bytes (8388607) is below 8388608"), "{message}");
    Ok(())
}

#[tokio::test]
async fn another_senders_token_is_forbidden() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let ann_token = s.token(&http, ANN).await?;
    let eve_token = s.token(&http, "eve@example.org").await?;
    let t = id(6);
    let ann = announcement(&t, ANN, &[("manifest", 3)], 3600);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&eve_token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "sender other than the token's address");
    http.post(s.url("/api/v1/transfers")).bearer_auth(&ann_token).json(&ann).send().await?;
    let mut eve_ann = ann.clone();
    eve_ann["sender"] = json!("eve@example.org");
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&eve_token).json(&eve_ann).send().await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "another sender's id");
    let r = http
        .put(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest?offset=0")))
        .bearer_auth(&eve_token)
        .body(b"abc".to_vec())
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http.delete(s.url(&format!("/api/v1/transfers/{t}"))).bearer_auth(&eve_token).send().await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http.delete(s.url(&format!("/api/v1/transfers/{t}"))).bearer_auth("nonsense").send().await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    s.stop().await
}

async fn finished_transfer(http: &reqwest::Client, s: &TestServer, token: &str, t: &str, ann: &Value) -> Res {
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(token).json(ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    upload(http, s, token, t, "manifest", b"sealed manifest").await?;
    let r = http
        .post(s.url(&format!("/api/v1/transfers/{t}/finish")))
        .bearer_auth(token)
        .json(&json!({"expires_at": ann["expires_at"]}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn the_download_limit_ends_manifest_reads() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(7);
    let mut ann = announcement(&t, ANN, &[("manifest", 15)], 3600);
    ann["download_limit"] = json!(2);
    finished_transfer(&http, &s, &token, &t, &ann).await?;
    let manifest = s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"));
    // A read that skips byte 0 (known to anyone: the magic) is a download
    // like any other, and the first one mails the sender.
    let mails = s.mails_to(ANN)?.len();
    let r = http.get(&manifest).header(RANGE, "bytes=1-").send().await?;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    let info: Value = http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.json().await?;
    assert_eq!(info["downloads"], 1, "a ranged manifest read counts");
    wait_for(|| s.mails_to(ANN).map(|m| m.len() == mails + 1).unwrap_or(false), "the sender's download notice").await?;
    assert_eq!(http.get(&manifest).send().await?.status(), StatusCode::OK);
    assert_eq!(http.get(&manifest).send().await?.status(), StatusCode::GONE);
    let r = http.get(&manifest).header(RANGE, "bytes=3-").send().await?;
    assert_eq!(r.status(), StatusCode::GONE, "no range gets past the limit");
    assert_eq!(http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?.status(), StatusCode::GONE);
    let head = http.head(&manifest).send().await?;
    assert_eq!(head.status(), StatusCode::OK, "HEAD never counts and stays allowed");
    assert_eq!(head.headers()[reqwest::header::CONTENT_LENGTH], "15");
    s.stop().await
}

#[tokio::test]
async fn expired_transfers_are_refused_and_purged() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start_with(config(dir.path(), "[purge]\ninterval_secs = 1")?).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(8);
    let ann = announcement(&t, ANN, &[("manifest", 15)], 2);
    finished_transfer(&http, &s, &token, &t, &ann).await?;
    // An unfinished transfer that expires: no more uploads or notices.
    let late = id(12);
    let late_ann = announcement(&late, ANN, &[("manifest", 15)], 2);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&late_ann).send().await?;
    let info = s.url(&format!("/api/v1/transfers/{t}"));
    assert_eq!(http.get(&info).send().await?.status(), StatusCode::OK);
    let blob_dir = dir.path().join("blobs").join(&t);
    assert!(blob_dir.exists());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let status = http.get(&info).send().await?.status();
    assert!(status == StatusCode::GONE || status == StatusCode::NOT_FOUND, "{status}");
    let r = http
        .put(s.url(&format!("/api/v1/transfers/{late}/blobs/manifest?offset=0")))
        .bearer_auth(&token)
        .body(b"x".to_vec())
        .send()
        .await?;
    assert!(matches!(r.status(), StatusCode::GONE | StatusCode::NOT_FOUND), "upload after expiry: {}", r.status());
    wait_for(|| !blob_dir.exists(), "the purge").await?;
    for _ in 0..50 {
        if s.db.audit_events(&t.parse::<kluis_transfer::TransferId>()?).await?.contains(&"purged".to_string()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let events = s.db.audit_events(&t.parse::<kluis_transfer::TransferId>()?).await?;
    assert!(events.ends_with(&["expired".to_string(), "purged".to_string()]), "{events:?}");
    assert_eq!(http.get(&info).send().await?.status(), StatusCode::NOT_FOUND);
    s.stop().await
}

#[tokio::test]
async fn a_restart_loses_nothing_completed() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(9);
    let blob = id(10);
    let (manifest, file) = (bytes(100, 3), bytes(10_000, 4));
    let ann = announcement(&t, ANN, &[("manifest", 100), (&blob, 10_000)], 3600);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    upload(&http, &s, &token, &t, "manifest", &manifest).await?;
    let r = http
        .put(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}?offset=0")))
        .bearer_auth(&token)
        .body(file[..4000].to_vec())
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    s.stop().await?;

    let s = TestServer::start(dir.path()).await?;
    let state: Value = http
        .get(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}/upload")))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(state, json!({"partial_len": 4000, "complete_len": null}), "the token and the partial survive");
    let r = http
        .put(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}?offset=4000")))
        .bearer_auth(&token)
        .body(file[4000..].to_vec())
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(finish_blob(&http, &s, &token, &t, &blob, 10_000).await?, StatusCode::NO_CONTENT);
    assert_eq!(finish_transfer(&http, &s, &token, &t, &ann["expires_at"]).await?, StatusCode::OK);
    let got = http.get(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"))).send().await?.bytes().await?;
    assert_eq!(got.as_ref(), manifest.as_slice());
    let got = http.get(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}"))).send().await?.bytes().await?;
    assert_eq!(got.as_ref(), file.as_slice());
    s.stop().await
}

#[tokio::test]
async fn a_shutdown_lets_an_upload_in_flight_finish() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(11);
    let ann = announcement(&t, ANN, &[("manifest", 40_000)], 3600);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    // A slow body: 8 pieces of 5000 bytes, 100 ms apart.
    let pieces = futures::stream::unfold(0u8, |n| async move {
        if n == 8 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((Ok::<_, std::io::Error>(vec![n; 5000]), n + 1))
    });
    let request = http
        .put(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest?offset=0")))
        .bearer_auth(&token)
        .body(reqwest::Body::wrap_stream(pieces))
        .send();
    let upload = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(250)).await;
    s.stop().await?;
    let r = upload.await??;
    assert_eq!(r.status(), StatusCode::OK, "the request in flight was finished");
    assert_eq!(r.json::<Value>().await?["partial_len"], 40_000);

    let s = TestServer::start(dir.path()).await?;
    let state: Value = http
        .get(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest/upload")))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(state["partial_len"], 40_000, "what was answered is stored");
    s.stop().await
}

#[tokio::test]
async fn two_servers_on_one_database_and_folder_share_everything() -> Res {
    let dir = tempfile::tempdir()?;
    let cfg = config(dir.path(), "[limits]\nverify_per_address = 2")?;
    let a = TestServer::start_with(cfg.clone()).await?;
    let b = TestServer::start_with(cfg).await?;
    let http = client();
    // A token from one server works on the other; rate limits are shared.
    let token = a.token(&http, ANN).await?;
    b.token(&http, ANN).await?;
    assert_eq!(a.request_code(&http, ANN).await?.status(), StatusCode::TOO_MANY_REQUESTS);
    // An upload begun on one server goes on on the other.
    let t = id(13);
    let data = bytes(6000, 8);
    let ann = announcement(&t, ANN, &[("manifest", 6000)], 3600);
    let r = b.url("/api/v1/transfers");
    assert_eq!(http.post(r).bearer_auth(&token).json(&ann).send().await?.status(), StatusCode::CREATED);
    let put = |s: &TestServer, offset: usize, body: Vec<u8>| {
        http.put(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest?offset={offset}")))
            .bearer_auth(&token)
            .body(body)
            .send()
    };
    assert_eq!(put(&a, 0, data[..2500].to_vec()).await?.status(), StatusCode::OK);
    assert_eq!(put(&b, 0, data.clone()).await?.status(), StatusCode::CONFLICT);
    assert_eq!(put(&b, 2500, data[2500..].to_vec()).await?.status(), StatusCode::OK);
    assert_eq!(finish_blob(&http, &a, &token, &t, "manifest", 6000).await?, StatusCode::NO_CONTENT);
    assert_eq!(finish_transfer(&http, &b, &token, &t, &ann["expires_at"]).await?, StatusCode::OK);
    let got = http.get(a.url(&format!("/api/v1/transfers/{t}/blobs/manifest"))).send().await?.bytes().await?;
    assert_eq!(got.as_ref(), data.as_slice());
    let info: Value = http.get(b.url(&format!("/api/v1/transfers/{t}"))).send().await?.json().await?;
    assert_eq!(info["downloads"], 1, "a download on one server counts on the other");
    a.stop().await?;
    b.stop().await
}

#[tokio::test]
async fn a_failed_notice_leaves_the_transfer_unfinished_for_a_retry() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(14);
    let ann = announcement(&t, ANN, &[("manifest", 3)], 3600);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    upload(&http, &s, &token, &t, "manifest", b"abc").await?;
    // Mail cannot be written: the mail folder is replaced by a file.
    std::fs::rename(&s.mails, dir.path().join("mails.saved"))?;
    std::fs::write(&s.mails, b"not a folder")?;
    let finish = s.url(&format!("/api/v1/transfers/{t}/finish"));
    let r = http.post(&finish).bearer_auth(&token).json(&json!({"expires_at": ann["expires_at"]})).send().await?;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json::<Value>().await?["error"], "unavailable");
    let info = s.url(&format!("/api/v1/transfers/{t}"));
    assert_eq!(http.get(&info).send().await?.status(), StatusCode::NOT_FOUND, "still unfinished");
    std::fs::remove_file(&s.mails)?;
    std::fs::rename(dir.path().join("mails.saved"), &s.mails)?;
    let r = http.post(&finish).bearer_auth(&token).json(&json!({"expires_at": ann["expires_at"]})).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(s.mails_to("bob@example.org")?.len(), 1);
    assert_eq!(http.get(&info).send().await?.status(), StatusCode::OK);
    s.stop().await
}
