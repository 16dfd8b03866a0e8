//! HTML: the text between the tags, character references decoded; scripts,
//! styles and comments left out; block elements on lines of their own.

use memchr::{memchr, memmem};

use super::{Budget, ExtractError};

/// Elements whose end (or start) breaks a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "title",
    "dt",
    "dd",
];
/// Elements between cells.
const CELLS: &[&str] = &["td", "th"];

pub(crate) fn extract(html: &str, budget: &mut Budget) -> Result<(), ExtractError> {
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let Some(lt) = memchr(b'<', &b[i..]).map(|k| i + k) else {
            text(&html[i..], budget)?;
            break;
        };
        text(&html[i..lt], budget)?;
        if b[lt..].starts_with(b"<!--") {
            i = memmem::find(&b[lt + 4..], b"-->").map_or(b.len(), |k| lt + 4 + k + 3);
            continue;
        }
        let Some(gt) = memchr(b'>', &b[lt..]).map(|k| lt + k) else { break };
        let tag = &html[lt + 1..gt];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        i = gt + 1;
        if !closing && (name == "script" || name == "style") {
            // Skip to the matching end tag (any case).
            let end_tag = format!("</{name}");
            let rest = html[i..].to_ascii_lowercase();
            i = rest.find(&end_tag).map_or(b.len(), |k| i + k);
            continue;
        }
        if BLOCKS.contains(&name.as_str()) {
            budget.push("\n")?;
        } else if CELLS.contains(&name.as_str()) && !closing {
            budget.push("\t")?;
        }
    }
    Ok(())
}

fn text(raw: &str, budget: &mut Budget) -> Result<(), ExtractError> {
    if raw.is_empty() {
        return Ok(());
    }
    budget.push(&html_escape::decode_html_entities(raw))
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, MediaType, extract_text};

    fn text(html: &str) -> String {
        extract_text(html.as_bytes(), MediaType::Html, &Limits::default()).unwrap()
    }

    #[test]
    fn strips_tags_scripts_and_comments() {
        let t = text(
            "<html><head><style>p{}</style><SCRIPT>var bsn=1;</script></head><body><!-- 111222333 -->\
                      <p>Cli&euml;nt &amp; <b>BSN</b>&nbsp;111<span>222</span>333</p><table><tr><td>a</td><td>b</td></tr></table>",
        );
        assert!(t.contains("Cliënt & BSN\u{a0}111222333"), "{t:?}");
        assert!(t.contains("\ta\tb"), "{t:?}");
        assert!(!t.contains("var") && !t.contains("p{}") && !t.contains("-->"), "{t:?}");
    }

    #[test]
    fn unterminated_markup_is_not_an_error() {
        assert_eq!(text("BSN 111222333 <b"), "BSN 111222333 ");
        assert_eq!(text("x <!-- never closed"), "x ");
        assert_eq!(text("<script>never closed"), "");
    }
}
