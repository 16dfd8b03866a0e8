//! The HTML alternative of a plain-text mail, made from the text itself so
//! that the two always say the same: paragraphs at blank lines, indented
//! lines (a link, a command) as code, links clickable. Everything is
//! escaped, non-ASCII as character references, and lines are kept short,
//! so the part travels as 7-bit text.
//!
//! ```
//! use kluis_server::mail::html::from_text;
//! let html = from_text("Hello,\n\nOpen:\n\n    https://kluis.example.org/t/x\n", "Files", Some("en"));
//! assert!(html.contains("<html lang=\"en\">"));
//! assert!(html.contains("<a href=\"https://kluis.example.org/t/x\">"));
//! ```

/// `text` escaped for HTML, non-ASCII as `&#N;`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push_str(&format!("&#{};", u32::from(c))),
        }
    }
    out
}

/// One line with its `http(s)://` links made clickable.
fn line(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.starts_with("https://") || word.starts_with("http://") {
            out.push_str(&format!("<a href=\"{0}\">\n{0}</a>", escape(word)));
        } else {
            out.push_str(&escape(word));
        }
    }
    out
}

/// The HTML document of a mail whose text is `text`.
pub fn from_text(text: &str, subject: &str, language: Option<&str>) -> String {
    let lang = language.map(|l| format!(" lang=\"{}\"", escape(l))).unwrap_or_default();
    let mut out = format!(
        "<!doctype html>\n<html{lang}>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n",
        escape(subject)
    );
    for paragraph in text.split("\n\n").map(|p| p.trim_matches('\n')).filter(|p| !p.trim().is_empty()) {
        let lines: Vec<&str> = paragraph.lines().collect();
        if lines.iter().all(|l| l.starts_with("    ")) {
            for l in lines {
                out.push_str(&format!("<p><code>{}</code></p>\n", line(l.trim())));
            }
        } else {
            let body: Vec<String> = lines.iter().map(|l| line(l.trim_end())).collect();
            out.push_str(&format!("<p>{}</p>\n", body.join("<br>\n")));
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_escaped_paragraphs() {
        let html = from_text("Dear <you> & é,\nline two\n\n    kluis receive 'x'\n", "S\u{1}", None);
        assert!(html.contains("<title>S </title>"), "{html}");
        assert!(html.contains("<p>Dear &lt;you&gt; &amp; &#233;,<br>\nline two</p>"), "{html}");
        assert!(html.contains("<p><code>kluis receive &#39;x&#39;</code></p>"), "{html}");
        assert!(html.is_ascii());
    }
}
