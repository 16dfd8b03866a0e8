//! `.eml` messages (RFC 5322 with MIME): the header block, every text body
//! (an HTML-only body as text), and each attachment as the document it is,
//! nested messages included, each level deeper counted against
//! [`super::Limits::max_depth`].

use mail_parser::{MessageParser, MimeHeaders};

use super::{Budget, ExtractError, MediaType, extract_into};

pub(crate) fn extract(bytes: &[u8], depth: usize, budget: &mut Budget) -> Result<(), ExtractError> {
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| ExtractError::malformed("mail message", "no message headers"))?;
    message_text(&message, depth, budget)
}

fn message_text(message: &mail_parser::Message<'_>, depth: usize, budget: &mut Budget) -> Result<(), ExtractError> {
    if depth > budget.limits.max_depth {
        return Err(ExtractError::TooDeep { what: "messages inside messages" });
    }
    // The raw header block (names, addresses, subject as written) and the
    // subject decoded (it may be an encoded word).
    let raw = message.raw_message();
    let header_end = message.root_part().raw_body_offset() as usize;
    budget.push(&super::media::decode_text(&raw[..header_end.min(raw.len())]))?;
    if let Some(subject) = message.subject() {
        budget.end_part()?;
        budget.push(subject)?;
    }
    for i in 0..message.text_body_count() {
        if let Some(body) = message.body_text(i) {
            budget.end_part()?;
            budget.push(&body)?;
        }
    }
    for part in message.attachments() {
        budget.end_part()?;
        if let Some(nested) = part.message() {
            message_text(nested, depth + 1, budget)?;
            continue;
        }
        let name = part.attachment_name();
        if let Some(name) = name {
            budget.push(name)?;
            budget.end_part()?;
        }
        let mime = part.content_type().map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        });
        let by_mime = mime.as_deref().map_or(MediaType::Unknown, MediaType::from_mime);
        let ext = name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e);
        let media = match MediaType::sniff(part.contents(), ext) {
            MediaType::Text if by_mime != MediaType::Unknown => by_mime,
            sniffed => sniffed,
        };
        match extract_into(part.contents(), media, depth + 1, budget) {
            // An image or another binary attachment holds no text to check.
            Err(ExtractError::Unsupported(_)) => {}
            other => other?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{ExtractError, Limits, MediaType, extract_text};

    const NESTED: &str = "From: a@example.org\r\nSubject: =?utf-8?q?Aanvraag_cli=C3=ABnt?=\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n\
--b1\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"brief.html\"\r\n\r\n<p>BSN&nbsp;111222333</p>\r\n\
--b1\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.org\r\nSubject: doorgestuurd\r\n\r\nIBAN NL91ABNA0417164300\r\n\
--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"x.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAAN\r\n\
--b1--\r\n";

    #[test]
    fn headers_bodies_attachments_and_nested_messages() {
        let text = extract_text(NESTED.as_bytes(), MediaType::Eml, &Limits::default()).unwrap();
        for part in [
            "a@example.org",
            "Aanvraag cliënt",
            "Zie bijlage.",
            "brief.html",
            "BSN\u{a0}111222333",
            "doorgestuurd",
            "NL91ABNA0417164300",
        ] {
            assert!(text.contains(part), "{part} in {text:?}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let limits = Limits { max_depth: 0, ..Limits::default() };
        let err = extract_text(NESTED.as_bytes(), MediaType::Eml, &limits).unwrap_err();
        assert!(matches!(err, ExtractError::TooDeep { .. }), "{err}");
    }
}
