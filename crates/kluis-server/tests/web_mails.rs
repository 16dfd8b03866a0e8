//! The server's mails in the sender's language, each as text and HTML
//! alternatives (multipart/alternative), none carrying a token.

use crate::common::*;
use crate::web_common::*;
use reqwest::StatusCode;
use reqwest::header::ACCEPT_LANGUAGE;
use serde_json::json;

const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";

fn alternatives(mail: &str) {
    assert!(mail.contains("Content-Type: multipart/alternative"), "{mail}");
    let text = mail.find("Content-Type: text/plain").unwrap_or(usize::MAX);
    let html = mail.find("Content-Type: text/html").unwrap_or(usize::MAX);
    assert!(text < html && html < usize::MAX, "text, then HTML: {mail}");
}

#[tokio::test]
async fn code_mails_follow_the_request_language() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    for (lang, subject, words) in [
        (Some("nl-NL,nl;q=0.9"), "Subject: Uw Kluis-verificatiecode", "Uw Kluis-verificatiecode is "),
        (Some("en-US"), "Subject: Your Kluis verification code", "Your Kluis verification code is "),
        (None, "Subject: Your Kluis verification code", "Your Kluis verification code is "),
    ] {
        let address =
            format!("{}@example.org", lang.unwrap_or("none").replace([',', ';', '=', '.'], "-").to_lowercase());
        let mut request = http.post(s.url("/api/v1/verify")).json(&json!({ "address": address }));
        if let Some(lang) = lang {
            request = request.header(ACCEPT_LANGUAGE, lang);
        }
        assert_eq!(request.send().await?.status(), StatusCode::ACCEPTED);
        let mails = s.mails_to(&address)?;
        let mail = &decoded(mails.last().ok_or("no code mail")?);
        alternatives(mail);
        assert!(mail.contains(subject), "{lang:?}: {mail}");
        assert!(mail.contains(words), "{lang:?}: {mail}");
        let code = s.latest_code(&address)?;
        assert_eq!(mail.matches(code.as_str()).count(), 2, "the code in the text and in the HTML");
    }
    s.stop().await
}

#[tokio::test]
async fn notices_are_in_the_language_the_sender_chose() -> Res {
    let dir = tempfile::tempdir()?;
    let s = TestServer::start(dir.path()).await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let (t, _) = send(&http, &s, &token, 1, ANN, &[BOB], json!({"language": "nl"})).await?;
    let notices = s.mails_to(BOB)?;
    let notice = &decoded(notices.last().ok_or("no notice")?);
    alternatives(notice);
    assert!(notice.contains("Subject: Versleutelde bestanden van ann@example.org"), "{notice}");
    assert!(notice.contains("<html lang=\"nl\">"), "{notice}");
    assert!(notice.contains(&format!("<a href=\"{}\">", s.url(&format!("/t/{t}")))), "{notice}");
    // The recipient opens the link in a browser (the server's receive page)
    // and types the password told apart; the text and the HTML say so.
    assert_eq!(notice.matches("Open deze link in uw browser:").count(), 2, "{notice}");
    assert!(notice.contains("<p>Open deze link in uw browser:</p>"), "{notice}");
    assert_eq!(notice.matches("Het wachtwoord staat niet in deze mail.").count(), 2, "{notice}");
    assert!(notice.contains(&format!("<p><code>kluis receive <a href=\"{}\">", s.url(&format!("/t/{t}")))), "{notice}");
    assert!(!notice.contains(&token));

    let before = s.mails_to(ANN)?.len();
    let r = http.get(s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"))).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    wait_for(|| s.mails_to(ANN).map(|m| m.len() > before).unwrap_or(false), "the first-download notice").await?;
    let mails = s.mails_to(ANN)?;
    let downloaded = &decoded(mails.last().ok_or("no notice")?);
    alternatives(downloaded);
    assert!(downloaded.contains("Subject: Uw Kluis-zending is gedownload"), "{downloaded}");
    assert!(!downloaded.contains(&token));

    let (t2, _) = send(&http, &s, &token, 2, ANN, &["carol@example.org"], json!({})).await?;
    let notices = s.mails_to("carol@example.org")?;
    let notice = &decoded(notices.last().ok_or("no notice")?);
    alternatives(notice);
    assert!(notice.contains("Subject: Encrypted files from ann@example.org"), "{notice}");
    assert!(notice.contains(&t2));
    assert_eq!(notice.matches("Open this link in your browser:").count(), 2, "{notice}");
    assert_eq!(notice.matches("it is not in this mail.").count(), 2, "{notice}");
    s.stop().await
}
