//! The `--json` objects on standard output, written so that a terminal
//! shows them as they are.
//!
//! serde_json escapes only `"`, `\` and U+0000–U+001F; a name or subject
//! from a transfer may also hold DEL, C1 controls (U+0080–U+009F, some of
//! which a terminal takes as escape sequences) and bidirectional or
//! invisible formatting characters (`invoice\u{202e}fdp.exe` shows as
//! `invoiceexe.pdf`). Each of those is written as a JSON `\uXXXX` escape
//! (a surrogate pair above U+FFFF): the text a JSON parser reads is the
//! same, only its bytes on the terminal differ.

use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, Serializer};

use crate::cli_error::CliError;
use crate::human::is_unsafe_for_terminal;

/// Compact JSON (as `Value::to_string`) with every character that is
/// unsafe for a terminal escaped.
struct TerminalSafe;

impl Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe_for_terminal(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `value` as one line of compact JSON, safe to print on a terminal.
pub(crate) fn line(value: &Value) -> Result<String, CliError> {
    let mut out = Vec::new();
    value
        .serialize(&mut Serializer::with_formatter(&mut out, TerminalSafe))
        .map_err(|e| CliError::Failed(format!("writing JSON: {e}")))?;
    String::from_utf8(out).map_err(|e| CliError::Failed(format!("writing JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unsafe_characters_are_escaped_and_read_back_unchanged() -> Result<(), Box<dyn std::error::Error>> {
        let name = "invoice\u{202e}fdp.exe\u{9b}2J\u{7f}\u{200b}\u{e0001}\u{2028}\u{1b}[0m\n";
        let value = json!({"name": name, "plain": "résumé \u{200d} ✓", "n": 3});
        let text = line(&value)?;
        assert_eq!(
            text,
            r#"{"n":3,"name":"invoice\u202efdp.exe\u009b2J\u007f\u200b\udb40\udc01\u2028\u001b[0m\n","plain":"résumé ‍ ✓"}"#
        );
        assert!(!text.chars().any(is_unsafe_for_terminal), "{text:?}");
        let back: Value = serde_json::from_str(&text)?;
        assert_eq!(back, value);
        // Without an unsafe character, the same text as serde_json's own.
        let plain = json!({"a": ["x", 1, null, {"b": "ç\"\\"}]});
        assert_eq!(line(&plain)?, plain.to_string());
        Ok(())
    }
}
