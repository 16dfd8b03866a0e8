//! Text for people: sizes, relative times, terminal-safe strings and shell
//! quoting.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `0 bytes`, `1 byte`, `512 bytes`, `1.5 KiB`, `2.0 MiB`, `3.1 GiB`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return count(bytes, "byte", "bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `1 file`, `3 files`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A span of time, rounded to the largest unit that fits twice:
/// `7 days`, `36 hours`, `30 minutes`, `5 seconds`.
pub(crate) fn span(secs: u64) -> String {
    let round = |unit: u64| (secs + unit / 2) / unit;
    if secs >= 2 * 86_400 {
        count(round(86_400), "day", "days")
    } else if secs >= 2 * 3600 {
        count(round(3600), "hour", "hours")
    } else if secs >= 2 * 60 {
        count(round(60), "minute", "minutes")
    } else {
        count(secs, "second", "seconds")
    }
}

/// `in 7 days` or `3 hours ago`, for `at` seen from `now` (Unix seconds).
pub(crate) fn relative(at: u64, now: u64) -> String {
    if at >= now { format!("in {}", span(at - now)) } else { format!("{} ago", span(now - at)) }
}

/// True for characters that must not reach a terminal as they are:
/// control characters (escape sequences, carriage returns, ...) and the
/// characters a file name may not hold for the same reason: the
/// bidirectional and invisible formatting characters that can make
/// `gpj.exe` look like `exe.jpg` (kluis-core's one list,
/// [`kluis_core::is_invisible_char`]).
pub(crate) fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || kluis_core::is_invisible_char(c)
}

/// `text` with every character unsafe for a terminal written as `\u{..}`
/// (line breaks and tabs too: for one-line fields such as file names).
pub(crate) fn line(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`line`], but keeps line breaks and tabs (for the message).
pub(crate) fn paragraph(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_breaks: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe_for_terminal(c) && !(keep_breaks && matches!(c, '\n' | '\t'));
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(1023), "1023 bytes");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 << 20), "3.0 MiB");
        assert_eq!(size(u64::MAX), "16384.0 PiB");
    }

    #[test]
    fn spans() {
        assert_eq!(span(7 * 86_400 - 3), "7 days");
        assert_eq!(span(36 * 3600), "36 hours");
        assert_eq!(span(30 * 60), "30 minutes");
        assert_eq!(span(119), "119 seconds");
        assert_eq!(span(1), "1 second");
        assert_eq!(relative(100, 40), "in 60 seconds");
        assert_eq!(relative(40, 100), "60 seconds ago");
    }

    #[test]
    fn terminal_safety() {
        assert_eq!(line("résumé.pdf"), "résumé.pdf");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
        assert_eq!(line("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(line("x\u{202e}fdp.exe"), "x\\u{202e}fdp.exe");
        assert_eq!(line("two\nlines"), "two\\u{a}lines");
        assert_eq!(line("a\u{200b}b\u{2067}c\u{9b}d\u{200d}e"), "a\\u{200b}b\\u{2067}c\\u{9b}d\u{200d}e");
        assert_eq!(paragraph("two\nlines\r\tx"), "two\nlines\\u{d}\tx");
    }
}
