//! File names: what a sender may send, what a recipient may write, and
//! unique names for files that share one.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use crate::manifest::MAX_NAME_LEN;

/// A name that can be a file name in a folder on every common system;
/// what a sender may put into a manifest and what a recipient will create:
/// kluis-core's one rule ([`kluis_core::file_name_problem`]), with the
/// manifest's byte limit named.
pub(crate) fn check_file_name(name: &str) -> Result<(), String> {
    match kluis_core::file_name_problem(name) {
        None => Ok(()),
        Some(_) if name.len() > MAX_NAME_LEN && !name.chars().any(char::is_control) && !name.contains(['/', '\\']) => {
            Err(format!("{} bytes, above the limit of {MAX_NAME_LEN}", name.len()))
        }
        Some(problem) => Err(problem.into()),
    }
}

/// How two names compare on a case-insensitive, normalising file system
/// (macOS, Windows): NFC, then lower case.
fn fold(name: &str) -> String {
    name.nfc().collect::<String>().to_lowercase()
}

/// `report.pdf` → `report (n).pdf`; `notes` → `notes (n)`; `.x` (not
/// reached by a save name, see [`visible`]) → `.x (n)`.
fn numbered(name: &str, n: usize) -> String {
    match name.rfind('.') {
        Some(i) if i > 0 => format!("{} ({n}){}", &name[..i], &name[i..]),
        _ => format!("{name} ({n})"),
    }
}

/// The name a received file is saved under: a name that starts with a dot
/// (`.bashrc`, `.gitconfig`: hidden, and read by programs that trust them)
/// starts with `_` instead, so that a sender cannot plant a hidden file in
/// the recipient's folder (often their home folder).
fn visible(name: &str) -> String {
    match name.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None => name.to_owned(),
    }
}

/// Names to save the files under, one per file: each portable one made
/// [`visible`], and all different even on a case-insensitive file system:
/// the first file of a name keeps it, later ones get ` (2)`, ` (3)`, …
/// before the extension, skipping any name another file of the transfer
/// has.
pub(crate) fn unique_names(names: &[&str]) -> Vec<String> {
    // A name refused by check_file_name stays as it is, to be refused by it.
    let names: Vec<String> =
        names.iter().map(|&n| if check_file_name(n).is_ok() { visible(n) } else { n.to_owned() }).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let originals: HashSet<String> = names.iter().map(|n| fold(n)).collect();
    let mut taken = HashSet::new();
    // Per name (folded), the first number not yet tried: every smaller one
    // is taken for good, so each duplicate resumes where the last one
    // stopped (10,000 copies of one name cost 10,000 tries, not 50 million).
    let mut next: HashMap<String, usize> = HashMap::new();
    names
        .iter()
        .map(|&name| {
            let base = fold(name);
            if taken.insert(base.clone()) {
                return name.to_owned();
            }
            let start = next.get(&base).copied().unwrap_or(2);
            for n in start.. {
                let candidate = numbered(name, n);
                let key = fold(&candidate);
                if !originals.contains(&key) && taken.insert(key) {
                    next.insert(base, n + 1);
                    return candidate;
                }
            }
            name.to_owned()
        })
        .collect()
}

/// A media type guessed from the extension, for the common cases.
pub(crate) fn guess_media_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "eml" => "message/rfc822",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        for good in ["a", "résumé.pdf", "日本語.txt", "a b", ".profile", "..x", "console.txt", "com.txt", "compute"]
        {
            check_file_name(good).unwrap();
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
            "con",
            "CON.txt",
            "nul",
            "com1.log",
            "LPT9",
            "x.",
            "x..",
            "x ",
            "a?b",
            "<a>",
            "a|b",
            "a*",
        ];
        for name in bad {
            assert!(check_file_name(name).is_err(), "{name:?}");
        }
        assert!(check_file_name(&"x".repeat(255)).is_ok());
        assert!(check_file_name(&"é".repeat(128)).is_err());
    }

    #[test]
    fn unique() {
        let names = ["a.txt", "b.txt", "a.txt", "A.TXT", "a (2).txt", "notes", "notes", "caf\u{e9}", "cafe\u{301}"];
        let got = unique_names(&names);
        assert_eq!(
            got,
            [
                "a.txt",
                "b.txt",
                "a (3).txt",
                "A (4).TXT",
                "a (2).txt",
                "notes",
                "notes (2)",
                "caf\u{e9}",
                "cafe\u{301} (2)"
            ]
        );
        let folded: HashSet<_> = got.iter().map(|n| fold(n)).collect();
        assert_eq!(folded.len(), got.len());
        assert_eq!(unique_names(&[".profile", ".profile"]), ["_profile", "_profile (2)"]);
    }

    #[test]
    fn hidden_names_are_saved_visible() {
        assert_eq!(
            unique_names(&[".bashrc", ".gitconfig", "_bashrc", "a.txt", ".hidden.txt"]),
            ["_bashrc", "_gitconfig", "_bashrc (2)", "a.txt", "_hidden.txt"]
        );
    }

    #[test]
    fn many_copies_of_one_name_stay_linear() {
        let names = vec!["scan.pdf"; 10_000];
        let started = std::time::Instant::now();
        let got = unique_names(&names);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(got[0], "scan.pdf");
        assert_eq!(got[9_999], "scan (10000).pdf");
        let distinct: HashSet<String> = got.iter().map(|n| fold(n)).collect();
        assert_eq!(distinct.len(), 10_000);
    }

    #[test]
    fn media_types() {
        assert_eq!(guess_media_type("Report.PDF"), Some("application/pdf"));
        assert_eq!(guess_media_type("noext"), None);
        assert_eq!(guess_media_type("x.unknown"), None);
    }
}
