//! Names that deceive (issue 12, finding 6), through the real `kluis`
//! binary: an envelope (`kluis open`) and a transfer (`kluis receive`)
//! made by hand, as a hostile sender would, with names an honest sender
//! refuses to send: a bidirectional override (`invoice\u{202e}fdp.exe`
//! shows as `invoiceexe.pdf`), invisible characters, terminal escapes,
//! device names Windows reads through a superscript digit.

mod forge;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::SystemTime;

use kluis_core::{Argon2Params, Key, SealOptions, Secret, seal_bytes};
use kluis_transfer::{BlobId, BlobName, DirectoryTransport, Link, TransferId, Transport, unix_seconds};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PW_VAR: &str = "KLUIS_TEST_NAMES_PASSWORD";
const PASSWORD: &str = "zwaluw-kompas-9-tegelvloer-okapi";
const DECEIVING: &str = "invoice\u{202e}fdp.exe";

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// What a run of the binary gave.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    /// Neither output holds a character a terminal would act on or that
    /// reorders text: what the recipient reads is what the names are.
    #[track_caller]
    fn assert_terminal_safe(&self) -> &Self {
        for (what, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let bad: Vec<char> = text.chars().filter(|&c| (c.is_control() && c != '\n') || is_deceiving(c)).collect();
            assert!(bad.is_empty(), "{what} holds {bad:?}: {text:?}");
        }
        self
    }
}

/// The Bidi_Control characters and the invisible ones these tests use,
/// listed here rather than taken from kluis-core, so that the tests do not
/// depend on the list they check.
fn is_deceiving(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}'
    )
}

/// `kluis ARGS` in `dir`, with no standard input and the transfer password
/// in the environment.
fn run(dir: &Path, args: &[&str]) -> Outcome {
    let out = Command::new(env!("CARGO_BIN_EXE_kluis"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .env(PW_VAR, PASSWORD)
        .output()
        .expect("the kluis binary runs");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 on stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 on stderr"),
    }
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("a UTF-8 name"))
        .collect();
    names.sort();
    names
}

/// Writes into the folder store `store` a transfer holding `files` (name,
/// contents), built by hand as docs/TRANSFER.md describes it, and returns
/// its link.
fn craft(store: &Path, files: &[(&str, &[u8])]) -> Result<String, Box<dyn std::error::Error>> {
    fs::create_dir_all(store)?;
    let transport = DirectoryTransport::open(store)?;
    let id = TransferId::generate()?;
    let now = unix_seconds(SystemTime::now());
    let mut entries = Vec::new();
    for (name, data) in files {
        let key = Key::generate()?;
        let blob = BlobId::generate()?;
        let envelope = seal_bytes(data, &[Secret::Key(key.clone())], &SealOptions::default())?;
        transport.put_range(&id, &BlobName::File(blob), 0, &envelope)?;
        transport.finish_blob(&id, &BlobName::File(blob), envelope.len() as u64)?;
        entries.push(json!({
            "blob": blob.to_string(), "name": name, "size": data.len(),
            "sha256": hex::encode(Sha256::digest(data)), "key": key.to_hex().as_str(),
        }));
    }
    let manifest = json!({
        "version": 1, "transfer": id.to_string(), "from": "mallory@example.org", "to": ["bob@example.org"],
        "subject": "Factuur \u{202e}fdp.exe", "created": now, "expires": now + 3600, "files": entries,
    });
    let options = SealOptions::default().with_argon2(Argon2Params::INSECURE_TEST)?;
    let sealed = seal_bytes(manifest.to_string().as_bytes(), &[Secret::password(PASSWORD)], &options)?;
    transport.put_range(&id, &BlobName::Manifest, 0, &sealed)?;
    transport.finish_blob(&id, &BlobName::Manifest, sealed.len() as u64)?;
    transport.finish_transfer(&id, now + 3600)?;
    Ok(Link::directory(store, id)?.to_string())
}

#[test]
fn open_writes_a_deceiving_recorded_name_visible() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let key = [9u8; 32];
    fs::write(d.join("k"), key)?;
    fs::create_dir(d.join("out"))?;
    for (recorded, written) in
        [(DECEIVING, "invoice_fdp.exe"), (".bashrc", "_bashrc"), ("\u{2067}scan\u{2069}\u{200b}.pdf", "_scan__.pdf")]
    {
        let metadata = json!({ "name": recorded }).to_string();
        fs::write(d.join("e.kluis"), forge::key_envelope(&key, &metadata, b"payload"))?;
        let out = run(&d.join("out"), &["open", "../e.kluis", "--key-file", "../k"]);
        out.assert_code(0).assert_terminal_safe();
        assert!(out.stderr.contains(&format!("wrote {written}")), "{recorded:?}: {}", out.stderr);
        assert_eq!(fs::read(d.join("out").join(written))?, b"payload", "{recorded:?}");
    }
    assert_eq!(names(&d.join("out")), ["_bashrc", "_scan__.pdf", "invoice_fdp.exe"]);
    Ok(())
}

#[test]
fn open_refuses_names_windows_reads_as_devices_and_quotes_them_safely() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let key = [9u8; 32];
    fs::write(d.join("k"), key)?;
    fs::create_dir(d.join("out"))?;
    for recorded in ["COM\u{b9}", "lpt\u{b3}.txt", "nul .txt", "CON.txt", "\u{202e}/x", "x\u{1b}]0;pwned\u{7}.txt"] {
        let metadata = json!({ "name": recorded }).to_string();
        fs::write(d.join("e.kluis"), forge::key_envelope(&key, &metadata, b"payload"))?;
        let out = run(&d.join("out"), &["open", "../e.kluis", "--key-file", "../k"]);
        out.assert_code(2).assert_terminal_safe();
        assert!(out.stderr.contains("not a plain file name") && out.stderr.contains("-o OUTPUT"), "{}", out.stderr);
        assert!(names(&d.join("out")).is_empty(), "{recorded:?}");
    }
    Ok(())
}

#[test]
fn receive_saves_deceiving_names_visible_and_shows_them_escaped() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let files: [(&str, &[u8]); 4] =
        [(DECEIVING, b"MZ"), ("a\u{3c3}.txt", b"sigma"), ("A\u{3a3}.TXT", b"capital"), ("a\u{3c2}.txt", b"final")];
    let link = craft(&d.join("store"), &files)?;

    fs::create_dir(d.join("human"))?;
    let out = run(&d.join("human"), &["receive", &link, "--password-env", PW_VAR]);
    out.assert_code(0).assert_terminal_safe();
    // Saved under the names listed, one per file even where a
    // case-insensitive file system would see one name (σ, Σ and ς fold alike).
    let saved = ["invoice_fdp.exe", "a\u{3c3}.txt", "A\u{3a3} (2).TXT", "a\u{3c2} (3).txt"];
    let mut expected: Vec<String> = saved.iter().map(|n| (*n).to_owned()).collect();
    expected.sort();
    assert_eq!(names(&d.join("human")), expected);
    for ((_, data), name) in files.iter().zip(saved) {
        assert_eq!(fs::read(d.join("human").join(name))?, *data, "{name}");
        assert!(out.stderr.contains(name), "{name} listed: {}", out.stderr);
        assert!(out.stdout.contains(name), "{name} printed: {}", out.stdout);
    }
    assert!(out.stderr.contains("subject:  Factuur \\u{202e}fdp.exe"), "{}", out.stderr);

    // --json: the manifest's name as it is, its override escaped as JSON
    // (\u202e), and the name saved.
    fs::create_dir(d.join("json"))?;
    let out = run(&d.join("json"), &["receive", &link, "--password-env", PW_VAR, "--json"]);
    out.assert_code(0).assert_terminal_safe();
    assert!(out.stdout.contains(r#""name":"invoice\u202efdp.exe""#), "{}", out.stdout);
    let json: Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(json["files"][0]["name"], DECEIVING);
    assert_eq!(json["files"][0]["save_name"], "invoice_fdp.exe");
    assert_eq!(json["subject"], "Factuur \u{202e}fdp.exe");
    assert_eq!(json["saved"].as_array().map(Vec::len), Some(4));
    assert_eq!(names(&d.join("json")), expected);
    Ok(())
}

#[test]
fn receive_refuses_a_name_that_cannot_be_saved_and_quotes_it_safely() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let hostile = "x\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}.txt";
    let link = craft(&d.join("store"), &[("ok.txt", b"fine"), (hostile, b"bad"), ("COM\u{b2}.log", b"device")])?;
    fs::create_dir(d.join("out"))?;

    let out = run(&d.join("out"), &["receive", &link, "--password-env", PW_VAR]);
    out.assert_code(2).assert_terminal_safe();
    assert!(out.stderr.contains("not a plain file name") && out.stderr.contains("nothing was saved"), "{}", out.stderr);
    assert!(out.stderr.contains(r"x\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}.txt"), "listed escaped: {}", out.stderr);
    assert!(names(&d.join("out")).is_empty());

    // --file saves the others; the JSON lists every file, escaped.
    let out = run(&d.join("out"), &["receive", &link, "--password-env", PW_VAR, "--file", "ok.txt", "--json"]);
    out.assert_code(0).assert_terminal_safe();
    let json: Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(json["files"][1]["name"], hostile);
    assert_eq!(json["files"][1]["path"], Value::Null);
    assert_eq!(json["files"][2]["name"], "COM\u{b2}.log");
    assert_eq!(names(&d.join("out")), ["ok.txt"]);
    Ok(())
}

#[test]
fn error_lines_are_escaped_whatever_they_quote() -> TestResult {
    // An error that quotes a path as it is (here: an output that exists).
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let key = [9u8; 32];
    fs::write(d.join("k"), key)?;
    fs::write(d.join("e.kluis"), forge::key_envelope(&key, r#"{"name":"a.txt"}"#, b"payload"))?;
    let taken = "taken\u{1b}[2J\u{202e}txt.exe";
    fs::write(d.join(taken), b"keep")?;
    let out = run(d, &["open", "e.kluis", "-o", taken, "--key-file", "k"]);
    out.assert_code(2).assert_terminal_safe();
    assert!(out.stderr.contains(r"taken\u{1b}[2J\u{202e}txt.exe already exists"), "{}", out.stderr);
    assert_eq!(fs::read(d.join(taken))?, b"keep");
    Ok(())
}

#[test]
fn send_refuses_a_deceiving_local_name_and_quotes_it_safely() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    for name in [DECEIVING, "COM\u{b9}", "scan\u{200b}.pdf"] {
        fs::write(d.join(name), b"x")?;
        let args = ["send", name, "--to", "bob@example.org", "--from", "ann@example.org", "--store", "store"];
        let out = run(d, &[&args[..], &["--argon2", "m=1024,t=1,p=1"]].concat());
        out.assert_code(2).assert_terminal_safe();
        assert!(out.stderr.contains("refused"), "{name:?}: {}", out.stderr);
        assert!(!d.join("store").exists() || names(&d.join("store")).is_empty(), "{name:?}: nothing stored");
    }
    Ok(())
}
