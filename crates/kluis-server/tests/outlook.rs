//! The Outlook add-in served by the real server (docs/MAILCLIENTS.md): the
//! manifest at /outlook/manifest.xml made for the configured public URL
//! (well-formed XML, the required elements, ReadWriteItem, the
//! OnMessageSend launch event in soft-block mode, every URL on the
//! server's origin over https), refused for a plain-http public URL that is
//! not loopback; the task pane and the handler's page with the add-in's
//! CSP (Office.js's CDN only there), their assets, the icons and the classic
//! handler script. Needs the `outlook` feature (a default) and a built
//! clients/outlook/dist.
#![cfg(feature = "outlook")]

use std::collections::HashMap;

use crate::common::*;
use quick_xml::events::{BytesStart, Event};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};

const OFFICE_JS: &str = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";

/// An element of the manifest: its name, attributes and text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: HashMap<String, String>,
    text: String,
}

fn element(e: &BytesStart<'_>) -> Res<Element> {
    let mut el = Element { name: String::from_utf8(e.name().as_ref().to_vec())?, ..Element::default() };
    for a in e.attributes() {
        let a = a?;
        el.attributes.insert(String::from_utf8(a.key.as_ref().to_vec())?, a.unescape_value()?.into_owned());
    }
    Ok(el)
}

/// Every element of `xml`, read to the end with end names checked, so a
/// document that is not well-formed fails.
fn elements(xml: &str) -> Res<Vec<Element>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                out.push(element(&e)?);
                open.push(out.len() - 1);
            }
            Event::Empty(e) => out.push(element(&e)?),
            Event::End(_) => {
                open.pop().ok_or("an end tag without a start")?;
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(t.unescape()?.trim());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err("unclosed elements".into());
    }
    Ok(out)
}

fn find<'a>(all: &'a [Element], name: &str) -> Vec<&'a Element> {
    all.iter().filter(|e| e.name == name).collect()
}

#[tokio::test]
async fn the_manifest_is_made_for_the_public_url() -> Res {
    let dir = tempfile::tempdir()?;
    let origin = "https://kluis.example.org";
    let s = TestServer::start_with(config(
        dir.path(),
        &format!("public_url = \"{origin}/\"\n[site]\nname = \"Gemeente A & B\""),
    )?)
    .await?;
    let http = client();
    let r = http.get(s.url("/outlook/manifest.xml")).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/xml; charset=utf-8");
    assert_eq!(r.headers()[CACHE_CONTROL], "no-cache");
    let xml = r.text().await?;
    let all = elements(&xml)?;

    let root = &all[0];
    assert_eq!(root.name, "OfficeApp");
    assert_eq!(root.attributes["xsi:type"], "MailApp");
    assert_eq!(root.attributes["xmlns"], "http://schemas.microsoft.com/office/appforoffice/1.1");
    let id = &find(&all, "Id")[0].text;
    assert_eq!(id, &kluis_server::outlook::manifest::addin_id(origin));
    for required in [
        "Version",
        "ProviderName",
        "DefaultLocale",
        "DisplayName",
        "Description",
        "IconUrl",
        "HighResolutionIconUrl",
        "SupportUrl",
        "AppDomains",
        "Hosts",
        "Requirements",
        "FormSettings",
        "Permissions",
        "Rule",
    ] {
        assert!(!find(&all, required).is_empty(), "{required} is missing");
    }
    assert_eq!(find(&all, "ProviderName")[0].text, "Gemeente A & B");
    assert_eq!(find(&all, "Permissions")[0].text, "ReadWriteItem");
    assert_eq!(find(&all, "AppDomain")[0].text, origin);
    let overrides = find(&all, "VersionOverrides");
    assert_eq!(overrides.len(), 2);
    assert_eq!(overrides[1].attributes["xmlns"], "http://schemas.microsoft.com/office/mailappversionoverrides/1.1");
    assert_eq!(overrides[1].attributes["xsi:type"], "VersionOverridesV1_1");
    let events = find(&all, "LaunchEvent");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].attributes["Type"], "OnMessageSend");
    assert_eq!(events[0].attributes["SendMode"], "SoftBlock");
    assert_eq!(events[0].attributes["FunctionName"], "onMessageSendHandler");
    let button = find(&all, "Control").into_iter().find(|c| c.attributes["id"] == "kluisSendSecurely");
    assert!(button.is_some(), "the compose button");
    assert!(find(&all, "ExtensionPoint").iter().any(|e| e.attributes["xsi:type"] == "MessageComposeCommandSurface"));
    assert_eq!(
        find(&all, "Override")
            .iter()
            .filter(|o| o.attributes.get("type").map(String::as_str) == Some("javascript"))
            .count(),
        1
    );

    // Every URL, in an attribute or a text, is on the server's origin over https.
    let mut urls = 0;
    for e in &all {
        for value in e.attributes.values().chain(std::iter::once(&e.text)) {
            if value.contains("://")
                && !e.name.starts_with("xmlns")
                && !value.starts_with("http://schemas.microsoft.com/")
                && !value.starts_with("http://www.w3.org/")
            {
                urls += 1;
                assert!(value == origin || value.starts_with(&format!("{origin}/")), "{} {value}", e.name);
            }
        }
    }
    assert!(urls >= 10, "{urls} URLs");
    for path in [
        "/outlook/taskpane.html",
        "/outlook/commands.html",
        "/outlook/launchevent.js",
        "/outlook/icon-16.png",
        "/outlook/icon-32.png",
        "/outlook/icon-64.png",
        "/outlook/icon-80.png",
        "/outlook/icon-128.png",
    ] {
        assert!(xml.contains(&format!("\"{origin}{path}\"")), "{path}");
        assert_eq!(http.get(s.url(path)).send().await?.status(), StatusCode::OK, "{path}");
    }
    s.stop().await
}

#[tokio::test]
async fn a_plain_http_public_url_gets_no_manifest_unless_loopback() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start_with(config(dir.path(), "public_url = \"http://kluis.example.org\"")?).await?;
    let r = client().get(s.url("/outlook/manifest.xml")).send().await?;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await?.contains("needs an https public_url"));
    s.stop().await?;

    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?; // public URL: http://127.0.0.1:<port>
    let r = client().get(s.url("/outlook/manifest.xml")).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await?.contains(&format!("<SourceLocation DefaultValue=\"{}/outlook/taskpane.html\"/>", s.base)));
    s.stop().await
}

#[tokio::test]
async fn the_addin_pages_allow_office_js_and_nothing_else_does() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let mut assets = Vec::new();
    for page in ["/outlook/taskpane.html", "/outlook/commands.html"] {
        let r = http.get(s.url(page)).send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-security-policy"], kluis_server::outlook::ADDIN_CSP);
        assert_eq!(r.headers()["referrer-policy"], "no-referrer");
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
        let html = r.text().await?;
        assert!(html.contains(&format!("<script src=\"{OFFICE_JS}\"></script>")), "{page}");
        assert!(!html.contains("{{"), "{page}: every placeholder filled");
        for part in html.split('"').filter(|p| p.starts_with("/outlook/assets/")) {
            assets.push(part.to_string());
        }
    }
    let pane = http.get(s.url("/outlook/taskpane.html")).send().await?.text().await?;
    assert!(pane.contains("data-kluis=\"{&quot;site&quot;:{&quot;name&quot;:&quot;Kluis&quot;"), "page data");
    assert!(pane.contains("&quot;maxExpiryDays&quot;:"));
    assert!(assets.len() >= 3, "{assets:?}");
    for asset in &assets {
        let r = http.get(s.url(asset)).send().await?;
        assert_eq!(r.status(), StatusCode::OK, "{asset}");
        assert_eq!(r.headers()[CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(r.headers()["content-security-policy"], kluis_server::web::headers::CSP);
    }
    let script = http.get(s.url("/outlook/launchevent.js")).send().await?;
    assert_eq!(script.headers()[CONTENT_TYPE], "text/javascript; charset=utf-8");
    assert_eq!(script.headers()["content-security-policy"], kluis_server::web::headers::CSP);
    assert!(script.text().await?.contains("onMessageSendHandler"));
    let icon = http.get(s.url("/outlook/icon-80.png")).send().await?;
    assert_eq!(icon.headers()[CONTENT_TYPE], "image/png");
    assert!(icon.bytes().await?.starts_with(b"\x89PNG\r\n\x1a\n"));
    for missing in [
        "/outlook/nothing.html",
        "/outlook/manifest.json",
        "/outlook/assets/none.js",
        "/outlook/assets/..%2Fmanifest.json",
    ] {
        assert_eq!(http.get(s.url(missing)).send().await?.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    s.stop().await
}
