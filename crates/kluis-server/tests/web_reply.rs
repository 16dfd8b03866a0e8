//! `POST /api/v1/transfers/{id}/reply` (docs/WEB.md): the link is the
//! capability; a reply token allows one transfer from the replier to the
//! original sender and nothing else; replies per transfer are limited.

use crate::common::*;
use crate::web_common::*;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};

const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";

#[tokio::test]
async fn a_reply_goes_to_the_original_sender_only_once() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let ann_token = s.token(&http, ANN).await?;
    let (t, _) = send(&http, &s, &ann_token, 1, ANN, &[BOB], json!({})).await?;
    let (other, _) = send(&http, &s, &ann_token, 2, ANN, &[BOB], json!({})).await?;

    let r = ask_reply(&http, &s, &t, " Bob@Example.org ").await?;
    assert_eq!(r.status(), StatusCode::OK);
    let grant: Value = r.json().await?;
    assert_eq!((grant["sender"].as_str(), grant["to"].as_str()), (Some(BOB), Some(ANN)));
    assert!(grant["expires_at"].as_u64().is_some());
    let token = grant["token"].as_str().ok_or("no token")?.to_string();

    // Addressed elsewhere, from someone else, or to more than the sender: refused.
    let reply = id(3);
    let blob = id(4);
    let base = announcement(&reply, BOB, &[("manifest", 10), (&blob, 20)], 3600);
    let refused = [
        json!({"recipients": ["carol@example.org"]}),
        json!({"recipients": [ANN, "carol@example.org"]}),
        json!({"sender": "mallory@example.org", "recipients": [ANN]}),
        json!({"sender": ANN, "recipients": [ANN]}),
    ];
    for change in refused {
        let mut ann = base.clone();
        for (k, v) in change.as_object().ok_or("object")? {
            ann[k] = v.clone();
        }
        let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{change}");
    }
    // The token is no sender token for anything but its one reply.
    let forbidden = [
        http.delete(s.url(&format!("/api/v1/transfers/{other}"))),
        http.post(s.url(&format!("/api/v1/transfers/{t}/finish"))).json(&json!({"expires_at": 1})),
        http.get(s.url(&format!("/api/v1/transfers/{other}/blobs/manifest/upload"))),
    ];
    for request in forbidden {
        assert_eq!(request.bearer_auth(&token).send().await?.status(), StatusCode::FORBIDDEN);
    }

    // The one allowed reply: uploaded, finished, and the original sender mailed.
    let mut ann = base.clone();
    ann["recipients"] = json!([ANN]);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::OK, "a repeated announcement resumes");
    upload(&http, &s, &token, &reply, "manifest", &bytes(10, 3)).await?;
    upload(&http, &s, &token, &reply, &blob, &bytes(20, 4)).await?;
    let before = s.mails_to(ANN)?.len();
    assert_eq!(finish_transfer(&http, &s, &token, &reply, &ann["expires_at"]).await?, StatusCode::OK);
    let mails = s.mails_to(ANN)?;
    assert_eq!(mails.len(), before + 1);
    let notice = mails.last().ok_or("no notice")?;
    assert!(notice.contains(&format!("/t/{reply}")) && notice.contains(BOB), "{notice}");
    assert!(!notice.contains(&token), "no secret in the mail");

    // A second transfer with the same token: refused.
    let mut second = announcement(&id(5), BOB, &[("manifest", 10)], 3600);
    second["recipients"] = json!([ANN]);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&second).send().await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    s.stop().await
}

#[tokio::test]
async fn a_refused_announcement_does_not_use_up_the_token() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let ann_token = s.token(&http, ANN).await?;
    let (t, _) = send(&http, &s, &ann_token, 1, ANN, &[BOB], json!({})).await?;
    let grant: Value = ask_reply(&http, &s, &t, BOB).await?.json().await?;
    let token = grant["token"].as_str().ok_or("no token")?;
    let mut ann = announcement(&id(6), BOB, &[("manifest", 10)], 3600);
    ann["recipients"] = json!([ANN]);
    ann["expires_at"] = json!(1); // in the past: 400 from the announcement's check
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let mut ann = announcement(&id(7), BOB, &[("manifest", 10)], 3600);
    ann["recipients"] = json!([ANN]);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED, "another id after a refused one");
    s.stop().await
}

#[tokio::test]
async fn replies_are_limited_and_follow_the_transfer() -> Res {
    let dir = tempfile::tempdir()?;
    let extra = "[replies]\nper_transfer = 2\n[limits]\nverify_per_ip = 40\n";
    let s = TestServer::start_with(config(dir.path(), extra)?).await?;
    let http = client();
    let ann_token = s.token(&http, ANN).await?;
    let (t, _) = send(&http, &s, &ann_token, 1, ANN, &[BOB], json!({})).await?;
    assert_eq!(ask_reply(&http, &s, &t, BOB).await?.status(), StatusCode::OK);
    assert_eq!(ask_reply(&http, &s, &t, "carol@example.org").await?.status(), StatusCode::OK);
    let r = ask_reply(&http, &s, &t, BOB).await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await?["error"], "forbidden");
    let html = http.get(s.url(&format!("/t/{t}"))).send().await?.text().await?;
    assert!(html.contains("&quot;replyAllowed&quot;:false"), "the page no longer offers a reply");

    assert_eq!(ask_reply(&http, &s, &t, "not an address").await?.status(), StatusCode::BAD_REQUEST);
    assert_eq!(ask_reply(&http, &s, &id(40), BOB).await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(ask_reply(&http, &s, "nope", BOB).await?.status(), StatusCode::NOT_FOUND);
    let (t2, _) = send(&http, &s, &ann_token, 2, ANN, &[BOB], json!({})).await?;
    let r = http.delete(s.url(&format!("/api/v1/transfers/{t2}"))).bearer_auth(&ann_token).send().await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(ask_reply(&http, &s, &t2, BOB).await?.status(), StatusCode::GONE, "withdrawn");
    s.stop().await
}

/// Replies requested at the same moment cannot go over the limit: the count
/// and the grant are one step (the transfer's row is locked first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reply_requests_stop_exactly_at_the_limit() -> Res {
    let dir = tempfile::tempdir()?;
    let extra = "[replies]\nper_transfer = 3\n[limits]\nverify_per_ip = 1000\n";
    let s = TestServer::start_with(config(dir.path(), extra)?).await?;
    let http = client();
    let ann_token = s.token(&http, ANN).await?;
    for n in 1..=3 {
        let (t, _) = send(&http, &s, &ann_token, n, ANN, &[BOB], json!({})).await?;
        assert_eq!(concurrent_replies(&http, &s, &t, 24).await?, 3, "round {n}");
        assert_eq!(ask_reply(&http, &s, &t, BOB).await?.status(), StatusCode::FORBIDDEN);
    }
    s.stop().await
}

#[tokio::test]
async fn reply_requests_are_rate_limited_and_can_be_switched_off() -> Res {
    let dir = tempfile::tempdir()?;
    let extra = "[replies]\nper_transfer = 0\n[limits]\nverify_per_ip = 3\n";
    let s = TestServer::start_with(config(dir.path(), extra)?).await?;
    let http = client();
    let ann_token = s.token(&http, ANN).await?;
    let (t, _) = send(&http, &s, &ann_token, 1, ANN, &[BOB], json!({})).await?;
    let r = ask_reply(&http, &s, &t, BOB).await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no replies on this server");
    let html = http.get(s.url(&format!("/t/{t}"))).send().await?.text().await?;
    assert!(html.contains("&quot;replyAllowed&quot;:false"));
    assert_eq!(ask_reply(&http, &s, &t, BOB).await?.status(), StatusCode::FORBIDDEN);
    assert_eq!(ask_reply(&http, &s, &t, BOB).await?.status(), StatusCode::FORBIDDEN);
    let r = ask_reply(&http, &s, &t, BOB).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key(RETRY_AFTER));
    s.stop().await
}
