//! The web pages of docs/WEB.md served by the real server: routes, the
//! security headers (the exact CSP), the page data of every transfer
//! state, assets' content types and caching, language negotiation, the
//! theme and logo from `[site]`. Needs the `web` feature (the default) and
//! a built web/dist.
#![cfg(feature = "web")]

use crate::common::*;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, VARY};
use serde_json::{Value, json};

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; worker-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'self'";

fn security_headers(r: &reqwest::Response) {
    let h = r.headers();
    assert_eq!(h["content-security-policy"], CSP);
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cross-origin-opener-policy"], "same-origin");
}

/// The page data of a page: `<body … data-kluis="…">`, unescaped.
fn page_data(html: &str) -> Res<Value> {
    let start = html.find("data-kluis=\"").ok_or("no data-kluis")? + "data-kluis=\"".len();
    let end = start + html[start..].find('"').ok_or("unterminated data-kluis")?;
    let raw = html[start..end]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    Ok(serde_json::from_str(&raw)?)
}

/// Sends a finished transfer from ANN to bob with `limit`, answering its id.
async fn sent(
    http: &reqwest::Client,
    s: &TestServer,
    token: &str,
    n: u8,
    limit: Option<u64>,
    expires_in: u64,
) -> Res<(String, Value)> {
    let t = id(n);
    let blob = id(n + 100);
    let mut ann = announcement(&t, "ann@example.org", &[("manifest", 10), (&blob, 1234)], expires_in);
    ann["download_limit"] = json!(limit);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    upload(http, s, token, &t, "manifest", &bytes(10, 1)).await?;
    upload(http, s, token, &t, &blob, &bytes(1234, 2)).await?;
    assert_eq!(finish_transfer(http, s, token, &t, &ann["expires_at"]).await?, StatusCode::OK);
    Ok((t, ann))
}

#[tokio::test]
async fn the_send_page_is_dutch_unless_english_is_preferred() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start_with(config(
        dir.path(),
        "[limits]\nmax_expiry_secs = 864000\nmax_blobs = 21\nmax_recipients = 5\nmax_transfer_bytes = 1000000\n",
    )?)
    .await?;
    let http = client();
    for (lang, expected) in
        [(None, "nl"), (Some("en-GB,en;q=0.9"), "en"), (Some("nl,en;q=0.5"), "nl"), (Some("de"), "nl")]
    {
        let mut request = http.get(s.url("/"));
        if let Some(lang) = lang {
            request = request.header(ACCEPT_LANGUAGE, lang);
        }
        let r = request.send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        security_headers(&r);
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(r.headers()[CONTENT_LANGUAGE], expected, "{lang:?}");
        assert_eq!(r.headers()[VARY], "Accept-Language");
        assert!(r.headers()[CONTENT_TYPE].to_str()?.starts_with("text/html"));
        let html = r.text().await?;
        assert!(html.contains(&format!("<html lang=\"{expected}\">")), "{lang:?}");
        assert!(!html.contains("{{"), "every placeholder filled");
        assert!(html.contains("href=\"/theme.css\""));
        assert!(html.contains("– Kluis</title>"));
        let data = page_data(&html)?;
        assert_eq!(
            data,
            json!({
                "site": {"name": "Kluis", "logo": null},
                "limits": {"maxTransferBytes": 1000000, "maxRecipients": 5, "maxFiles": 20,
                           "maxExpiryDays": 10, "defaultExpiryDays": 7},
                "transfer": null
            })
        );
    }
    s.stop().await
}

#[tokio::test]
async fn assets_are_served_from_the_manifest_with_types_and_caching() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let embedded = kluis_server::web::assets::embedded().ok_or("the pages are not built in")?;
    let mut seen = std::collections::BTreeSet::new();
    for path in embedded.asset_paths() {
        let r = http.get(s.url(&format!("/{path}"))).send().await?;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        security_headers(&r);
        assert_eq!(r.headers()[CACHE_CONTROL], "public, max-age=31536000, immutable");
        let ext = path.rsplit('.').next().unwrap_or_default().to_string();
        let expected = match ext.as_str() {
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "wasm" => "application/wasm",
            "svg" => "image/svg+xml",
            "txt" => "text/plain; charset=utf-8",
            _ => "application/octet-stream",
        };
        assert_eq!(r.headers()[CONTENT_TYPE], expected, "{path}");
        let body = r.bytes().await?;
        assert_eq!(Some(&body[..]), embedded.asset(path), "{path}");
        seen.insert(ext);
    }
    for ext in ["js", "css", "wasm", "svg", "txt"] {
        assert!(seen.contains(ext), "an asset of each kind: {ext}");
    }
    // The licences of the bundled packages (web/licenses.mjs), linked from the pages.
    let licenses = embedded.asset_paths().find(|p| p.starts_with("assets/licenses-")).ok_or("no licences file")?;
    let text = String::from_utf8_lossy(embedded.asset(licenses).unwrap_or_default()).into_owned();
    assert!(text.contains("@utrecht/component-library-css") && text.contains("Licence: EUPL-1.2"), "{text}");
    let page = http.get(s.url("/")).send().await?.text().await?;
    assert!(page.contains(&format!("<link rel=\"license\" href=\"/{licenses}\">")), "{page}");
    for missing in ["/assets/nope.js", "/assets/../manifest.json", "/assets/kluis-save/x", "/assets/"] {
        let r = http.get(s.url(missing)).send().await?;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    let r = http.get(s.url("/assets/nope.js")).send().await?;
    security_headers(&r);
    // No theme configured: an empty stylesheet; no logo.
    let r = http.get(s.url("/theme.css")).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    security_headers(&r);
    assert_eq!(r.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(r.bytes().await?.is_empty());
    assert_eq!(http.get(s.url("/theme/logo.svg")).send().await?.status(), StatusCode::NOT_FOUND);
    s.stop().await
}

#[tokio::test]
async fn the_theme_name_and_logo_come_from_the_configuration() -> Res {
    let dir = tempfile::tempdir()?;
    let css = dir.path().join("theme.css");
    std::fs::write(&css, ".kluis-theme { --basis-color-accent: #c00; }")?;
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")?;
    let site = format!(
        "[site]\nname = \"Gemeente <Voorbeeld> & \\\"Co\\\"\"\nlogo = \"{}\"\ntheme_css = \"{}\"\ndefault_expiry_days = 3\n",
        logo.display(),
        css.display()
    );
    let s = TestServer::start_with(config(dir.path(), &site)?).await?;
    let http = client();
    let html = http.get(s.url("/")).send().await?.text().await?;
    assert!(html.contains("– Gemeente &lt;Voorbeeld&gt; &amp; &quot;Co&quot;</title>"), "{html}");
    let data = page_data(&html)?;
    assert_eq!(data["site"], json!({"name": "Gemeente <Voorbeeld> & \"Co\"", "logo": "/theme/logo.svg"}));
    assert_eq!(data["limits"]["defaultExpiryDays"], 3);
    let r = http.get(s.url("/theme.css")).send().await?;
    assert_eq!(r.text().await?, ".kluis-theme { --basis-color-accent: #c00; }");
    let r = http.get(s.url("/theme/logo.svg")).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    security_headers(&r);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/svg+xml");
    assert_eq!(http.get(s.url("/theme/logo.png")).send().await?.status(), StatusCode::NOT_FOUND);
    s.stop().await
}

#[tokio::test]
async fn the_receive_page_gives_each_state_without_counting_a_download() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, "ann@example.org").await?;
    let facts = |html: &str| -> Res<Value> { Ok(page_data(html)?["transfer"].clone()) };

    let (t, ann) = sent(&http, &s, &token, 1, Some(1), 3600).await?;
    for _ in 0..3 {
        let r = http.get(s.url(&format!("/t/{t}"))).header(ACCEPT_LANGUAGE, "en").send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        security_headers(&r);
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(r.headers()[CONTENT_LANGUAGE], "en");
        let html = r.text().await?;
        assert!(html.contains("<html lang=\"en\">"));
        assert_eq!(
            facts(&html)?,
            json!({"id": t, "state": "open", "sender": "ann@example.org", "recipients": ["bob@example.org"],
                   "expiresAt": ann["expires_at"], "files": 1, "bytes": 1234, "downloadsLeft": 1,
                   "replyAllowed": true})
        );
    }
    // The page did not count: the one allowed download is still there.
    let manifest = s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"));
    assert_eq!(http.get(&manifest).send().await?.status(), StatusCode::OK);
    let html = http.get(s.url(&format!("/t/{t}"))).send().await?.text().await?;
    let f = facts(&html)?;
    assert_eq!((f["state"].as_str(), f["downloadsLeft"].as_u64()), (Some("limit"), Some(0)));
    assert_eq!(f["replyAllowed"], true, "a recipient who opened it may still reply");

    // Unlimited, then withdrawn: a tombstone until the original expiry.
    let (t2, ann2) = sent(&http, &s, &token, 2, None, 3600).await?;
    let f = facts(&http.get(s.url(&format!("/t/{t2}"))).send().await?.text().await?)?;
    assert_eq!((f["state"].as_str(), f["downloadsLeft"].is_null()), (Some("open"), true));
    let r = http.delete(s.url(&format!("/api/v1/transfers/{t2}"))).bearer_auth(&token).send().await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let f = facts(&http.get(s.url(&format!("/t/{t2}"))).send().await?.text().await?)?;
    assert_eq!(
        f,
        json!({"id": t2, "state": "withdrawn", "sender": "", "recipients": [], "expiresAt": ann2["expires_at"],
               "files": 0, "bytes": 0, "downloadsLeft": null, "replyAllowed": false})
    );

    // Expired (the purge has not run yet).
    let (t3, _) = sent(&http, &s, &token, 3, None, 3).await?;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let f = facts(&http.get(s.url(&format!("/t/{t3}"))).send().await?.text().await?)?;
    assert_eq!((f["state"].as_str(), f["replyAllowed"].as_bool()), (Some("expired"), Some(false)));

    // Unknown, unfinished and malformed ids.
    let unfinished = id(4);
    let ann4 = announcement(&unfinished, "ann@example.org", &[("manifest", 10)], 3600);
    http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann4).send().await?;
    for text in [id(5), unfinished, "not-an-id".to_string()] {
        let r = http.get(s.url(&format!("/t/{text}"))).send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        let f = facts(&r.text().await?)?;
        assert_eq!((f["state"].as_str(), f["id"].as_str()), (Some("not_found"), Some(text.as_str())));
    }
    s.stop().await
}

#[tokio::test]
async fn a_purged_expired_transfer_still_says_expired_while_its_note_lasts() -> Res {
    // The purge runs every second; with `expired_notice_secs = 0` it keeps no note.
    for (notice, state) in [("", "expired"), ("expired_notice_secs = 0", "not_found")] {
        let dir = tempfile::tempdir()?;
        let s = TestServer::start_with(config(dir.path(), &format!("[purge]\ninterval_secs = 1\n{notice}"))?).await?;
        let http = client();
        let token = s.token(&http, "ann@example.org").await?;
        let (t, _) = sent(&http, &s, &token, 1, None, 2).await?;
        let stored: kluis_protocol::TransferId = t.parse()?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while s.db.transfer(&stored).await?.is_some() {
            assert!(std::time::Instant::now() < deadline, "the purge did not delete the expired transfer");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let f = page_data(&http.get(s.url(&format!("/t/{t}"))).send().await?.text().await?)?["transfer"].clone();
        assert_eq!(
            f,
            json!({"id": t, "state": state, "sender": "", "recipients": [], "expiresAt": 0,
                   "files": 0, "bytes": 0, "downloadsLeft": null, "replyAllowed": false}),
            "purged, with {notice:?}"
        );
        s.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_busy_database_gives_the_busy_state() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    s.db.close().await;
    let r = http.get(s.url(&format!("/t/{}", id(9)))).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    let data = page_data(&r.text().await?)?;
    assert_eq!(data["transfer"]["state"], "busy");
    s.stop().await
}
