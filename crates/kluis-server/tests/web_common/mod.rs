//! Helpers of the web tests (web_pages, web_reply, web_mails).
#![allow(dead_code, unreachable_pub, missing_docs)]

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

/// Announces, uploads and finishes a transfer from `sender` to
/// `recipients` (one file of 1234 bytes), with `extra` fields merged into
/// the announcement; answers its id and announcement.
pub async fn send(
    http: &reqwest::Client,
    s: &TestServer,
    token: &str,
    n: u8,
    sender: &str,
    recipients: &[&str],
    extra: Value,
) -> Res<(String, Value)> {
    let t = id(n);
    let ann = send_with_ids(http, s, token, (&t, &id(n.wrapping_add(100))), sender, recipients, extra).await?;
    Ok((t, ann))
}

/// [`send`] with the transfer's and the blob's ids given, `(t, blob)`;
/// answers the announcement.
pub async fn send_with_ids(
    http: &reqwest::Client,
    s: &TestServer,
    token: &str,
    (t, blob): (&str, &str),
    sender: &str,
    recipients: &[&str],
    extra: Value,
) -> Res<Value> {
    let mut ann = announcement(t, sender, &[("manifest", 10), (blob, 1234)], 3600);
    ann["recipients"] = json!(recipients);
    if let Value::Object(fields) = extra {
        for (k, v) in fields {
            ann[k] = v;
        }
    }
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await?);
    upload(http, s, token, t, "manifest", &bytes(10, 1)).await?;
    upload(http, s, token, t, blob, &bytes(1234, 2)).await?;
    assert_eq!(finish_transfer(http, s, token, t, &ann["expires_at"]).await?, StatusCode::OK);
    Ok(ann)
}

/// Fires `n` reply requests for transfer `t` at the same moment, each from
/// an address of its own (`replier-<i>@example.org`), and answers how many
/// were granted (`200`); asserts every other one was refused as used up
/// (`403 forbidden`), not failed otherwise.
pub async fn concurrent_replies(http: &reqwest::Client, s: &TestServer, t: &str, n: usize) -> Res<usize> {
    let url = s.url(&format!("/api/v1/transfers/{t}/reply"));
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..n {
        let (http, url, start) = (http.clone(), url.clone(), start.clone());
        requests.spawn(async move {
            let request = http.post(url).json(&json!({ "address": format!("replier-{i}@example.org") }));
            start.wait().await;
            let r = request.send().await?;
            let status = r.status();
            let body: Value = r.json().await?;
            Ok::<_, reqwest::Error>((status, body))
        });
    }
    let mut granted = 0;
    while let Some(answer) = requests.join_next().await {
        let (status, body) = answer??;
        match status {
            StatusCode::OK => granted += 1,
            StatusCode::FORBIDDEN => assert_eq!(body["error"], "forbidden", "{body}"),
            other => return Err(format!("a concurrent reply request answered {other}: {body}").into()),
        }
    }
    Ok(granted)
}

/// `POST /api/v1/transfers/{t}/reply` from `address`.
pub async fn ask_reply(http: &reqwest::Client, s: &TestServer, t: &str, address: &str) -> Res<reqwest::Response> {
    Ok(http.post(s.url(&format!("/api/v1/transfers/{t}/reply"))).json(&json!({ "address": address })).send().await?)
}

/// A mail with its quoted-printable parts decoded (soft line breaks
/// joined, `=XX` replaced), for looking for words in it.
pub fn decoded(mail: &str) -> String {
    let joined = mail.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
