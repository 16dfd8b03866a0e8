//! Where `kluis seal` and `kluis open` write: one rule (kluis-core's
//! `OutputFile`). A file appears only once complete and an existing one is
//! replaced only with --force; a FIFO, a device and /dev/stdout are written
//! in place and never replaced; a symbolic link is written through. Unix
//! only.
//!
//! Safe to run as root: device nodes are made in temporary folders
//! (`mknod NODE c 1 3`, skipped without the privilege), and before a test
//! writes through a link to the real /dev/null or to the real /dev/stdout,
//! it checks the same on a private node or link, so that a regression fails
//! there instead of replacing the machine's device.

#![cfg(unix)]

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::{self, JoinHandle};

use kluis_core::{Key, OpenLimits, Secret, open_bytes};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const RAW_KEY: [u8; 32] = [7; 32];

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

/// `kluis ARGS --key-file k` in `dir`, with no standard input.
fn kluis(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kluis"));
    cmd.current_dir(dir).args(args).args(["--key-file", "k"]).stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Outcome {
    let out = cmd.output().expect("the kluis binary runs");
    Outcome { code: out.status.code(), stdout: out.stdout, stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// A folder with the key file `k`, `plain.bin` (100,000 bytes) and its
/// envelope `plain.kluis`.
fn folder() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    fs::write(d.join("k"), RAW_KEY).expect("key");
    let plain: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    fs::write(d.join("plain.bin"), &plain).expect("plain");
    run(&mut kluis(d, &["seal", "plain.bin", "-o", "plain.kluis"])).assert_code(0);
    (dir, plain)
}

/// Opens `envelope` with the key of [`folder`].
fn opened(envelope: &[u8]) -> Vec<u8> {
    open_bytes(envelope, &Secret::Key(Key::from_bytes(RAW_KEY)), &OpenLimits::default()).expect("opens").0
}

fn mkfifo(path: &Path) -> PathBuf {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
    path.to_path_buf()
}

/// A character device like /dev/null (1, 3) at `path`; None without the
/// privilege to make one.
fn mknod_null(path: &Path) -> Option<PathBuf> {
    let made = Command::new("mknod").arg(path).args(["c", "1", "3"]).status().is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: cannot make a device node (not root?)");
    }
    made.then(|| path.to_path_buf())
}

/// Reads everything from the FIFO `path` on another thread; started before
/// the writer, which waits for a reader when it opens the FIFO.
fn reader(path: &Path) -> JoinHandle<io::Result<Vec<u8>>> {
    let path = path.to_path_buf();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        File::open(path)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    })
}

fn is_fifo(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn is_char_device(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

/// The names in `dir`, sorted (no `.kluis-*.part` may be left among them).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn seal_and_open_write_a_fifo_in_place() -> TestResult {
    let (dir, plain) = folder();
    let d = dir.path();
    let fifo = mkfifo(&d.join("pipe"));

    // No --force needed: a FIFO is written, not replaced.
    let read = reader(&fifo);
    run(&mut kluis(d, &["seal", "plain.bin", "-o", "pipe"])).assert_code(0);
    // Checked before joining: a FIFO replaced by a file never gets a writer.
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    assert_eq!(opened(&read.join().expect("reader")?), plain);

    for force in [&[][..], &["--force"]] {
        let read = reader(&fifo);
        run(kluis(d, &["open", "plain.kluis", "-o", "pipe"]).args(force)).assert_code(0);
        assert!(is_fifo(&fifo), "the FIFO was replaced ({force:?})");
        assert_eq!(read.join().expect("reader")?, plain, "{force:?}");
    }
    assert_eq!(names(d), ["k", "pipe", "plain.bin", "plain.kluis"]);
    Ok(())
}

#[test]
fn seal_and_open_write_a_device_in_place() -> TestResult {
    let (dir, _) = folder();
    let d = dir.path();
    let Some(node) = mknod_null(&d.join("null")) else { return Ok(()) };
    let rdev = fs::metadata(&node)?.rdev();
    run(&mut kluis(d, &["seal", "plain.bin", "-o", "null"])).assert_code(0);
    run(&mut kluis(d, &["open", "plain.kluis", "-o", "null"])).assert_code(0);
    assert!(is_char_device(&node), "the device node was replaced");
    assert_eq!(fs::metadata(&node)?.rdev(), rdev);
    assert_eq!(names(d), ["k", "null", "plain.bin", "plain.kluis"]);
    Ok(())
}

#[test]
fn a_symbolic_link_to_dev_null_is_written_through() -> TestResult {
    let (dir, _) = folder();
    let d = dir.path();
    // First a private device (or FIFO) behind a link: a regression fails
    // here, before the real /dev/null is written to.
    let (private, fifo_reader) = match mknod_null(&d.join("null")) {
        Some(node) => (node, None),
        None => {
            let fifo = mkfifo(&d.join("pipe"));
            let read = reader(&fifo);
            (fifo, Some(read))
        }
    };
    symlink(&private, d.join("guard"))?;
    run(&mut kluis(d, &["seal", "plain.bin", "-o", "guard"])).assert_code(0);
    assert_eq!(fs::read_link(d.join("guard"))?, private, "the link was replaced");
    assert!(is_char_device(&private) || is_fifo(&private), "the private node was replaced");
    if let Some(read) = fifo_reader {
        assert!(!read.join().expect("reader")?.is_empty());
    }

    let dev_null = Path::new("/dev/null");
    let before = fs::symlink_metadata(dev_null)?;
    assert!(before.file_type().is_char_device(), "/dev/null is not a character device before the test");
    symlink(dev_null, d.join("to-null"))?;
    run(&mut kluis(d, &["seal", "plain.bin", "-o", "to-null"])).assert_code(0);
    run(&mut kluis(d, &["open", "plain.kluis", "-o", "to-null"])).assert_code(0);
    assert_eq!(fs::read_link(d.join("to-null"))?, dev_null, "the link was replaced");
    let after = fs::symlink_metadata(dev_null)?;
    assert!(after.file_type().is_char_device(), "/dev/null was replaced");
    assert_eq!((after.rdev(), after.ino(), after.mode()), (before.rdev(), before.ino(), before.mode()));
    Ok(())
}

#[test]
fn dev_stdout_is_standard_output_whatever_it_is() -> TestResult {
    let (dir, plain) = folder();
    let d = dir.path();
    let dev_stdout = Path::new("/dev/stdout");
    let before = fs::symlink_metadata(dev_stdout)?;

    // First through a private link to /dev/stdout: a regression replaces
    // that link, and fails here.
    symlink(dev_stdout, d.join("guard"))?;
    let out = run(&mut kluis(d, &["seal", "plain.bin", "-o", "guard"]));
    out.assert_code(0);
    assert_eq!(fs::read_link(d.join("guard"))?, dev_stdout, "the link was replaced");
    assert_eq!(opened(&out.stdout), plain);

    // To a pipe.
    let out = run(&mut kluis(d, &["seal", "plain.bin", "-o", "/dev/stdout"]));
    out.assert_code(0);
    assert_eq!(opened(&out.stdout), plain);
    let out = run(&mut kluis(d, &["open", "plain.kluis", "-o", "/dev/stdout"]));
    out.assert_code(0);
    assert_eq!(out.stdout, plain);

    // To a regular file that the caller opened (`> file`, `>> file`):
    // written where the descriptor stands, no --force needed, never replaced.
    fs::write(d.join("log"), b"kept\n")?;
    let inode = fs::metadata(d.join("log"))?.ino();
    let log = File::options().append(true).open(d.join("log"))?;
    run(kluis(d, &["open", "plain.kluis", "-o", "/dev/stdout"]).stdout(log)).assert_code(0);
    let written = fs::read(d.join("log"))?;
    assert_eq!(fs::metadata(d.join("log"))?.ino(), inode, "the file was replaced");
    assert!(written.starts_with(b"kept\n") && written[5..] == plain[..], "{} bytes", written.len());

    let after = fs::symlink_metadata(dev_stdout)?;
    assert_eq!((after.file_type(), after.ino()), (before.file_type(), before.ino()), "/dev/stdout was replaced");
    assert_eq!(names(d), ["guard", "k", "log", "plain.bin", "plain.kluis"]);
    Ok(())
}

#[test]
fn seal_replaces_a_file_only_with_force() -> TestResult {
    let (dir, plain) = folder();
    let d = dir.path();
    fs::write(d.join("taken"), b"keep me")?;

    let out = run(&mut kluis(d, &["seal", "plain.bin", "-o", "taken"]));
    out.assert_code(2);
    assert_eq!(out.stderr, "kluis: taken already exists (use --force to replace it)\n");
    assert_eq!(fs::read(d.join("taken"))?, b"keep me");

    for force in ["--force", "-f"] {
        fs::write(d.join("taken"), b"old")?;
        run(&mut kluis(d, &["seal", "plain.bin", "-o", "taken", force])).assert_code(0);
        assert_eq!(opened(&fs::read(d.join("taken"))?), plain, "{force}");
    }
    assert_eq!(names(d), ["k", "plain.bin", "plain.kluis", "taken"]);
    Ok(())
}

#[test]
fn a_symbolic_link_is_written_through_to_its_file() -> TestResult {
    let (dir, plain) = folder();
    let d = dir.path();
    fs::create_dir(d.join("real"))?;
    fs::write(d.join("real/target"), b"keep me")?;
    symlink("real/target", d.join("link"))?;

    // The file it leads to exists: --force is needed, for seal and open alike.
    for command in [&["seal", "plain.bin", "-o", "link"][..], &["open", "plain.kluis", "-o", "link"]] {
        let out = run(&mut kluis(d, command));
        out.assert_code(2);
        assert!(out.stderr.contains("link already exists (use --force to replace it)"), "{}", out.stderr);
        assert_eq!(fs::read(d.join("real/target"))?, b"keep me");
    }
    run(&mut kluis(d, &["open", "plain.kluis", "-o", "link", "--force"])).assert_code(0);
    assert_eq!(fs::read_link(d.join("link"))?, Path::new("real/target"), "the link was replaced");
    assert_eq!(fs::read(d.join("real/target"))?, plain);
    assert_eq!(names(&d.join("real")), ["target"]);

    // A link to nothing: refused, with or without --force; nothing created.
    symlink("real/missing", d.join("dangling"))?;
    for force in [&[][..], &["--force"]] {
        let out = run(kluis(d, &["seal", "plain.bin", "-o", "dangling"]).args(force));
        out.assert_code(2);
        assert!(
            out.stderr.contains("dangling is a symbolic link to real/missing, which does not exist"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(names(&d.join("real")), ["target"]);

    // A folder, directly or through a link.
    symlink("real", d.join("to-real"))?;
    for folder in ["real", "to-real"] {
        let out = run(&mut kluis(d, &["open", "plain.kluis", "-o", folder, "--force"]));
        out.assert_code(2);
        assert_eq!(out.stderr, format!("kluis: {folder} is a folder\n"));
    }
    assert_eq!(names(d), ["dangling", "k", "link", "plain.bin", "plain.kluis", "real", "to-real"]);
    Ok(())
}

#[test]
fn help_says_where_outputs_go() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for command in ["seal", "open"] {
        let out = run(Command::new(env!("CARGO_BIN_EXE_kluis")).current_dir(dir.path()).args([command, "--help"]));
        let help = String::from_utf8_lossy(&out.assert_code(0).stdout).into_owned();
        for words in
            ["--force", "-o /dev/null", "/dev/stdout", "written in place", "taken back", "symbolic link", "exit status"]
        {
            assert!(help.contains(words), "{command} --help lacks {words:?}:\n{help}");
        }
    }
}
