//! Runs the real `kluis` binary: `kluis send`, `kluis receive` and
//! `kluis store purge` through a folder store in a temporary folder. The
//! transfer password uses cheap Argon2 costs (the hidden `--argon2` option
//! of `kluis send`) so that the suite stays fast.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

const FAST: &str = "m=1024,t=1,p=1";
const PW_VAR: &str = "KLUIS_TEST_TRANSFER_PASSWORD";
const PASSWORD_LINE: &str = "Password for the recipient (tell it by phone or SMS, never by mail): ";
const FROM: &str = "ann@example.org";
const TO: &str = "bob@example.org";

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
}

impl From<Output> for Outcome {
    fn from(out: Output) -> Self {
        Outcome {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// `kluis ARGS` in `dir`, with no standard input (so never a terminal) and
/// none of the environment variables kluis reads.
fn kluis(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kluis"));
    cmd.current_dir(dir).args(args).stdin(Stdio::null());
    for var in [PW_VAR, "KLUIS_FROM", "EMAIL"] {
        cmd.env_remove(var);
    }
    cmd
}

fn run(cmd: &mut Command) -> Outcome {
    cmd.output().expect("the kluis binary runs").into()
}

/// Deterministic bytes that do not compress (xorshift), different per seed.
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// The names in `dir`, sorted (empty when it does not exist).
fn names(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> =
        entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A sent transfer, as the sender sees it.
struct Sent {
    link: String,
    id: String,
    password: String,
    out: Outcome,
}

/// `kluis send FILES --to TO --from FROM --store store EXTRA` in `dir` with
/// a generated password, which is read from standard error.
fn send(dir: &Path, files: &[&str], extra: &[&str]) -> Sent {
    let mut args = vec!["send"];
    args.extend_from_slice(files);
    args.extend_from_slice(&["--to", TO, "--from", FROM, "--store", "store", "--argon2", FAST]);
    args.extend_from_slice(extra);
    let out = run(&mut kluis(dir, &args));
    out.assert_code(0);
    let password = out
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix(PASSWORD_LINE))
        .unwrap_or_else(|| panic!("no password line in {}", out.stderr))
        .to_owned();
    let link = out
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("link:"))
        .unwrap_or_else(|| panic!("no link line in {}", out.stderr))
        .trim()
        .to_owned();
    let id = link.rsplit('/').next().expect("an id").to_owned();
    Sent { link, id, password, out }
}

/// `kluis receive LINK --password-env` with `password`, in `dir`.
fn receive(dir: &Path, link: &str, password: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["receive", link, "--password-env", PW_VAR];
    args.extend_from_slice(extra);
    run(kluis(dir, &args).env(PW_VAR, password))
}

/// A folder with `a/same.txt`, `b/same.txt`, `empty`, `big.bin` (200,000
/// bytes: several 64 KiB chunks) and `résumé ✓.txt`; returns the folder and
/// the files' paths and contents.
fn sample() -> (tempfile::TempDir, Vec<(&'static str, Vec<u8>)>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let files = vec![
        ("a/same.txt", b"first of two".to_vec()),
        ("b/same.txt", b"second of two".to_vec()),
        ("empty", Vec::new()),
        ("big.bin", data(200_000, 1)),
        ("résumé ✓.txt", "naïve café".as_bytes().to_vec()),
    ];
    for (path, content) in &files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        fs::write(path, content).expect("write");
    }
    (dir, files)
}

#[test]
fn the_dutch_and_english_notices_hold_the_link_and_nothing_confidential() -> TestResult {
    let (dir, files) = sample();
    let d = dir.path();
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    for (language, subject_line, phrase) in [
        ("en", "Subject: Encrypted files from ann@example.org\n\n", "it is not in this mail"),
        ("nl", "Subject: Versleutelde bestanden van ann@example.org\n\n", "Het staat niet in deze mail"),
    ] {
        let sent =
            send(d, &paths, &["--subject", "Quarterly figures", "--message", "Secret words", "--language", language]);
        let mail = &sent.out.stdout;
        assert!(mail.starts_with(subject_line), "{language}: {mail}");
        assert!(mail.contains(&format!("    {}\n", sent.link)), "{language}: {mail}");
        assert!(mail.contains(&format!("kluis receive {}", sent.link)), "{language}: {mail}");
        assert!(mail.contains(phrase), "{language}: {mail}");
        for secret in [&sent.password, "Quarterly", "Secret words", "same.txt", "big.bin", "résumé", "empty"] {
            assert!(!mail.contains(secret), "{language}: {secret:?} in the mail: {mail}");
        }
    }
    Ok(())
}

#[test]
fn several_files_round_trip_with_the_generated_password() -> TestResult {
    let (dir, files) = sample();
    let d = dir.path();
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    let message = "Bob, the confidential figures.\nSecond line.";
    let sent = send(d, &paths, &["--subject", "Quarterly figures", "--message", message]);

    // The generated password: six groups of four from the unambiguous alphabet.
    let groups: Vec<&str> = sent.password.split('-').collect();
    assert_eq!(groups.len(), 6, "{}", sent.password);
    assert!(groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| b"23456789abcdefghjkmnpqrstuvwxyz".contains(&b))));
    assert!(sent.link.starts_with("file:///"), "{}", sent.link);
    assert!(sent.out.stderr.contains(&format!("transfer: {}", sent.id)), "{}", sent.out.stderr);
    assert!(sent.out.stderr.contains("expires:  ") && sent.out.stderr.contains("(in 7 days)"), "{}", sent.out.stderr);

    // The mail text: the link and how to open it, no secret and nothing confidential.
    let mail = &sent.out.stdout;
    assert!(mail.starts_with("Subject: Encrypted files from ann@example.org\n\n"), "{mail}");
    assert!(mail.contains(&sent.link), "{mail}");
    assert!(mail.contains(&format!("kluis receive {}", sent.link)), "{mail}");
    assert!(mail.contains("by phone or by text message (SMS):\nit is not in this mail"), "{mail}");
    for secret in [&sent.password, "same.txt", "big.bin", "résumé", "empty", "confidential", "Second line", "Quarterly"]
    {
        assert!(!mail.contains(secret), "{secret:?} in the mail: {mail}");
    }

    // Sealed copies wait in unnamed temporary files: the store holds the transfer only.
    assert_eq!(names(&d.join("store")), std::slice::from_ref(&sent.id));

    let out = receive(d, &sent.link, &sent.password, &["-o", "received"]);
    out.assert_code(0);
    for shown in ["from ann@example.org", "to:       bob@example.org", "Quarterly figures", "    Bob, the confidential"]
    {
        assert!(out.stderr.contains(shown), "{shown:?} not in {}", out.stderr);
    }
    assert!(out.stderr.contains("same (2).txt") && out.stderr.contains("195.3 KiB"), "{}", out.stderr);
    let r = d.join("received");
    assert_eq!(names(&r), ["big.bin", "empty", "résumé ✓.txt", "same (2).txt", "same.txt"]);
    assert_eq!(fs::read(r.join("same.txt"))?, b"first of two");
    assert_eq!(fs::read(r.join("same (2).txt"))?, b"second of two");
    assert_eq!(fs::read(r.join("empty"))?, b"");
    assert_eq!(fs::read(r.join("big.bin"))?, files[3].1);
    assert_eq!(fs::read(r.join("résumé ✓.txt"))?, files[4].1);
    // One saved path per line on standard output, in the transfer's order.
    let saved: Vec<&str> = out.stdout.lines().collect();
    let expected: Vec<String> = ["same.txt", "same (2).txt", "empty", "big.bin", "résumé ✓.txt"]
        .iter()
        .map(|n| Path::new("received").join(n).display().to_string())
        .collect();
    assert_eq!(saved, expected);
    Ok(())
}

#[test]
fn json_output_of_send_and_receive() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("one.txt"), b"one")?;
    fs::write(d.join("two.bin"), data(70_000, 2))?;
    let common = ["send", "one.txt", "two.bin", "--to", "bob@example.org, carol@example.org", "--from", FROM];
    let mut args = common.to_vec();
    args.extend_from_slice(&["--store", "store", "--argon2", FAST, "--json", "--message", "secret note"]);
    let out = run(&mut kluis(d, &args));
    out.assert_code(0);
    assert!(!out.stderr.contains(PASSWORD_LINE), "the password belongs in the JSON: {}", out.stderr);
    let sent: Value = serde_json::from_str(&out.stdout)?;
    let password = sent["password"].as_str().ok_or("no password in the JSON")?;
    let link = sent["link"].as_str().ok_or("no link")?;
    let id = sent["id"].as_str().ok_or("no id")?;
    assert_eq!(sent["files"], 2);
    assert_eq!(sent["bytes"], 70_003);
    assert_eq!(sent["to"], serde_json::json!(["bob@example.org", "carol@example.org"]));
    assert!(link.ends_with(id) && link.starts_with("file:///"), "{link}");
    let expires = sent["expires_at"].as_str().ok_or("no expiry")?;
    assert!(expires.len() == 20 && expires.ends_with('Z'), "{expires}");
    assert!(sent["expires_at_unix"].as_u64().ok_or("no unix expiry")? > sent["stored_bytes"].as_u64().unwrap_or(0));
    let mail = sent["mail_text"].as_str().ok_or("no mail text")?;
    assert!(mail.contains(link) && !mail.contains(password) && !mail.contains("one.txt") && !mail.contains("secret"));
    assert_eq!(sent["mail_subject"], "Encrypted files from ann@example.org");

    let out = receive(d, link, password, &["--json", "-o", "in"]);
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let got: Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(got["id"], id);
    assert_eq!(got["from"], FROM);
    assert_eq!(got["message"], "secret note");
    assert_eq!(got["files"][0]["name"], "one.txt");
    assert_eq!(got["files"][1]["size"], 70_000);
    assert_eq!(got["files"][0]["sha256"], "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed");
    assert_eq!(got["saved"].as_array().map(Vec::len), Some(2));
    assert_eq!(fs::read(d.join("in/two.bin"))?, data(70_000, 2));

    // A password the sender chose is never printed, in JSON or otherwise.
    let chosen = "Tulpen fietsen 7 keer langs de Amstel";
    let mut args = common.to_vec();
    args.extend_from_slice(&["--store", "store", "--argon2", FAST, "--json", "--password-env", PW_VAR]);
    let out = run(kluis(d, &args).env(PW_VAR, chosen));
    out.assert_code(0);
    let sent: Value = serde_json::from_str(&out.stdout)?;
    assert!(sent.get("password").is_none(), "{sent}");
    assert!(!out.stdout.contains("Tulpen") && !out.stderr.contains("Tulpen"));
    let link = sent["link"].as_str().ok_or("no link")?;
    receive(d, link, chosen, &["-o", "chosen"]).assert_code(0);
    assert_eq!(fs::read(d.join("chosen/one.txt"))?, b"one");

    // Human output with a chosen password: no password line either.
    let mut args = common.to_vec();
    args.extend_from_slice(&["--store", "store", "--argon2", FAST, "--password-env", PW_VAR]);
    let out = run(kluis(d, &args).env(PW_VAR, chosen));
    out.assert_code(0);
    assert!(!out.stderr.contains(PASSWORD_LINE) && !out.stderr.contains("Tulpen"), "{}", out.stderr);

    // --quiet keeps what cannot be had otherwise: the generated password and the mail.
    let out = run(&mut kluis(
        d,
        &["send", "one.txt", "--to", TO, "--from", FROM, "--store", "store", "--argon2", FAST, "-q"],
    ));
    out.assert_code(0);
    let lines: Vec<&str> = out.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines.len() == 1 && lines[0].starts_with(PASSWORD_LINE), "{}", out.stderr);
    assert!(out.stdout.starts_with("Subject: Encrypted files from ann@example.org\n"), "{}", out.stdout);
    Ok(())
}

#[test]
fn wrong_password_exits_1_and_writes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    let sent = send(d, &["f.txt"], &[]);
    let out = receive(d, &sent.link, "k7mq-3xpz-h9wd-2rtf-bn4c-e8ya", &["-o", "out"]);
    out.assert_code(1);
    assert_eq!(out.stderr.trim_end(), "kluis: refused: wrong password");
    assert!(out.stdout.is_empty());
    assert!(!d.join("out").exists());
    // Also into the current folder: nothing new there.
    receive(d, &sent.link, "wrong", &[]).assert_code(1);
    assert_eq!(names(d), ["f.txt", "store"]);
    Ok(())
}

#[test]
fn expired_transfers_are_refused_with_their_date() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    let sent = send(d, &["f.txt"], &["--expires", "1s"]);
    std::thread::sleep(Duration::from_millis(1100));
    let out = receive(d, &sent.link, &sent.password, &["-o", "out"]);
    out.assert_code(1);
    assert!(out.stderr.starts_with("kluis: refused: the transfer expired at 20"), "{}", out.stderr);
    assert!(!d.join("out").exists());

    // The expiry that counts is the one sealed in the manifest: a store
    // that claims otherwise does not revive the transfer.
    fs::write(d.join("store").join(&sent.id).join("expires"), "99999999999\n")?;
    let out = receive(d, &sent.link, &sent.password, &["-o", "out"]);
    out.assert_code(1);
    assert!(out.stderr.contains("expired at"), "{}", out.stderr);
    assert!(!d.join("out").exists());
    Ok(())
}

#[test]
fn file_selects_files_by_their_listed_name() -> TestResult {
    let (dir, files) = sample();
    let d = dir.path();
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    let sent = send(d, &paths, &[]);

    let out = receive(d, &sent.link, &sent.password, &["-o", "sel", "--file", "same (2).txt", "--file", "big.bin"]);
    out.assert_code(0);
    assert_eq!(names(&d.join("sel")), ["big.bin", "same (2).txt"]);
    assert_eq!(fs::read(d.join("sel/same (2).txt"))?, b"second of two");
    assert!(out.stderr.contains("Saving 2 of 5 files."), "{}", out.stderr);

    let out = receive(d, &sent.link, &sent.password, &["-o", "none", "--file", "big.bin", "--file", "nope.txt"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains(r#"no file "nope.txt"; its files are "same.txt", "same (2).txt", "empty""#),
        "{}",
        out.stderr
    );
    assert!(!d.join("none").exists());
    Ok(())
}

#[test]
fn never_overwrites_without_force_and_saves_all_or_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("a.txt"), b"new a")?;
    fs::write(d.join("b.txt"), b"new b")?;
    let sent = send(d, &["a.txt", "b.txt"], &[]);
    fs::create_dir(d.join("out"))?;
    fs::write(d.join("out/b.txt"), b"mine")?;

    let out = receive(d, &sent.link, &sent.password, &["-o", "out"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("b.txt already exists (use --force to replace it): nothing was saved"),
        "{}",
        out.stderr
    );
    // a.txt, which did not exist, was not saved either.
    assert_eq!(names(&d.join("out")), ["b.txt"]);
    assert_eq!(fs::read(d.join("out/b.txt"))?, b"mine");

    receive(d, &sent.link, &sent.password, &["-o", "out", "--force"]).assert_code(0);
    assert_eq!(names(&d.join("out")), ["a.txt", "b.txt"]);
    assert_eq!(fs::read(d.join("out/b.txt"))?, b"new b");
    Ok(())
}

/// A name in DIR that is a symbolic link is written through (what it leads
/// to decides, by the rule of `kluis seal` and `kluis open`); one that is a
/// FIFO is written in place, never replaced.
#[cfg(unix)]
#[test]
fn receive_writes_through_links_and_into_fifos() -> TestResult {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let is_fifo = |path: &Path| fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo());
    let read_fifo = |path: &Path| {
        let path = path.to_path_buf();
        std::thread::spawn(move || fs::read(path))
    };
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("a.txt"), b"new a")?;
    fs::write(d.join("b.txt"), b"new b")?;
    let sent = send(d, &["a.txt", "b.txt"], &[]);
    fs::create_dir(d.join("out"))?;
    fs::create_dir(d.join("real"))?;
    fs::write(d.join("real/a.txt"), b"mine")?;
    symlink("../real/a.txt", d.join("out/a.txt"))?;
    let fifo = d.join("out/b.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status()?.success());

    // a.txt leads to an existing file: refused without --force, and nothing
    // is saved (the FIFO is not even opened).
    let out = receive(d, &sent.link, &sent.password, &["-o", "out"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("a.txt already exists (use --force to replace it): nothing was saved"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read(d.join("real/a.txt"))?, b"mine");

    // The FIFO alone needs no --force.
    let read = read_fifo(&fifo);
    receive(d, &sent.link, &sent.password, &["-o", "out", "--file", "b.txt"]).assert_code(0);
    // Checked before joining: a FIFO replaced by a file never gets a writer.
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    assert_eq!(read.join().expect("reader")?, b"new b");

    // With --force: the file the link leads to is replaced and the link
    // stays; the FIFO is written in place again.
    let read = read_fifo(&fifo);
    receive(d, &sent.link, &sent.password, &["-o", "out", "--force"]).assert_code(0);
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    assert_eq!(read.join().expect("reader")?, b"new b");
    assert_eq!(fs::read_link(d.join("out/a.txt"))?, Path::new("../real/a.txt"), "the link was replaced");
    assert_eq!(fs::read(d.join("real/a.txt"))?, b"new a");
    assert_eq!(names(&d.join("out")), ["a.txt", "b.txt"]);
    assert_eq!(names(&d.join("real")), ["a.txt"]);

    // A link to nothing is refused, even with --force: no file is created
    // through a link.
    fs::remove_file(d.join("out/a.txt"))?;
    symlink("../real/gone.txt", d.join("out/a.txt"))?;
    let out = receive(d, &sent.link, &sent.password, &["-o", "out", "--force", "--file", "a.txt"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("a.txt is a symbolic link to ../real/gone.txt, which does not exist")
            && out.stderr.contains("nothing was saved"),
        "{}",
        out.stderr
    );
    assert_eq!(names(&d.join("real")), ["a.txt"]);
    Ok(())
}

/// The blob files of a transfer, largest first (their sizes follow the
/// files' sizes).
fn blobs(store: &Path, id: &str) -> Vec<PathBuf> {
    let dir = store.join(id);
    let mut blobs: Vec<PathBuf> =
        names(&dir).into_iter().filter(|n| n != "manifest" && n != "expires").map(|n| dir.join(n)).collect();
    blobs.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
    blobs
}

#[test]
fn a_corrupted_blob_exits_1_and_saves_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("small.txt"), b"small and fine")?;
    fs::write(d.join("large.bin"), data(150_000, 3))?;
    // The damaged file comes second: the first, which verifies, must not be
    // saved either.
    let sent = send(d, &["small.txt", "large.bin"], &[]);
    let blob = blobs(&d.join("store"), &sent.id).into_iter().next().ok_or("no blob")?;
    let mut bytes = fs::read(&blob)?;
    let at = bytes.len() - 1000;
    bytes[at] ^= 0x40;
    fs::write(&blob, bytes)?;

    let out = receive(d, &sent.link, &sent.password, &["-o", "out"]);
    out.assert_code(1);
    assert!(out.stderr.contains(r#"kluis: refused: file 2 ("large.bin") failed verification"#), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    // The folder was created for the files, but holds nothing, not even the hidden staging folder.
    assert!(names(&d.join("out")).is_empty(), "{:?}", names(&d.join("out")));

    // A truncated blob too.
    let blob = blobs(&d.join("store"), &sent.id).into_iter().next().ok_or("no blob")?;
    let len = fs::metadata(&blob)?.len();
    fs::OpenOptions::new().write(true).open(&blob)?.set_len(len - 20)?;
    receive(d, &sent.link, &sent.password, &["-o", "out"]).assert_code(1);
    assert!(names(&d.join("out")).is_empty());
    // The undamaged file alone still comes through.
    receive(d, &sent.link, &sent.password, &["-o", "out", "--file", "small.txt"]).assert_code(0);
    assert_eq!(fs::read(d.join("out/small.txt"))?, b"small and fine");
    Ok(())
}

#[test]
fn concurrent_sends_into_one_store() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("one.bin"), data(300_000, 4))?;
    fs::write(d.join("two.bin"), data(300_000, 5))?;
    let spawn = |file: &str| {
        let args = ["send", file, "--to", TO, "--from", FROM, "--store", "store", "--argon2", FAST, "--json"];
        kluis(d, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()
    };
    let (first, second) = (spawn("one.bin")?, spawn("two.bin")?);
    let outs = [Outcome::from(first.wait_with_output()?), Outcome::from(second.wait_with_output()?)];
    let mut ids = Vec::new();
    for (out, (file, seed)) in outs.iter().zip([("one.bin", 4), ("two.bin", 5)]) {
        out.assert_code(0);
        let sent: Value = serde_json::from_str(&out.stdout)?;
        let (link, password) = (sent["link"].as_str().ok_or("link")?, sent["password"].as_str().ok_or("pw")?);
        let target = format!("from-{file}");
        receive(d, link, password, &["-o", &target]).assert_code(0);
        assert_eq!(fs::read(d.join(&target).join(file))?, data(300_000, seed));
        ids.push(sent["id"].as_str().ok_or("id")?.to_owned());
    }
    ids.sort();
    assert_eq!(names(&d.join("store")), ids);
    Ok(())
}

#[test]
fn store_purge_removes_expired_transfers_only() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    let short = send(d, &["f.txt"], &["--expires", "1s"]);
    let long = send(d, &["f.txt"], &["--expires", "2w"]);
    assert!(long.out.stderr.contains("(in 14 days)"), "{}", long.out.stderr);
    std::thread::sleep(Duration::from_millis(1100));

    let out = run(&mut kluis(d, &["store", "purge", "--store", "store", "--json"]));
    out.assert_code(0);
    let purged: Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(purged["removed"], 1);
    assert_eq!(purged["transfers"], serde_json::json!([short.id]));
    assert_eq!(names(&d.join("store")), std::slice::from_ref(&long.id));

    let out = receive(d, &short.link, &short.password, &[]);
    out.assert_code(1);
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
    // --quiet: the saved paths, nothing on standard error.
    let out = receive(d, &long.link, &long.password, &["-o", "out", "--quiet"]);
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_eq!(out.stdout, format!("{}\n", Path::new("out").join("f.txt").display()));

    let out = run(&mut kluis(d, &["store", "purge", "--store", "store"]));
    assert_eq!(out.assert_code(0).stdout.trim_end(), "removed 0 expired transfers from store");
    // A store that does not exist has nothing to purge, and is not created.
    let out = run(&mut kluis(d, &["store", "purge", "--store", "nowhere"]));
    assert_eq!(out.assert_code(0).stdout.trim_end(), "removed 0 expired transfers from nowhere");
    assert!(!d.join("nowhere").exists());
    Ok(())
}

#[test]
fn weak_chosen_passwords_are_refused_unless_allowed() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    let args = ["send", "f.txt", "--to", TO, "--from", FROM, "--store", "store", "--argon2", FAST];
    let mut weak = args.to_vec();
    weak.extend_from_slice(&["--password-env", PW_VAR]);
    // The last is built from the sender's address, which counts as known.
    for password in ["password123", "short", "ann@example.org!"] {
        let out = run(kluis(d, &weak).env(PW_VAR, password));
        out.assert_code(2);
        assert!(out.stderr.starts_with("kluis: password refused as too weak: "), "{}", out.stderr);
        assert!(out.stderr.contains("--allow-weak-password"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    assert!(names(&d.join("store")).is_empty());

    fs::write(d.join("pw.txt"), "password123\n")?;
    let mut allowed = args.to_vec();
    allowed.extend_from_slice(&["--password-file", "pw.txt", "--allow-weak-password", "--json"]);
    let out = run(&mut kluis(d, &allowed));
    out.assert_code(0);
    let sent: Value = serde_json::from_str(&out.stdout)?;
    receive(d, sent["link"].as_str().ok_or("link")?, "password123", &["-o", "out"]).assert_code(0);
    Ok(())
}

#[test]
fn message_from_a_file_or_standard_input() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    fs::write(d.join("note.txt"), "Dear Bob,\r\nsee attached.\r\n")?;
    let sent = send(d, &["f.txt"], &["--message-file", "note.txt"]);
    let out = receive(d, &sent.link, &sent.password, &["--json", "-o", "a"]);
    let got: Value = serde_json::from_str(&out.assert_code(0).stdout)?;
    assert_eq!(got["message"], "Dear Bob,\r\nsee attached.");

    let args = ["send", "f.txt", "--to", TO, "--from", FROM, "--store", "store", "--argon2", FAST, "--json"];
    let mut args = args.to_vec();
    args.extend_from_slice(&["--message-file", "-"]);
    let mut child = kluis(d, &args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    std::io::Write::write_all(&mut child.stdin.take().ok_or("stdin")?, b"from a pipe\n")?;
    let out = Outcome::from(child.wait_with_output()?);
    let sent: Value = serde_json::from_str(&out.assert_code(0).stdout)?;
    let (link, pw) = (sent["link"].as_str().ok_or("link")?, sent["password"].as_str().ok_or("pw")?);
    let got: Value = serde_json::from_str(&receive(d, link, pw, &["--json", "-o", "b"]).assert_code(0).stdout)?;
    assert_eq!(got["message"], "from a pipe");
    Ok(())
}

#[test]
fn the_sender_comes_from_the_environment_when_not_given() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    let args = ["send", "f.txt", "--to", TO, "--store", "store", "--argon2", FAST, "--json"];
    let out = run(&mut kluis(d, &args));
    out.assert_code(2);
    assert!(out.stderr.contains("no sender address: use --from"), "{}", out.stderr);
    let out = run(kluis(d, &args).env("EMAIL", "eve@example.org"));
    let sent: Value = serde_json::from_str(&out.assert_code(0).stdout)?;
    assert_eq!(sent["mail_subject"], "Encrypted files from eve@example.org");
    let out = run(kluis(d, &args).env("EMAIL", "eve@example.org").env("KLUIS_FROM", "kim@example.org"));
    let sent: Value = serde_json::from_str(&out.assert_code(0).stdout)?;
    assert_eq!(sent["mail_subject"], "Encrypted files from kim@example.org");
    Ok(())
}

#[test]
fn usage_errors_and_failures() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    fs::write(d.join("f.txt"), b"content")?;
    fs::create_dir(d.join("folder"))?;
    let send = |extra: &[&str]| {
        let mut args = vec!["send", "--from", FROM, "--argon2", FAST];
        args.extend_from_slice(extra);
        if !extra.contains(&"--store") {
            args.extend_from_slice(&["--store", "store"]);
        }
        run(&mut kluis(d, &args))
    };
    // (arguments, exit status, part of the message)
    let cases: &[(&[&str], i32, &str)] = &[
        (&["missing.txt", "--to", TO], 1, "cannot open missing.txt"),
        (&["folder", "--to", TO], 2, "folder is a folder"),
        (&["f.txt", "--to", "not-an-address"], 2, "not an address"),
        (&["f.txt", "--to", ","], 2, "no recipient address"),
        (&["f.txt", "--to", TO, "--expires", "91d"], 2, "longer than the limit of 90 days"),
        (&["f.txt", "--to", TO, "--expires", "soon"], 2, "not a duration"),
        (&["f.txt", "--to", TO, "--message", "bell\u{7}"], 2, "control characters"),
        (&["f.txt", "--to", TO, "--store", "f.txt"], 2, "is not a folder"),
        (&["f.txt", "--to", TO, "--password-env", "KLUIS_SURELY_UNSET"], 2, "is not set"),
    ];
    for (args, code, text) in cases {
        let out = send(args);
        out.assert_code(*code);
        assert!(out.stderr.contains(text), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // Nothing was stored by any of them.
    assert!(names(&d.join("store")).is_empty());

    let receive = |link: &str| run(&mut kluis(d, &["receive", link, "--password-env", "KLUIS_SURELY_UNSET"]));
    let id = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
    let store = fs::canonicalize(d)?.join("store");
    fs::create_dir_all(&store)?;
    let store_link = format!("file://{}/{id}", store.display());
    let cases: Vec<(String, i32, &str)> = vec![
        ("not a link".into(), 2, "not a transfer link"),
        // Plain http only to loopback hosts: refused before any request.
        (format!("http://kluis.example.org/t/{id}"), 2, "use https"),
        (format!("http://10.0.0.1:8080/t/{id}"), 2, "use https"),
        (format!("file:///surely/not/a/kluis/store/{id}"), 1, "not found: the store folder"),
        (store_link.clone(), 1, "not found: transfer aaaaaaaaaaaaaaaaaaaaaaaaaa is not in"),
        (format!("{store_link}?password=x"), 2, "no query"),
    ];
    for (link, code, text) in cases {
        let out = receive(&link);
        out.assert_code(code);
        assert!(out.stderr.contains(text), "{link}: {}", out.stderr);
    }

    // A transfer and no password: no terminal to ask on.
    let sent = self::send(d, &["f.txt"], &[]);
    let out = run(&mut kluis(d, &["receive", &sent.link]));
    out.assert_code(2);
    assert!(out.stderr.contains("no terminal") && out.stderr.contains("--password-env"), "{}", out.stderr);
    let out = run(&mut kluis(d, &["receive", &sent.link, "-o", "f.txt", "--password-env", PW_VAR]));
    out.assert_code(2);
    assert!(out.stderr.contains("f.txt is not a folder"), "{}", out.stderr);
    Ok(())
}

#[test]
fn help_shows_the_transfer_commands() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let help = |args: &[&str]| run(&mut kluis(dir.path(), args)).assert_code(0).stdout.clone();
    let top = help(&["--help"]);
    for word in ["send", "receive", "store"] {
        assert!(top.contains(word), "{word}");
    }
    let send = help(&["send", "--help"]);
    for word in [
        "--to",
        "--from",
        "--subject",
        "--message",
        "--message-file",
        "--expires",
        "--password-env",
        "--password-file",
        "--generate-password",
        "--allow-weak-password",
        "--store",
        "--json",
    ] {
        assert!(send.contains(word), "{word}");
    }
    assert!(!send.contains("--argon2") && !send.contains("--key-file"));
    let receive = help(&["receive", "--help"]);
    for word in ["--output", "--password-env", "--password-file", "--file", "--force", "--json"] {
        assert!(receive.contains(word), "{word}");
    }
    assert!(help(&["store", "purge", "--help"]).contains("--store"));
}
