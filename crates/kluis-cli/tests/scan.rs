//! `kluis scan` end to end: human and JSON output, standard input, exit
//! statuses, and the note `kluis send` prints.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn kluis(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kluis"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("brief.txt"), "Geachte heer,\nUw BSN is 111222333.\n").unwrap();
    std::fs::write(dir.path().join("agenda.html"), "<p>Vergadering om tien uur</p>").unwrap();
    std::fs::write(dir.path().join("foto.txt"), b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    dir
}

#[test]
fn json_lists_findings_with_the_fixed_fields() {
    let dir = setup();
    let out = kluis(dir.path(), &["scan", "brief.txt", "agenda.html", "--json"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sensitive"], true);
    let f = &v["findings"][0];
    assert_eq!((f["file"].as_str(), f["kind"].as_str()), (Some("brief.txt"), Some("bsn")));
    assert_eq!((f["start"].as_u64(), f["end"].as_u64()), (Some(24), Some(33)));
    assert_eq!(f["reason"], "contains a valid citizen service number (BSN)");
    assert_eq!(f["confidence"], 0.97);
    assert!(f["excerpt"].as_str().unwrap().contains("*******33"), "{f}");
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("111222333"));
}

#[test]
fn exit_statuses() {
    let dir = setup();
    let code = |args: &[&str], stdin: &[u8]| kluis(dir.path(), args, stdin).status.code();
    assert_eq!(code(&["scan", "brief.txt"], b""), Some(0));
    assert_eq!(code(&["scan", "brief.txt", "--fail-on-sensitive"], b""), Some(3));
    assert_eq!(code(&["scan", "agenda.html", "--fail-on-sensitive"], b""), Some(0));
    assert_eq!(code(&["scan", "missing.txt"], b""), Some(1));
    assert_eq!(code(&["scan", "foto.txt", "brief.txt", "--fail-on-sensitive"], b""), Some(1));
    assert_eq!(code(&["scan", "--no-such-flag"], b""), Some(2));
    assert_eq!(code(&["scan", "-", "-"], b""), Some(2));
    assert_eq!(code(&["scan", "-", "--fail-on-sensitive"], b"IBAN NL91ABNA0417164300"), Some(3));
    assert_eq!(code(&["scan", "--fail-on-sensitive"], b"niets bijzonders"), Some(0));
}

#[test]
fn human_output_masks_numbers_and_names_unreadable_files() {
    let dir = setup();
    let out = kluis(dir.path(), &["scan", "brief.txt", "foto.txt", "-"], b"rijbewijsnummer 5012345678");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("brief.txt:24-33: bsn: contains a valid citizen service number (BSN)"), "{stdout}");
    assert!(stdout.contains("-:16-26: driving_licence:"), "{stdout}");
    assert!(!stdout.contains("111222333") && !stdout.contains("5012345678"), "{stdout}");
    assert!(stderr.contains("cannot check foto.txt: not a document whose text can be read"), "{stderr}");
    let json = kluis(dir.path(), &["scan", "foto.txt", "--json"], b"");
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((v["sensitive"].as_bool(), v["errors"][0]["file"].as_str()), (Some(false), Some("foto.txt")));
}

#[test]
fn send_notes_that_the_transfer_protects_it() {
    let dir = setup();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let send = |file: &str, quiet: bool| {
        let mut args = vec![
            "send",
            file,
            "--to",
            "b@example.org",
            "--from",
            "a@example.org",
            "--store",
            store,
            "--argon2",
            "m=1024,t=1,p=1",
        ];
        if quiet {
            args.push("--quiet");
        }
        kluis(dir.path(), &args, b"")
    };
    let out = send("brief.txt", false);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kluis: note: brief.txt holds a citizen service number (BSN)."), "{stderr}");
    assert!(stderr.contains("encrypts it end to end"), "{stderr}");
    let clean = send("agenda.html", false);
    assert_eq!(clean.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&clean.stderr).contains("kluis: note:"));
    let quiet = send("brief.txt", true);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("note"));
}
