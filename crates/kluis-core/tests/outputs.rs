//! Where `seal_file`, `open_file` and `OutputFile` write: regular files
//! atomically, and only with overwriting allowed when one exists;
//! devices, FIFOs and open descriptors in place, never replaced; through
//! symbolic links. Unix only (FIFOs, device nodes, `/dev/fd`).
//!
//! Safe to run as root: device nodes are made in temporary folders
//! (`mknod NODE c 1 3`, skipped without the privilege), and the one test
//! that writes through a link to the real `/dev/null` first checks the same
//! thing on a private node, so that a regression fails there instead.

#![cfg(unix)]
#![allow(clippy::unwrap_used)] // test helpers panic on purpose

mod common;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::{self, JoinHandle};

use common::{key, options, plaintext};
use kluis_core::{
    AtomicFile, Metadata, OpenError, OpenLimits, OutputError, OutputFile, OutputKind, SealError, open_bytes, open_file,
    seal_file,
};

const C: usize = 4096;

/// A folder with `in.bin` (3 chunks and a bit) and its envelope `in.kluis`.
fn inputs() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let pt = plaintext(3 * C + 5);
    fs::write(dir.path().join("in.bin"), &pt).unwrap();
    let options = options(C as u64).with_metadata(&Metadata::named("in.bin")).unwrap();
    seal_file(dir.path().join("in.bin"), dir.path().join("in.kluis"), &[key()], &options).unwrap();
    (dir, pt)
}

fn seal(dir: &Path, output: impl AsRef<Path>) -> Result<(), SealError> {
    seal_file(dir.join("in.bin"), output, &[key()], &options(C as u64))
}

fn open(dir: &Path, output: impl AsRef<Path>) -> Result<Option<Metadata>, OpenError> {
    open_file(dir.join("in.kluis"), output, &key(), &OpenLimits::default())
}

fn mkfifo(path: &Path) -> PathBuf {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
    path.to_path_buf()
}

/// A character device like /dev/null (1, 3) at `path`; None without the
/// privilege to make one.
fn mknod_null(path: &Path) -> Option<PathBuf> {
    let made = Command::new("mknod").arg(path).args(["c", "1", "3"]).status().map(|s| s.success()).unwrap_or(false);
    if !made {
        eprintln!("skipped: cannot make a device node (not root?)");
    }
    made.then(|| path.to_path_buf())
}

/// Reads everything from the FIFO `path` on another thread. Started before
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
    fs::symlink_metadata(path).map(|m| m.file_type().is_fifo()).unwrap_or(false)
}

fn is_char_device(path: &Path) -> bool {
    fs::symlink_metadata(path).map(|m| m.file_type().is_char_device()).unwrap_or(false)
}

/// The names in `dir`, sorted (no `.kluis-*.part` may be left among them).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn output_error(err: &io::Error) -> &OutputError {
    OutputError::of(err).unwrap_or_else(|| panic!("not an OutputError: {err:?}"))
}

fn seal_output_error(err: &SealError) -> &OutputError {
    match err {
        SealError::Io(e) => output_error(e),
        other => panic!("not an I/O error: {other:?}"),
    }
}

#[test]
fn a_fifo_is_written_in_place_by_seal_file_and_open_file() {
    let (dir, pt) = inputs();
    let d = dir.path();
    let fifo = mkfifo(&d.join("pipe"));
    assert_eq!(OutputFile::check(&fifo, false).unwrap(), OutputKind::InPlace);

    let read = reader(&fifo);
    seal(d, &fifo).unwrap();
    // Checked before joining: a FIFO replaced by a file never gets a writer.
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    let envelope = read.join().unwrap().unwrap();
    assert_eq!(open_bytes(&envelope, &key(), &OpenLimits::default()).unwrap().0, pt);

    let read = reader(&fifo);
    let metadata = open(d, &fifo).unwrap();
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    assert_eq!(read.join().unwrap().unwrap(), pt);
    assert_eq!(metadata.unwrap().name.as_deref(), Some("in.bin"));
    assert_eq!(names(d), ["in.bin", "in.kluis", "pipe"]);
}

#[test]
fn a_character_device_is_written_in_place() {
    let (dir, _) = inputs();
    let d = dir.path();
    let Some(node) = mknod_null(&d.join("null")) else { return };
    let rdev = fs::metadata(&node).unwrap().rdev();
    seal(d, &node).unwrap();
    open(d, &node).unwrap();
    assert!(is_char_device(&node), "the device node was replaced");
    assert_eq!(fs::metadata(&node).unwrap().rdev(), rdev);
    assert_eq!(names(d), ["in.bin", "in.kluis", "null"]);
}

#[test]
fn a_symbolic_link_to_dev_null_is_written_through() {
    let (dir, _) = inputs();
    let d = dir.path();
    // First on a private device (or FIFO) behind a link: a regression
    // fails here, before the real /dev/null is written to.
    let (private, fifo_reader) = match mknod_null(&d.join("null")) {
        Some(node) => (node, None),
        None => {
            let fifo = mkfifo(&d.join("pipe"));
            let read = reader(&fifo);
            (fifo, Some(read))
        }
    };
    let guard = d.join("guard");
    symlink(&private, &guard).unwrap();
    seal(d, &guard).unwrap();
    assert_eq!(fs::read_link(&guard).unwrap(), private, "the link was replaced");
    assert!(is_char_device(&private) || is_fifo(&private), "the private node was replaced");
    if let Some(read) = fifo_reader {
        assert!(!read.join().unwrap().unwrap().is_empty());
    }

    let dev_null = Path::new("/dev/null");
    let before = fs::symlink_metadata(dev_null).unwrap();
    assert!(before.file_type().is_char_device(), "/dev/null is not a character device before the test");
    let link = d.join("to-null");
    symlink(dev_null, &link).unwrap();
    seal(d, &link).unwrap();
    open(d, &link).unwrap();
    assert_eq!(fs::read_link(&link).unwrap(), dev_null, "the link was replaced");
    let after = fs::symlink_metadata(dev_null).unwrap();
    assert!(after.file_type().is_char_device(), "/dev/null was replaced");
    assert_eq!((after.rdev(), after.ino(), after.mode()), (before.rdev(), before.ino(), before.mode()));
}

#[test]
fn an_open_descriptor_is_written_where_it_stands() {
    let (dir, pt) = inputs();
    let d = dir.path();
    // A log open for appending, named by its descriptor: the envelope goes
    // after what it holds, into the same file (not a new one renamed over it).
    let log = d.join("log");
    fs::write(&log, b"kept\n").unwrap();
    let handle = File::options().append(true).open(&log).unwrap();
    let inode = fs::metadata(&log).unwrap().ino();
    let by_fd = format!("/dev/fd/{}", handle.as_raw_fd());
    assert_eq!(OutputFile::check(&by_fd, false).unwrap(), OutputKind::InPlace);
    seal(d, &by_fd).unwrap();
    drop(handle);
    let written = fs::read(&log).unwrap();
    assert_eq!(fs::metadata(&log).unwrap().ino(), inode, "the file was replaced");
    assert!(written.starts_with(b"kept\n"), "the file was truncated");
    assert_eq!(open_bytes(&written[5..], &key(), &OpenLimits::default()).unwrap().0, pt);

    // Standard output and error are descriptors whatever they lead to (a
    // regular file when the output of the tests is redirected to one).
    for path in ["/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/2"] {
        assert_eq!(OutputFile::check(path, false).unwrap(), OutputKind::InPlace, "{path}");
    }
}

#[test]
fn an_existing_regular_file_is_replaced_only_with_overwrite() {
    let (dir, pt) = inputs();
    let d = dir.path();
    let taken = d.join("taken");
    fs::write(&taken, b"keep me").unwrap();
    let inode = fs::metadata(&taken).unwrap().ino();

    // Without overwriting: refused, untouched, nothing left behind.
    let err = OutputFile::create(&taken, false).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert!(matches!(output_error(&err), OutputError::Exists { path } if path == &taken));
    assert_eq!(err.to_string(), format!("{} already exists", taken.display()));
    assert!(matches!(OutputFile::check(&taken, false), Err(e) if e.kind() == io::ErrorKind::AlreadyExists));
    assert_eq!(fs::read(&taken).unwrap(), b"keep me");

    // With it (seal_file and open_file always allow it): replaced by a new
    // file, atomically.
    assert_eq!(OutputFile::check(&taken, true).unwrap(), OutputKind::Replace);
    seal(d, &taken).unwrap();
    assert_ne!(fs::metadata(&taken).unwrap().ino(), inode, "written in place instead of replaced");
    assert_eq!(open_bytes(&fs::read(&taken).unwrap(), &key(), &OpenLimits::default()).unwrap().0, pt);
    open(d, &taken).unwrap();
    assert_eq!(fs::read(&taken).unwrap(), pt);
    assert_eq!(names(d), ["in.bin", "in.kluis", "taken"]);

    // A file that appears while a new output is written is not replaced
    // without overwriting either.
    let late = d.join("late");
    let mut out = OutputFile::create(&late, false).unwrap();
    out.write_all(b"new").unwrap();
    fs::write(&late, b"first").unwrap();
    assert!(matches!(output_error(&out.commit().unwrap_err()), OutputError::Exists { .. }));
    assert_eq!(fs::read(&late).unwrap(), b"first");
    assert_eq!(names(d), ["in.bin", "in.kluis", "late", "taken"]);
}

#[test]
fn a_symbolic_link_to_a_regular_file_replaces_that_file() {
    let (dir, pt) = inputs();
    let d = dir.path();
    fs::create_dir(d.join("real")).unwrap();
    let target = d.join("real/target.bin");
    fs::write(&target, b"old").unwrap();
    let link = d.join("link");
    symlink("real/target.bin", &link).unwrap();

    let err = OutputFile::create(&link, false).unwrap_err();
    assert!(matches!(output_error(&err), OutputError::Exists { path } if path == &link));
    assert_eq!(OutputFile::check(&link, true).unwrap(), OutputKind::Replace);
    open(d, &link).unwrap();
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/target.bin"), "the link was replaced");
    assert_eq!(fs::read(&target).unwrap(), pt);
    assert_eq!(names(&d.join("real")), ["target.bin"], "a temporary file was left beside the target");

    // A link to nothing: no file is created through it.
    let dangling = d.join("dangling");
    symlink("real/missing.bin", &dangling).unwrap();
    let err = seal(d, &dangling).unwrap_err();
    assert!(
        matches!(seal_output_error(&err), OutputError::DanglingLink { target, .. } if target == Path::new("real/missing.bin"))
    );
    assert!(matches!(open(d, &dangling), Err(OpenError::Io(e)) if e.kind() == io::ErrorKind::NotFound));
    assert!(!d.join("real/missing.bin").exists());
    assert_eq!(fs::read_link(&dangling).unwrap(), Path::new("real/missing.bin"));

    // A folder, directly or through a link, is refused.
    for folder in [d.join("real"), {
        let l = d.join("to-real");
        symlink("real", &l).unwrap();
        l
    }] {
        let err = seal(d, &folder).unwrap_err();
        assert!(matches!(seal_output_error(&err), OutputError::Folder { .. }), "{}", folder.display());
    }
    assert_eq!(names(d), ["dangling", "in.bin", "in.kluis", "link", "real", "to-real"]);
}

#[test]
fn atomic_file_never_renames_over_anything_but_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = mkfifo(&d.join("pipe"));
    let link = d.join("link");
    symlink("elsewhere", &link).unwrap();
    for dest in [&fifo, &link] {
        let mut file = AtomicFile::create(dest).unwrap();
        file.write_all(b"x").unwrap();
        let err = file.commit(true).unwrap_err();
        assert!(matches!(output_error(&err), OutputError::NotRegular { .. }), "{err}");
    }
    assert!(is_fifo(&fifo));
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("elsewhere"));
    assert_eq!(names(d), ["link", "pipe"]);

    // Nor does an OutputFile whose new file finds a FIFO in its place.
    let dest = d.join("new");
    let out = OutputFile::create(&dest, true).unwrap();
    mkfifo(&dest);
    assert!(matches!(output_error(&out.commit().unwrap_err()), OutputError::NotRegular { .. }));
    assert!(is_fifo(&dest));
}

#[test]
fn place_follows_the_same_rule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let staged = |content: &[u8]| {
        let path = d.join("staged");
        fs::write(&path, content).unwrap();
        path
    };

    // Into a FIFO: copied in place, the staged file removed.
    let fifo = mkfifo(&d.join("pipe"));
    let read = reader(&fifo);
    assert_eq!(OutputFile::place(staged(b"to the pipe"), &fifo, false).unwrap(), OutputKind::InPlace);
    assert!(is_fifo(&fifo));
    assert_eq!(read.join().unwrap().unwrap(), b"to the pipe");
    assert!(!d.join("staged").exists());

    // Onto an existing file: only with overwrite; refused, the staged file stays.
    let taken = d.join("taken");
    fs::write(&taken, b"keep").unwrap();
    let err = OutputFile::place(staged(b"new"), &taken, false).unwrap_err();
    assert!(matches!(output_error(&err), OutputError::Exists { .. }));
    assert_eq!(fs::read(&taken).unwrap(), b"keep");
    assert_eq!(fs::read(d.join("staged")).unwrap(), b"new");
    assert_eq!(OutputFile::place(d.join("staged"), &taken, true).unwrap(), OutputKind::Replace);
    assert_eq!(fs::read(&taken).unwrap(), b"new");

    // Through a link: onto the file it leads to.
    let link = d.join("link");
    symlink("taken", &link).unwrap();
    assert_eq!(OutputFile::place(staged(b"newer"), &link, true).unwrap(), OutputKind::Replace);
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("taken"));
    assert_eq!(fs::read(&taken).unwrap(), b"newer");
    assert_eq!(names(d), ["link", "pipe", "taken"]);
}
