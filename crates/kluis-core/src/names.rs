//! File names: the one rule for a name that becomes a file (what a sealer
//! or sender may record, what a reader will create), and the name a reader
//! saves a file under (docs/TRANSFER.md §6.3). kluis-transfer, the CLI and
//! the bindings all use these functions; none has a list of its own.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Longest name in UTF-8 bytes: `NAME_MAX` of Linux file systems (ext4,
/// btrfs, XFS) and of APFS. It also keeps a name within NTFS's 255 UTF-16
/// units, since no character takes more UTF-16 units than UTF-8 bytes.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Longest name in UTF-16 units once decomposed (NFD): HFS+ stores names
/// decomposed and counts UTF-16 units (`Ǖ` is 2 bytes of UTF-8 but 3 units
/// decomposed).
pub const MAX_FILE_NAME_UTF16_NFD: usize = 255;

/// True for a character that is invisible or changes how the text around
/// it is displayed, so that a name holding it can look like another name:
/// the bidirectional controls (`U+202E` makes `invoice\u{202e}fdp.exe` show as
/// `invoiceexe.pdf`) and every other format character (general category
/// Cf: zero-width space, word joiner, byte order mark, soft hyphen, tags,
/// …), the line and paragraph separators (`U+2028`, `U+2029`), and the
/// code points Unicode reserves as default-ignorable for future invisible
/// characters. Not the zero-width non-joiner and joiner (`U+200C`,
/// `U+200D`): Persian, the Indic scripts and emoji sequences need them,
/// and they neither reorder text nor hide anything. Control characters
/// (Cc) are not included: [`file_name_problem`] refuses them on their own.
///
/// ```
/// use kluis_core::is_invisible_char;
/// assert!(is_invisible_char('\u{202e}')); // RIGHT-TO-LEFT OVERRIDE
/// assert!(is_invisible_char('\u{200b}')); // ZERO WIDTH SPACE
/// assert!(!is_invisible_char('\u{200d}')); // ZERO WIDTH JOINER
/// assert!(!is_invisible_char('é'));
/// ```
pub fn is_invisible_char(c: char) -> bool {
    match c.general_category() {
        GeneralCategory::Format => !matches!(c, '\u{200c}' | '\u{200d}'),
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => true,
        // Reserved as Default_Ignorable_Code_Point (DerivedCoreProperties.txt),
        // so whatever is assigned there later is invisible too.
        GeneralCategory::Unassigned => {
            matches!(c, '\u{2065}' | '\u{fff0}'..='\u{fff8}' | '\u{e0000}'..='\u{e0fff}')
        }
        _ => false,
    }
}

/// True when `name` can be used as a file name in a folder on any common
/// system: [`file_name_problem`] finds nothing.
///
/// ```
/// use kluis_core::is_plain_file_name;
/// assert!(is_plain_file_name("résumé.pdf"));
/// assert!(!is_plain_file_name("../etc/passwd"));
/// assert!(!is_plain_file_name("a\\b"));
/// assert!(!is_plain_file_name("C:evil"));
/// assert!(!is_plain_file_name("nul.txt"));
/// assert!(!is_plain_file_name("what?.txt"));
/// assert!(!is_plain_file_name("invoice\u{202e}fdp.exe"));
/// ```
pub fn is_plain_file_name(name: &str) -> bool {
    file_name_problem(name).is_none()
}

/// Why `name` cannot be a file name in a folder on every common system, or
/// `None` when it can (the one file-name rule of Kluis, docs/TRANSFER.md
/// §6.3): not empty, not `.` or `..`, no `/` or `\\`, no control
/// character, no invisible or bidirectional formatting character
/// ([`is_invisible_char`]), at most [`MAX_FILE_NAME_BYTES`] bytes of UTF-8
/// and [`MAX_FILE_NAME_UTF16_NFD`] UTF-16 units decomposed, and nothing
/// Windows refuses or reinterprets: `<>:"|?*` (a `:` names a drive or an
/// alternate data stream), a trailing dot or space (silently dropped), a
/// device name (`CON`, `PRN`, `AUX`, `NUL`, `CONIN$`, `CONOUT$`,
/// `COM0`–`COM9`, `COM¹`–`COM³`, `LPT0`–`LPT9`, `LPT¹`–`LPT³`, in any
/// case, with spaces before the dot and with any extension: `nul .txt`).
///
/// ```
/// use kluis_core::file_name_problem;
/// assert_eq!(file_name_problem("report.pdf"), None);
/// assert_eq!(file_name_problem("lpt0.txt"), Some("is a Windows device name"));
/// assert_eq!(file_name_problem("COM\u{b9}"), Some("is a Windows device name"));
/// ```
pub fn file_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Some("not a plain file name (empty, . or .., or contains / or \\)");
    }
    if name.chars().any(char::is_control) {
        return Some("contains control characters");
    }
    if name.chars().any(is_invisible_char) {
        return Some("contains an invisible or bidirectional formatting character");
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return Some("longer than 255 bytes of UTF-8");
    }
    if name.nfd().map(char::len_utf16).sum::<usize>() > MAX_FILE_NAME_UTF16_NFD {
        return Some("longer than 255 UTF-16 units once decomposed (HFS+)");
    }
    if name.contains(['<', '>', ':', '"', '|', '?', '*']) {
        return Some("contains a character Windows does not allow (<>:\"|?*)");
    }
    if name.ends_with(['.', ' ']) {
        return Some("ends with a dot or a space");
    }
    if is_windows_device(name) {
        return Some("is a Windows device name");
    }
    None
}

/// True when Windows opens a device for `name`: its part before the first
/// dot, without trailing spaces and in upper case (full Unicode mapping,
/// so the dotless `ı` of `conın$` counts as `I`), is a device name. The
/// digit of `COM` and `LPT` may be a superscript `¹`, `²` or `³`, which
/// Windows takes as a digit.
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper: String = stem.chars().flat_map(char::to_uppercase).collect();
    if matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$") {
        return true;
    }
    let Some(number) = upper.strip_prefix("COM").or_else(|| upper.strip_prefix("LPT")) else { return false };
    let mut digits = number.chars();
    matches!((digits.next(), digits.next()), (Some('0'..='9' | '\u{b9}' | '\u{b2}' | '\u{b3}'), None))
}

/// The name a reader saves a file recorded as `name` under, or why it
/// cannot: every [`is_invisible_char`] replaced by `_`, so that the name
/// shows what it is (`invoice\u{202e}fdp.exe` is saved as `invoice_fdp.exe`), and
/// a leading dot replaced by `_`, so that a sender cannot plant a hidden
/// file such as `.bashrc` (saved as `_bashrc`); the result must pass
/// [`file_name_problem`] (a path, a control character or a device name is
/// refused, not renamed).
///
/// ```
/// use kluis_core::save_name;
/// assert_eq!(save_name("report.pdf").as_deref(), Ok("report.pdf"));
/// assert_eq!(save_name(".bashrc").as_deref(), Ok("_bashrc"));
/// assert_eq!(save_name("invoice\u{202e}fdp.exe").as_deref(), Ok("invoice_fdp.exe"));
/// assert!(save_name("../x").is_err());
/// ```
pub fn save_name(name: &str) -> Result<String, &'static str> {
    let shown: String = name.chars().map(|c| if is_invisible_char(c) { '_' } else { c }).collect();
    let saved = match shown.strip_prefix('.') {
        // `..` stays, to be refused below.
        Some(rest) if !rest.is_empty() && shown != ".." => format!("_{rest}"),
        _ => shown,
    };
    match file_name_problem(&saved) {
        None => Ok(saved),
        Some(problem) => Err(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names() {
        for good in [
            "a",
            "résumé.pdf",
            "日本語.txt",
            "a b",
            ".profile",
            "..x",
            "console.txt",
            "com.txt",
            "compute",
            "COM10",
            "LPT",
            "com\u{b9}x",
            "COM\u{2074}",
            " CON",
            "می\u{200c}خواهم.txt",
            "👩\u{200d}💻.png",
            "❤\u{fe0f}.txt",
        ] {
            assert_eq!(file_name_problem(good), None, "{good:?}");
        }
        let bad = [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "a\\b",
            "/etc/passwd",
            "C:\\x",
            "a\0b",
            "a\nb",
            "\u{7f}",
            "\u{85}",
            "a:b",
            "file.txt:stream",
            "x.",
            "x..",
            "x ",
            "a?b",
            "<a>",
            "a|b",
            "a*",
        ];
        for name in bad {
            assert!(file_name_problem(name).is_some(), "{name:?}");
        }
    }

    #[test]
    fn bidi_and_invisible_characters_are_refused() {
        let bidi = [
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}',
            '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        let other = ['\u{200b}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{2028}', '\u{2029}', '\u{e0001}', '\u{2065}'];
        for c in bidi.into_iter().chain(other) {
            assert!(is_invisible_char(c), "{c:?}");
            let name = format!("invoice{c}fdp.exe");
            assert_eq!(
                file_name_problem(&name),
                Some("contains an invisible or bidirectional formatting character"),
                "{name:?}"
            );
            assert_eq!(save_name(&name).as_deref(), Ok("invoice_fdp.exe"), "{name:?}");
        }
        for visible in ['a', 'é', ' ', '\u{200c}', '\u{200d}', '\u{fe0f}', '\u{301}', '\u{a0}'] {
            assert!(!is_invisible_char(visible), "{visible:?}");
        }
    }

    #[test]
    fn windows_device_names_as_windows_reads_them() {
        let devices = [
            "con",
            "CON",
            "Con.txt",
            "CON.txt",
            "nul",
            "nul .txt",
            "NUL  .tar.gz",
            "prn.",
            "aux",
            "conin$",
            "CONOUT$.log",
            "con\u{131}n$",
            "com0",
            "com1.log",
            "COM9",
            "LPT9",
            "lpt0.txt",
            "COM\u{b9}",
            "COM\u{b2}",
            "com\u{b3}.txt",
            "LPT\u{b9}",
            "lpt\u{b2} .x",
            "LPT\u{b3}",
        ];
        for name in devices {
            assert!(is_windows_device(name), "{name:?}");
            assert!(file_name_problem(name).is_some(), "{name:?}");
        }
        for name in ["com10", "COM", "conx", "xcon", "LPT\u{2074}", "com\u{b9}\u{b9}", "nul_.txt", " nul", "auxiliary"]
        {
            assert!(!is_windows_device(name), "{name:?}");
        }
    }

    #[test]
    fn lengths_count_bytes_and_decomposed_utf16_units() {
        // 255 bytes of UTF-8, whatever the number of characters.
        assert_eq!(file_name_problem(&"x".repeat(255)), None);
        assert!(file_name_problem(&"x".repeat(256)).is_some());
        assert_eq!(file_name_problem(&"é".repeat(127)), None, "254 bytes");
        assert_eq!(file_name_problem(&"é".repeat(128)), Some("longer than 255 bytes of UTF-8"), "128 characters");
        // 63 emoji: 252 bytes, 126 UTF-16 units; 64 are 256 bytes.
        assert_eq!(file_name_problem(&"😀".repeat(63)), None);
        assert!(file_name_problem(&"😀".repeat(64)).is_some());
        // Within the bytes, too long for HFS+: Ǖ (U+01D5) is 2 bytes, 3 units decomposed.
        assert_eq!(file_name_problem(&"\u{1d5}".repeat(85)), None, "255 units");
        assert_eq!(
            file_name_problem(&"\u{1d5}".repeat(86)),
            Some("longer than 255 UTF-16 units once decomposed (HFS+)"),
            "172 bytes, 258 units"
        );
    }

    #[test]
    fn save_names() {
        assert_eq!(save_name(".bashrc").as_deref(), Ok("_bashrc"));
        assert_eq!(save_name("..x").as_deref(), Ok("_.x"));
        assert_eq!(save_name("\u{202e}").as_deref(), Ok("_"));
        assert_eq!(save_name(".\u{202e}txt").as_deref(), Ok("__txt"));
        assert_eq!(save_name("\u{feff}.gitconfig").as_deref(), Ok("_.gitconfig"));
        assert_eq!(save_name("a.txt").as_deref(), Ok("a.txt"));
        for refused in ["..", ".", "", "../x", "a\u{1b}[2J", "nul.txt", "COM\u{b9}", "x.", "\u{202e}."] {
            assert!(save_name(refused).is_err(), "{refused:?}");
        }
        // Whatever it returns passes the rule.
        for name in ["\u{2066}a\u{2069}.pdf", ".\u{200b}", "\u{ad}\u{ad}"] {
            assert!(is_plain_file_name(&save_name(name).unwrap()), "{name:?}");
        }
    }

    #[test]
    fn a_sealer_refuses_what_the_rule_refuses() {
        for name in ["invoice\u{202e}fdp.exe", "COM\u{b2}.txt", "a\u{200b}.pdf"] {
            let err = crate::SealOptions::default().with_metadata(&crate::Metadata::named(name)).unwrap_err();
            assert!(err.to_string().contains("not a plain file name"), "{name:?}: {err}");
        }
        assert!(crate::SealOptions::default().with_metadata(&crate::Metadata::named("ok.txt")).is_ok());
    }
}
