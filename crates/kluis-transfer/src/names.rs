//! File names: what a sender may send, what a recipient may write, and
//! unique names for files that share one. The rule itself is kluis-core's
//! ([`kluis_core::file_name_problem`], [`kluis_core::save_name`]), the one
//! every front end uses.

use std::collections::{HashMap, HashSet};

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

/// A name that can be a file name in a folder on every common system;
/// what a sender may put into a manifest and what a recipient will create:
/// kluis-core's one rule ([`kluis_core::file_name_problem`]).
pub(crate) fn check_file_name(name: &str) -> Result<(), String> {
    match kluis_core::file_name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(problem.into()),
    }
}

/// How two names compare on a case-insensitive, normalising file system
/// (APFS, NTFS): Unicode canonical caseless matching (Unicode §3.13, D145),
/// NFD, full case folding, NFD again; so `aσ.txt`, `aς.txt` and `AΣ.TXT`
/// are one name, and so are `ß` and `SS`, the Kelvin sign `K` and `k`, and
/// `é` written as one character or as `e` and a combining accent.
fn fold(name: &str) -> String {
    name.nfd().default_case_fold().nfd().collect()
}

/// `report.pdf` → `report (n).pdf`; `notes` → `notes (n)`; `.x` (not
/// reached by a save name, see [`kluis_core::save_name`]) → `.x (n)`.
fn numbered(name: &str, n: usize) -> String {
    match name.rfind('.') {
        Some(i) if i > 0 => format!("{} ({n}){}", &name[..i], &name[i..]),
        _ => format!("{name} ({n})"),
    }
}

/// Names to save the files under, one per file: each made visible by
/// [`kluis_core::save_name`] (invisible characters and a leading dot shown
/// as `_`: `.bashrc` is saved as `_bashrc`, so that a sender cannot plant a
/// hidden file in the recipient's folder, often their home folder), and all
/// different even on a case-insensitive, normalising file system ([`fold`]):
/// the first file of a name keeps it, later ones get ` (2)`, ` (3)`, …
/// before the extension, skipping any name another file of the transfer
/// has.
pub(crate) fn unique_names(names: &[&str]) -> Vec<String> {
    // A name that cannot be saved stays as it is, to be refused by
    // check_file_name under the name the manifest gives.
    let names: Vec<String> = names.iter().map(|&n| kluis_core::save_name(n).unwrap_or_else(|_| n.to_owned())).collect();
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
    fn names_are_compared_with_full_case_folding() {
        assert_eq!(
            unique_names(&["a\u{3c3}.txt", "a\u{3c2}.txt", "A\u{3a3}.TXT"]),
            ["a\u{3c3}.txt", "a\u{3c2} (2).txt", "A\u{3a3} (3).TXT"]
        );
        assert_eq!(
            unique_names(&["stra\u{df}e.pdf", "STRASSE.PDF", "strasse.pdf"]),
            ["stra\u{df}e.pdf", "STRASSE (2).PDF", "strasse (3).pdf"]
        );
        assert_eq!(unique_names(&["\u{212a}.txt", "k.txt", "K.txt"]), ["\u{212a}.txt", "k (2).txt", "K (3).txt"]);
        // One character or a letter and a combining accent, in either case.
        assert_eq!(
            unique_names(&["\u{c9}t\u{e9}", "e\u{301}te\u{301}", "E\u{301}TE\u{301}"]),
            ["\u{c9}t\u{e9}", "e\u{301}te\u{301} (2)", "E\u{301}TE\u{301} (3)"]
        );
        // A numbered name is checked the same way: `a (2).txt` is taken as `A (2).TXT`.
        assert_eq!(
            unique_names(&["\u{3a3}.txt", "\u{3c2}.txt", "\u{3c3} (2).txt"]),
            ["\u{3a3}.txt", "\u{3c2} (3).txt", "\u{3c3} (2).txt"]
        );
        assert_eq!(fold("\u{1f88}"), fold("\u{1f00}\u{3b9}"), "full folding: one character becomes two");
    }

    #[test]
    fn invisible_characters_are_saved_visible() {
        assert_eq!(
            unique_names(&["invoice\u{202e}fdp.exe", "invoice_fdp.exe", "\u{2067}a\u{2069}.txt", ".\u{200b}x"]),
            ["invoice_fdp.exe", "invoice_fdp (2).exe", "_a_.txt", "__x"]
        );
        // A name refused for another reason keeps its name, to be refused.
        assert_eq!(unique_names(&["\u{202e}/x", "COM\u{b9}"]), ["\u{202e}/x", "COM\u{b9}"]);
        for name in ["\u{202e}/x", "COM\u{b9}", "lpt\u{b3}.txt", "nul .txt", "invoice\u{202e}fdp.exe"] {
            assert!(check_file_name(name).is_err(), "{name:?}");
        }
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
