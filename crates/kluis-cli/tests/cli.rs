//! Runs the real `kluis` binary. Password slots use cheap Argon2 costs
//! (`--argon2 m=1024,t=1,p=1`) so that the suite stays fast.

mod forge;

use std::borrow::BorrowMut;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kluis_core::{Argon2Params, Key, Metadata, OpenLimits, SealOptions, Secret, open_file, seal_file};
use serde_json::Value;
use tempfile::TempDir;

const FAST: &str = "m=1024,t=1,p=1";
const PW_VAR: &str = "KLUIS_TEST_PASSWORD";

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// What a run of the binary gave.
struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Outcome {
    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "stderr: {}", self.stderr);
        self
    }
}

/// `kluis ARGS` in `dir`, with no standard input (so never a terminal).
fn kluis(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kluis"));
    cmd.current_dir(dir).args(args).stdin(Stdio::null()).env_remove(PW_VAR);
    cmd
}

/// Runs `cmd` (a `Command` or a `&mut Command`).
fn run(mut cmd: impl BorrowMut<Command>) -> Outcome {
    let out = cmd.borrow_mut().output().expect("the kluis binary runs");
    Outcome { code: out.status.code(), stdout: out.stdout, stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// Runs `cmd` with `input` on its standard input.
fn run_with_stdin(mut cmd: impl BorrowMut<Command>, input: &[u8]) -> Outcome {
    let mut child = cmd
        .borrow_mut()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kluis binary runs");
    let mut stdin = child.stdin.take().expect("piped");
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        // The child may stop reading early (an error): a broken pipe is fine.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("the kluis binary runs");
    feeder.join().expect("feeder thread");
    Outcome { code: out.status.code(), stdout: out.stdout, stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// Deterministic bytes that do not compress (xorshift).
fn data(len: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A folder holding `plain.bin` (100,000 bytes) and its envelope
/// `plain.bin.kluis` sealed with the password `pw` in 4 KiB chunks.
fn sealed(pw: &str) -> (TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plain = data(100_000);
    fs::write(dir.path().join("plain.bin"), &plain).expect("write");
    run(kluis(
        dir.path(),
        &[
            "seal",
            "plain.bin",
            "-o",
            "plain.bin.kluis",
            "--password-env",
            PW_VAR,
            "--argon2",
            FAST,
            "--chunk-size",
            "4K",
        ],
    )
    .env(PW_VAR, pw))
    .assert_code(0);
    (dir, plain)
}

fn write_key(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, content).expect("write key");
    path
}

#[test]
fn round_trip_with_password_env() -> TestResult {
    let (dir, plain) = sealed("correct horse");
    let d = dir.path();
    let envelope = fs::read(d.join("plain.bin.kluis"))?;
    assert!(envelope.starts_with(b"KLUIS\0\x01"));
    assert!(!envelope.windows(64).any(|w| w == &plain[..64]), "plaintext in the clear");

    let out =
        run(kluis(d, &["open", "plain.bin.kluis", "-o", "back.bin", "--password-env", PW_VAR])
            .env(PW_VAR, "correct horse"));
    out.assert_code(0);
    assert_eq!(fs::read(d.join("back.bin"))?, plain);
    assert!(out.stdout.is_empty());

    // An empty file goes through as well.
    fs::write(d.join("empty"), b"")?;
    run(kluis(d, &["seal", "empty", "-o", "empty.kluis", "--password-env", PW_VAR, "--argon2", FAST]).env(PW_VAR, "p"))
        .assert_code(0);
    run(kluis(d, &["open", "empty.kluis", "-o", "empty.out", "--password-env", PW_VAR]).env(PW_VAR, "p"))
        .assert_code(0);
    assert_eq!(fs::read(d.join("empty.out"))?, b"");
    Ok(())
}

#[test]
fn round_trip_with_password_file_strips_one_line_break() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let plain = data(10_000);
    fs::write(d.join("in"), &plain)?;
    fs::write(d.join("pw-lf"), "s3cret pass\n")?;
    fs::write(d.join("pw-crlf"), "s3cret pass\r\n")?;
    fs::write(d.join("pw-two"), "s3cret pass\n\n")?;

    run(kluis(d, &["seal", "in", "-o", "in.kluis", "--password-file", "pw-lf", "--argon2", FAST])).assert_code(0);
    run(kluis(d, &["open", "in.kluis", "-o", "a", "--password-file", "pw-crlf"])).assert_code(0);
    assert_eq!(fs::read(d.join("a"))?, plain);
    // The password is the text without its line break...
    run(kluis(d, &["open", "in.kluis", "-o", "b", "--password-env", PW_VAR]).env(PW_VAR, "s3cret pass")).assert_code(0);
    assert_eq!(fs::read(d.join("b"))?, plain);
    // ...and only one line break is removed.
    let out = run(kluis(d, &["open", "in.kluis", "-o", "c", "--password-file", "pw-two"]));
    out.assert_code(1);
    assert!(!d.join("c").exists());

    // An empty password file is refused before anything is written.
    fs::write(d.join("pw-empty"), "\n")?;
    let out = run(kluis(d, &["seal", "in", "-o", "e.kluis", "--password-file", "pw-empty", "--argon2", FAST]));
    out.assert_code(2);
    assert!(out.stderr.contains("empty"), "{}", out.stderr);
    assert!(!d.join("e.kluis").exists());
    Ok(())
}

#[test]
fn round_trip_with_key_files_raw_and_hex() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let plain = data(70_000);
    fs::write(d.join("in"), &plain)?;
    let raw: [u8; 32] = std::array::from_fn(|i| (i * 7 + 1) as u8);
    write_key(d, "raw.key", &raw);
    write_key(d, "hex.key", format!("{}\n", hex::encode(raw)).as_bytes());
    write_key(d, "HEX.key", hex::encode_upper(raw).as_bytes());

    run(kluis(d, &["seal", "in", "-o", "in.kluis", "--key-file", "raw.key"])).assert_code(0);
    run(kluis(d, &["open", "in.kluis", "-o", "from-hex", "--key-file", "hex.key"])).assert_code(0);
    assert_eq!(fs::read(d.join("from-hex"))?, plain);

    run(kluis(d, &["seal", "in", "-o", "in2.kluis", "--key-file", "HEX.key"])).assert_code(0);
    run(kluis(d, &["open", "in2.kluis", "-o", "from-raw", "--key-file", "raw.key"])).assert_code(0);
    assert_eq!(fs::read(d.join("from-raw"))?, plain);

    // A key slot has no Argon2 cost.
    let info: Value = serde_json::from_slice(&run(kluis(d, &["inspect", "in.kluis", "--json"])).assert_code(0).stdout)?;
    assert_eq!(info["slots"], serde_json::json!([{"kind": "key"}]));

    // Another key is the wrong secret.
    write_key(d, "other.key", &[9u8; 32]);
    let out = run(kluis(d, &["open", "in.kluis", "-o", "x", "--key-file", "other.key"]));
    out.assert_code(1);
    assert_eq!(out.stderr, "kluis: refused: wrong password or key\n");
    Ok(())
}

#[test]
fn bad_key_files_are_usage_errors() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("in"), b"x")?;
    write_key(d, "short.key", &[1u8; 31]);
    write_key(d, "long.key", &[1u8; 33]);
    write_key(d, "badhex.key", "zz".repeat(32).as_bytes());
    write_key(d, "shorthex.key", "ab".repeat(31).as_bytes());
    for key in ["short.key", "long.key", "badhex.key", "shorthex.key"] {
        let out = run(kluis(d, &["seal", "in", "-o", "out.kluis", "--key-file", key]));
        out.assert_code(2);
        assert!(out.stderr.contains("32 raw bytes or 64 hexadecimal characters"), "{key}: {}", out.stderr);
        assert!(!d.join("out.kluis").exists(), "{key}");
    }
    // A key file that cannot be read is an I/O failure.
    run(kluis(d, &["seal", "in", "-o", "out.kluis", "--key-file", "missing.key"])).assert_code(1);
    assert_eq!(names(d), ["badhex.key", "in", "long.key", "short.key", "shorthex.key"]);
    Ok(())
}

#[test]
fn stdin_and_stdout_with_dash() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let plain = data(200_000);

    let sealed = run_with_stdin(
        kluis(d, &["seal", "-", "-o", "-", "--password-env", PW_VAR, "--argon2", FAST]).env(PW_VAR, "pipe"),
        &plain,
    );
    sealed.assert_code(0);
    assert!(sealed.stdout.starts_with(b"KLUIS\0"));
    assert!(names(d).is_empty(), "{:?}", names(d));

    let opened = run_with_stdin(
        kluis(d, &["open", "-", "-o", "-", "--password-env", PW_VAR]).env(PW_VAR, "pipe"),
        &sealed.stdout,
    );
    opened.assert_code(0);
    assert_eq!(opened.stdout, plain);

    // Standard input has no name to record: without -o there is nowhere to write.
    fs::write(d.join("e.kluis"), &sealed.stdout)?;
    let out = run(kluis(d, &["open", "e.kluis", "--password-env", PW_VAR]).env(PW_VAR, "pipe"));
    out.assert_code(2);
    assert!(out.stderr.contains("no file name") && out.stderr.contains("-o"), "{}", out.stderr);
    assert_eq!(names(d), ["e.kluis"]);

    // ...unless --name gives one; a file from standard input records no size.
    let named = run_with_stdin(
        kluis(d, &["seal", "-", "-o", "n.kluis", "--name", "piped.dat", "--password-env", PW_VAR, "--argon2", FAST])
            .env(PW_VAR, "pipe"),
        &plain,
    );
    named.assert_code(0);
    let meta = open_file(d.join("n.kluis"), d.join("n.out"), &Secret::password("pipe"), &OpenLimits::default())?;
    assert_eq!(meta.as_ref().and_then(|m| m.name.as_deref()), Some("piped.dat"));
    assert_eq!(meta.as_ref().and_then(|m| m.size), None);
    assert_eq!(fs::read(d.join("n.out"))?, plain);
    Ok(())
}

#[test]
fn open_without_output_uses_the_recorded_name() -> TestResult {
    let (dir, plain) = sealed("pw");
    let d = dir.path();
    let elsewhere = tempfile::tempdir()?;
    let out = run(kluis(elsewhere.path(), &["open"])
        .arg(d.join("plain.bin.kluis"))
        .args(["--password-env", PW_VAR])
        .env(PW_VAR, "pw"));
    out.assert_code(0);
    assert_eq!(names(elsewhere.path()), ["plain.bin"]);
    assert_eq!(fs::read(elsewhere.path().join("plain.bin"))?, plain);
    assert!(out.stderr.contains("wrote plain.bin"), "{}", out.stderr);

    // --name replaces the recorded name; --quiet silences the note.
    run(kluis(
        d,
        &["seal", "plain.bin", "-o", "n.kluis", "--name", "renamed.txt", "--password-env", PW_VAR, "--argon2", FAST],
    )
    .env(PW_VAR, "pw"))
    .assert_code(0);
    let out = run(kluis(elsewhere.path(), &["--quiet", "open"])
        .arg(d.join("n.kluis"))
        .args(["--password-env", PW_VAR])
        .env(PW_VAR, "pw"));
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(fs::read(elsewhere.path().join("renamed.txt"))?, plain);

    // A --name with a folder part is refused when sealing.
    let out = run(kluis(d, &["seal", "plain.bin", "-o", "bad.kluis", "--name", "a/b", "--password-env", PW_VAR])
        .env(PW_VAR, "pw"));
    out.assert_code(2);
    assert!(!d.join("bad.kluis").exists());
    Ok(())
}

#[test]
fn forged_envelope_with_a_plain_name_opens() -> TestResult {
    // Validates the test forger against the real reader.
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let key = [5u8; 32];
    write_key(d, "k", &key);
    fs::write(d.join("ok.kluis"), forge::key_envelope(&key, r#"{"name":"ok.txt","size":5}"#, b"hello"))?;
    run(kluis(d, &["open", "ok.kluis", "--key-file", "k"])).assert_code(0);
    assert_eq!(fs::read(d.join("ok.txt"))?, b"hello");
    Ok(())
}

#[test]
fn unsafe_recorded_names_are_refused() -> TestResult {
    let root = tempfile::tempdir()?;
    let work = root.path().join("work");
    fs::create_dir_all(work.join("sub"))?;
    let key = [5u8; 32];
    write_key(root.path(), "k", &key);
    for name in
        ["../evil", "sub/evil", "/tmp/kluis-evil-test", "..", "a\\evil", "C:evil", "nul.txt", "esc\u{1b}[2J", "dot."]
    {
        let json = serde_json::json!({ "name": name }).to_string();
        fs::write(root.path().join("evil.kluis"), forge::key_envelope(&key, &json, b"pwned"))?;
        let out = run(kluis(&work, &["open", "../evil.kluis", "--key-file", "../k"]));
        // kluis-core opens the envelope (readers accept any recorded name);
        // the CLI refuses to turn the name into a path: a usage error, since
        // -o OUTPUT would choose a name.
        out.assert_code(2);
        assert!(out.stderr.starts_with("kluis: ") && out.stderr.contains("not a plain file name"), "{}", out.stderr);
        assert!(!root.path().join("evil").exists(), "{name}");
        assert!(!work.join("sub/evil").exists(), "{name}");
        assert!(!Path::new("/tmp/kluis-evil-test").exists(), "{name}");
        assert_eq!(names(&work), ["sub"], "{name}");
        assert!(names(&work.join("sub")).is_empty(), "{name}");
        assert_eq!(names(root.path()), ["evil.kluis", "k", "work"], "{name}");
    }
    Ok(())
}

#[test]
fn never_overwrites_without_force() -> TestResult {
    let (dir, plain) = sealed("pw");
    let d = dir.path();
    fs::write(d.join("taken"), b"keep me")?;

    let out = run(kluis(d, &["open", "plain.bin.kluis", "-o", "taken", "--password-env", PW_VAR]).env(PW_VAR, "pw"));
    out.assert_code(2);
    assert!(out.stderr.contains("already exists") && out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(fs::read(d.join("taken"))?, b"keep me");

    // The recorded name is protected the same way (plain.bin exists here).
    fs::write(d.join("plain.bin"), b"also keep")?;
    run(kluis(d, &["open", "plain.bin.kluis", "--password-env", PW_VAR]).env(PW_VAR, "pw")).assert_code(2);
    assert_eq!(fs::read(d.join("plain.bin"))?, b"also keep");

    run(kluis(d, &["open", "plain.bin.kluis", "-o", "taken", "--force", "--password-env", PW_VAR]).env(PW_VAR, "pw"))
        .assert_code(0);
    assert_eq!(fs::read(d.join("taken"))?, plain);
    run(kluis(d, &["open", "plain.bin.kluis", "-f", "--password-env", PW_VAR]).env(PW_VAR, "pw")).assert_code(0);
    assert_eq!(fs::read(d.join("plain.bin"))?, plain);
    assert_eq!(names(d), ["plain.bin", "plain.bin.kluis", "taken"]);
    Ok(())
}

#[test]
fn wrong_password_exits_1_and_leaves_nothing() -> TestResult {
    let (dir, _) = sealed("right");
    let d = dir.path();
    for output in [&["-o", "out"][..], &[]] {
        let out =
            run(kluis(d, &["open", "plain.bin.kluis", "--password-env", PW_VAR]).args(output).env(PW_VAR, "wrong"));
        out.assert_code(1);
        assert_eq!(out.stderr, "kluis: refused: wrong password or key\n");
        assert_eq!(names(d), ["plain.bin", "plain.bin.kluis"], "no output and no .kluis-*.part file");
    }
    Ok(())
}

#[test]
fn damaged_envelopes_exit_1_and_leave_nothing() -> TestResult {
    let (dir, plain) = sealed("pw");
    let d = dir.path();
    let envelope = fs::read(d.join("plain.bin.kluis"))?;
    let info: Value = serde_json::from_slice(&run(kluis(d, &["inspect", "plain.bin.kluis", "--json"])).stdout)?;
    let header_len = usize::try_from(info["header_len"].as_u64().ok_or("header_len")?)?;

    let mut flipped = envelope.clone();
    flipped[header_len + 50_000] ^= 1;
    let cases = [
        // 100,000 bytes in 4 KiB chunks: the final chunk is 1,696 + 16 bytes.
        ("truncated", envelope[..envelope.len() - 1712].to_vec(), "truncated"),
        ("cut", envelope[..envelope.len() - 100].to_vec(), "chunk"),
        ("header-only", envelope[..header_len].to_vec(), "truncated"),
        ("flipped", flipped, "chunk 12 failed to authenticate"),
        ("not-an-envelope", plain.clone(), "not a Kluis envelope"),
    ];
    for (name, bytes, reason) in cases {
        fs::write(d.join(name), &bytes)?;
        let out = run(kluis(d, &["open", name, "-o", "out", "--password-env", PW_VAR]).env(PW_VAR, "pw"));
        out.assert_code(1);
        assert!(out.stderr.starts_with("kluis: refused: ") && out.stderr.contains(reason), "{name}: {}", out.stderr);
        assert!(!d.join("out").exists(), "{name}");
        assert!(!names(d).iter().any(|n| n.ends_with(".part")), "{name}: {:?}", names(d));
        fs::remove_file(d.join(name))?;
    }
    // To standard output, what authenticated before the damage may have been
    // written, but the exit status says it is incomplete.
    let out = run_with_stdin(
        kluis(d, &["open", "-", "-o", "-", "--password-env", PW_VAR]).env(PW_VAR, "pw"),
        &envelope[..envelope.len() - 4112],
    );
    out.assert_code(1);
    assert!(out.stdout.len() < plain.len() && plain.starts_with(&out.stdout));
    Ok(())
}

#[test]
fn no_secret_and_no_terminal_is_a_usage_error() -> TestResult {
    let (dir, _) = sealed("pw");
    let d = dir.path();
    for args in [&["seal", "plain.bin", "-o", "new.kluis"][..], &["open", "plain.bin.kluis", "-o", "out"]] {
        let out = run(kluis(d, args));
        out.assert_code(2);
        assert!(out.stderr.contains("no terminal") && out.stderr.contains("--password-env"), "{}", out.stderr);
        assert_eq!(names(d), ["plain.bin", "plain.bin.kluis"]);
    }
    Ok(())
}

#[test]
fn generated_password_is_printed_and_opens_the_envelope() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let plain = data(5000);
    fs::write(d.join("in"), &plain)?;
    let out = run(kluis(d, &["seal", "in", "-o", "in.kluis", "--generate-password", "--argon2", FAST]));
    out.assert_code(0);
    assert!(out.stdout.is_empty());
    let line = out.stderr.lines().find_map(|l| l.strip_prefix("password: ")).ok_or("no password line")?;
    let groups: Vec<&str> = line.split('-').collect();
    assert!(groups.len() >= 5 && groups.iter().all(|g| (4..=5).contains(&g.len())), "{line}");
    let symbols: String = groups.concat();
    assert!(symbols.len() >= 21);
    assert!(symbols.bytes().all(|b| b"23456789abcdefghjkmnpqrstuvwxyz".contains(&b)), "{line}");

    run(kluis(d, &["open", "in.kluis", "-o", "out", "--password-env", PW_VAR]).env(PW_VAR, line)).assert_code(0);
    assert_eq!(fs::read(d.join("out"))?, plain);

    // Two runs give two passwords.
    let again = run(kluis(d, &["seal", "in", "-o", "in2.kluis", "--generate-password", "--argon2", FAST]));
    assert!(!again.assert_code(0).stderr.contains(line));
    Ok(())
}

#[test]
fn inspect_text_and_json() -> TestResult {
    let (dir, _) = sealed("pw");
    let d = dir.path();
    let text = run(kluis(d, &["inspect", "plain.bin.kluis"]));
    text.assert_code(0);
    let text = String::from_utf8(text.stdout)?;
    assert!(text.starts_with("Kluis envelope, format version 1\n"), "{text}");
    assert!(text.contains("chunk size:    4096 bytes (4 KiB)"), "{text}");
    assert!(text.contains("1: password, Argon2id m=1024,t=1,p=1"), "{text}");

    let json = run(kluis(d, &["inspect", "plain.bin.kluis", "--json"]));
    json.assert_code(0);
    let info: Value = serde_json::from_slice(&json.stdout)?;
    let lib = kluis_core::inspect(fs::File::open(d.join("plain.bin.kluis"))?)?;
    assert_eq!(info["version"], 1);
    assert_eq!(info["chunk_size"], 4096);
    assert_eq!(info["header_len"], lib.header_len);
    assert_eq!(info["metadata_len"], lib.metadata_len);
    assert!(lib.metadata_len > 0);
    assert_eq!(info["slots"], serde_json::json!([{"kind": "password", "argon2": {"m_kib": 1024, "t": 1, "p": 1}}]));
    assert!(text.contains(&format!("header length: {} bytes", lib.header_len)), "{text}");

    // From standard input too; and a file that is no envelope is refused.
    let piped = run_with_stdin(kluis(d, &["inspect", "-", "--json"]), &fs::read(d.join("plain.bin.kluis"))?);
    assert_eq!(serde_json::from_slice::<Value>(&piped.assert_code(0).stdout)?, info);
    let out = run(kluis(d, &["inspect", "plain.bin"]));
    out.assert_code(1);
    assert!(out.stderr.contains("refused: not a Kluis envelope"), "{}", out.stderr);
    Ok(())
}

#[test]
fn cli_and_library_interoperate() -> TestResult {
    let (dir, plain) = sealed("shared");
    let d = dir.path();
    let secret = Secret::password("shared");

    // Sealed by the CLI, opened by the library: with name, size and time.
    let meta = open_file(d.join("plain.bin.kluis"), d.join("lib-out"), &secret, &OpenLimits::default())?
        .ok_or("no metadata")?;
    assert_eq!(fs::read(d.join("lib-out"))?, plain);
    assert_eq!(meta.name.as_deref(), Some("plain.bin"));
    assert_eq!(meta.size, Some(plain.len() as u64));
    let modified = meta.modified.ok_or("no modified time")?;
    let bytes = modified.as_bytes();
    assert!(modified.len() == 20 && bytes[4] == b'-' && bytes[10] == b'T' && modified.ends_with('Z'), "{modified}");

    // Sealed by the library, opened by the CLI.
    let options = SealOptions::default()
        .with_argon2(Argon2Params::INSECURE_TEST)?
        .with_metadata(&Metadata::named("from-lib.bin").with_size(plain.len() as u64))?;
    seal_file(d.join("plain.bin"), d.join("lib.kluis"), &[secret, Secret::Key(Key::from_bytes([3; 32]))], &options)?;
    run(kluis(d, &["open", "lib.kluis", "--password-env", PW_VAR]).env(PW_VAR, "shared")).assert_code(0);
    assert_eq!(fs::read(d.join("from-lib.bin"))?, plain);
    write_key(d, "k", &[3; 32]);
    run(kluis(d, &["open", "lib.kluis", "-o", "via-key", "--key-file", "k"])).assert_code(0);
    assert_eq!(fs::read(d.join("via-key"))?, plain);
    Ok(())
}

#[test]
fn bad_argon2_and_chunk_size_are_usage_errors() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("in"), b"x")?;
    let bad: &[&[&str]] = &[
        &["--argon2", "m=1024,t=1"],
        &["--argon2", "fast"],
        &["--argon2", "m=4,t=1,p=1"],
        &["--argon2", "m=4194304,t=1,p=1"],
        &["--argon2", "m=1024,t=0,p=1"],
        &["--chunk-size", "1000"],
        &["--chunk-size", "2048"],
        &["--chunk-size", "32M"],
        &["--chunk-size", "lots"],
    ];
    for args in bad {
        let out =
            run(kluis(d, &["seal", "in", "-o", "out.kluis", "--password-env", PW_VAR]).args(*args).env(PW_VAR, "p"));
        out.assert_code(2);
        assert!(!d.join("out.kluis").exists(), "{args:?}");
    }
    for (size, expected) in [("4096", 4096), ("64K", 65536), ("1M", 1 << 20)] {
        run(kluis(
            d,
            &[
                "seal",
                "in",
                "-o",
                "ok.kluis",
                "--force",
                "--chunk-size",
                size,
                "--password-env",
                PW_VAR,
                "--argon2",
                FAST,
            ],
        )
        .env(PW_VAR, "p"))
        .assert_code(0);
        let info: Value = serde_json::from_slice(&run(kluis(d, &["inspect", "ok.kluis", "--json"])).stdout)?;
        assert_eq!(info["chunk_size"], expected, "{size}");
    }
    Ok(())
}

#[test]
fn conflicting_options_are_usage_errors() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("in"), b"x")?;
    write_key(d, "k", &[1; 32]);
    let conflicts: &[&[&str]] = &[
        &["seal", "in", "-o", "o", "--password-env", PW_VAR, "--key-file", "k"],
        &["seal", "in", "-o", "o", "--generate-password", "--password-env", PW_VAR],
        &["seal", "in", "-o", "o", "--key-file", "k", "--argon2", FAST],
        &["open", "in", "-o", "o", "--password-file", "k", "--key-file", "k"],
        &["open", "in", "-o", "o", "--generate-password"],
        &["seal", "in", "--key-file", "k"],
    ];
    for args in conflicts {
        run(kluis(d, args).env(PW_VAR, "p")).assert_code(2);
        assert_eq!(names(d), ["in", "k"], "{args:?}");
    }
    Ok(())
}

#[test]
fn failed_seal_leaves_no_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let seal = |input: &str| {
        run(kluis(d, &["seal", input, "-o", "out.kluis", "--force", "--password-env", PW_VAR, "--argon2", FAST])
            .env(PW_VAR, "p"))
    };
    let out = seal("missing");
    out.assert_code(1);
    assert!(out.stderr.contains("missing"), "{}", out.stderr);
    fs::create_dir(d.join("folder"))?;
    seal("folder").assert_code(2);
    assert_eq!(names(d), ["folder"]);

    // An existing output is replaced (with --force) only by a complete envelope.
    fs::write(d.join("out.kluis"), b"old")?;
    if cfg!(target_os = "linux") {
        // Opens fine, then fails on the first read: the envelope's header is
        // already being written when the input fails.
        let out = seal("/proc/self/mem");
        out.assert_code(1);
        assert!(out.stderr.contains("reading /proc/self/mem"), "{}", out.stderr);
        assert_eq!(fs::read(d.join("out.kluis"))?, b"old");
        assert_eq!(names(d), ["folder", "out.kluis"]);
    }
    fs::write(d.join("in"), b"new")?;
    seal("in").assert_code(0);
    assert_ne!(fs::read(d.join("out.kluis"))?, b"old");

    // Sealing a file onto itself is refused, even with --force.
    let out = run(kluis(d, &["seal", "in", "-o", "in", "--force", "--password-env", PW_VAR]).env(PW_VAR, "p"));
    out.assert_code(2);
    assert!(out.stderr.contains("the same file"), "{}", out.stderr);
    assert_eq!(fs::read(d.join("in"))?, b"new");
    Ok(())
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = run(kluis(dir.path(), &["--help"]));
    let help = String::from_utf8_lossy(&out.assert_code(0).stdout).into_owned();
    for word in ["seal", "open", "inspect", "--quiet", "Exit status"] {
        assert!(help.contains(word), "{word}");
    }
    let out = run(kluis(dir.path(), &["seal", "--help"]));
    let help = String::from_utf8_lossy(&out.assert_code(0).stdout).into_owned();
    for word in
        ["--password-env", "--password-file", "--key-file", "--generate-password", "--chunk-size", "--argon2", "--name"]
    {
        assert!(help.contains(word), "{word}");
    }
    assert!(String::from_utf8_lossy(&run(kluis(dir.path(), &["--version"])).stdout).starts_with("kluis "));
    run(kluis(dir.path(), &[])).assert_code(2);
}
