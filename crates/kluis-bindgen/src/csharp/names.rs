//! C# names for uniffi names, and XML doc comments from Rust docs.

use heck::{ToLowerCamelCase, ToUpperCamelCase};

/// C# keywords (contextual ones that cannot name a parameter are included).
const KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "class",
    "const",
    "continue",
    "decimal",
    "default",
    "delegate",
    "do",
    "double",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "float",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "int",
    "interface",
    "internal",
    "is",
    "lock",
    "long",
    "namespace",
    "new",
    "null",
    "object",
    "operator",
    "out",
    "override",
    "params",
    "private",
    "protected",
    "public",
    "readonly",
    "ref",
    "return",
    "sbyte",
    "sealed",
    "short",
    "sizeof",
    "stackalloc",
    "static",
    "string",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "unsafe",
    "ushort",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

/// Prefixes `@` to a C# keyword so that it can name a parameter or local.
pub(crate) fn escape(name: &str) -> String {
    if KEYWORDS.contains(&name) { format!("@{name}") } else { name.to_owned() }
}

/// A type, method, property or enum member: `seal_bytes` → `SealBytes`.
pub(crate) fn pascal(name: &str) -> String {
    // `heck` splits "Argon2Params" as "Argon2Params" and "m_kib" as "MKib".
    escape(&name.to_upper_camel_case())
}

/// A parameter or local: `input_path` → `inputPath`, `event` → `@event`.
pub(crate) fn camel(name: &str) -> String {
    escape(&name.to_lower_camel_case())
}

/// The exception class of a uniffi error: `KluisError` → `KluisException`,
/// `Oops` → `OopsException`.
pub(crate) fn exception(name: &str) -> String {
    let base = pascal(name);
    match base.strip_suffix("Error") {
        Some(stem) if !stem.is_empty() => format!("{stem}Exception"),
        _ if base.ends_with("Exception") => base,
        _ => format!("{base}Exception"),
    }
}

/// The interface of a trait or callback interface: `Transport` → `ITransport`.
pub(crate) fn interface(name: &str) -> String {
    format!("I{}", pascal(name))
}

/// A C# string literal.
pub(crate) fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One line of Rust doc markdown as XML doc text: escapes `&<>`, turns
/// `` `code` `` into `<c>code</c>` and intra-doc links `` [`x`] `` / `[x]`
/// into their text.
fn doc_line(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let (before, after) = rest.split_at(start);
        match after[1..].find('`') {
            Some(end) => {
                out.push_str(&links(&xml_escape(before)));
                out.push_str("<c>");
                out.push_str(&xml_escape(&after[1..=end]));
                out.push_str("</c>");
                rest = &after[end + 2..];
            }
            None => break,
        }
    }
    out.push_str(&links(&xml_escape(rest)));
    // `[<c>x</c>]` from an intra-doc link around code.
    out.replace("[<c>", "<c>").replace("</c>]", "</c>")
}

/// `[Name]` (an intra-doc link without a target) → `Name`.
fn links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('[') {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        match after.find(']') {
            Some(end)
                if !after[end + 1..].starts_with('(')
                    && after[1..end].chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':') =>
            {
                out.push_str(&after[1..end]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The lines of a `<summary>` for a Rust doc string (without the `///`).
/// Paragraphs are separated by `<para/>`, fenced code becomes `<code>`.
pub(crate) fn doc_lines(doc: &str) -> Vec<String> {
    let mut out = vec!["<summary>".to_owned()];
    let mut in_code = false;
    let mut pending_para = false;
    for raw in doc.trim().lines() {
        let line = raw.trim_end();
        if line.trim_start().starts_with("```") {
            if in_code {
                out.push("</code>".to_owned());
            } else {
                if pending_para {
                    out.push("<para/>".to_owned());
                    pending_para = false;
                }
                out.push("<code>".to_owned());
            }
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push(xml_escape(line));
        } else if line.trim().is_empty() {
            pending_para = true;
        } else {
            if pending_para {
                out.push("<para/>".to_owned());
                pending_para = false;
            }
            out.push(doc_line(line));
        }
    }
    if in_code {
        out.push("</code>".to_owned());
    }
    out.push("</summary>".to_owned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal("seal_bytes"), "SealBytes");
        assert_eq!(pascal("m_kib"), "MKib");
        assert_eq!(pascal("Argon2Params"), "Argon2Params");
        assert_eq!(pascal("guesses_log10"), "GuessesLog10");
        assert_eq!(camel("input_path"), "inputPath");
        assert_eq!(camel("event"), "@event");
        assert_eq!(camel("u8"), "u8");
        assert_eq!(exception("KluisError"), "KluisException");
        assert_eq!(exception("Oops"), "OopsException");
        assert_eq!(exception("Error"), "ErrorException");
        assert_eq!(interface("Transport"), "ITransport");
    }

    #[test]
    fn literals() {
        assert_eq!(string_literal("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(string_literal("ü"), "\"ü\"");
    }

    #[test]
    fn docs() {
        assert_eq!(
            doc_line("a `x<y>` & [`Transport`] or [Opener]."),
            "a <c>x&lt;y&gt;</c> &amp; <c>Transport</c> or Opener."
        );
        assert_eq!(doc_line("[a link](https://x)"), "[a link](https://x)");
        assert_eq!(
            doc_lines("One.\n\nTwo\n```text\n<x>\n```"),
            vec!["<summary>", "One.", "<para/>", "Two", "<code>", "&lt;x&gt;", "</code>", "</summary>"]
        );
    }
}
