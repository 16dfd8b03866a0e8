//! Sending and receiving whole transfers, through both transports.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::fs;

use common::*;
use kluis_transfer::*;
use sha2::{Digest, Sha256};

/// Empty, single-chunk, multi-chunk (and multi-piece) files, unicode names,
/// two files with the same name, one read from disk.
fn files(dir: &std::path::Path) -> (Vec<FileSource>, Vec<(String, Vec<u8>)>) {
    let on_disk = pattern(50_000, 9);
    let disk_path = dir.join("op schijf.bin");
    fs::write(&disk_path, &on_disk).unwrap();
    let expected = vec![
        ("leeg.txt".to_owned(), Vec::new()),
        ("klein.txt".to_owned(), b"hallo".to_vec()),
        ("groot.bin".to_owned(), pattern(4096 * 5 + 123, 1)),
        ("précis – 日本語 ✓.pdf".to_owned(), pattern(4096, 2)),
        ("verslag.pdf".to_owned(), b"eerste verslag".to_vec()),
        ("verslag.pdf".to_owned(), b"tweede verslag, ander".to_vec()),
        ("op schijf.bin".to_owned(), on_disk),
    ];
    let mut sources: Vec<FileSource> =
        expected[..6].iter().map(|(name, data)| FileSource::bytes(name.clone(), data.clone())).collect();
    sources.push(FileSource::path(&disk_path));
    (sources, expected)
}

fn round_trip(store: &dyn Transport, scratch: &std::path::Path) {
    let (sources, expected) = files(scratch);
    let sent = send(store, sources);
    assert_eq!(sent.uploaded_bytes, sent.stored_bytes);
    assert!(sent.expires_at - sent.created_at == 7 * 86_400);

    let opened = open(store, &sent.id).unwrap();
    let info = opened.info();
    assert_eq!(info.id, sent.id);
    assert_eq!(info.from, "ann@example.org");
    assert_eq!(info.to, ["bob@example.org", "carol@example.net"]);
    assert_eq!(info.subject, "Kwartaalcijfers");
    assert_eq!(info.message.as_deref(), Some("Bob, Carol,\nde cijfers. Bel me voor het wachtwoord."));
    assert_eq!((info.created_at, info.expires_at), (sent.created_at, sent.expires_at));
    assert_eq!(info.files.len(), expected.len());
    for (i, (name, data)) in expected.iter().enumerate() {
        let f = &info.files[i];
        assert_eq!(&f.name, name);
        assert_eq!(f.size, data.len() as u64);
        assert_eq!(f.sha256, <[u8; 32]>::from(Sha256::digest(data)));
        assert_eq!(read(store, &opened, i).unwrap(), *data, "{name}");
    }
    assert_eq!(info.files[2].media_type, None);
    assert_eq!(info.files[3].media_type.as_deref(), Some("application/pdf"));
    assert_eq!(info.files[1].media_type.as_deref(), Some("text/plain"));

    // Every blob id differs and none reveals a name.
    let blobs: std::collections::HashSet<_> = info.files.iter().map(|f| f.blob).collect();
    assert_eq!(blobs.len(), info.files.len());

    // Download everything: same-name files are kept apart, nothing overwritten.
    let out = scratch.join("ontvangen");
    fs::create_dir(&out).unwrap();
    let paths = opened.download_all(store, &out, false, &NoProgress).unwrap();
    let names: Vec<_> = paths.iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_owned()).collect();
    assert_eq!(
        names,
        [
            "leeg.txt",
            "klein.txt",
            "groot.bin",
            "précis – 日本語 ✓.pdf",
            "verslag.pdf",
            "verslag (2).pdf",
            "op schijf.bin"
        ]
    );
    for (path, (_, data)) in paths.iter().zip(&expected) {
        assert_eq!(fs::read(path).unwrap(), *data);
    }
    assert_eq!(fs::read_dir(&out).unwrap().count(), expected.len(), "no temporary files left");

    // A second download refuses to overwrite, and leaves the files alone.
    let again = opened.download_file(store, 4, &out, false, &NoProgress).unwrap_err();
    assert!(matches!(again, TransferError::AlreadyExists { ref path } if path.ends_with("verslag.pdf")), "{again}");
    assert_eq!(fs::read(out.join("verslag.pdf")).unwrap(), b"eerste verslag");
    fs::write(out.join("verslag.pdf"), b"local edit").unwrap();
    opened.download_file(store, 4, &out, true, &NoProgress).unwrap();
    assert_eq!(fs::read(out.join("verslag.pdf")).unwrap(), b"eerste verslag");
    assert_eq!(fs::read_dir(&out).unwrap().count(), expected.len());
}

#[test]
fn round_trip_in_memory() {
    let scratch = tempfile::tempdir().unwrap();
    round_trip(&MemoryTransport::new(), scratch.path());
}

#[test]
fn round_trip_in_a_folder_with_link() {
    let scratch = tempfile::tempdir().unwrap();
    let store = DirectoryTransport::open(scratch.path().join("store")).unwrap();
    round_trip(&store, scratch.path());

    // Through a link, as a recipient would.
    let sent = send(&store, vec![FileSource::bytes("a.txt", b"via link".to_vec())]);
    let link = Link::directory(store.root(), sent.id).unwrap().to_string();
    assert!(link.starts_with("file:///") && link.ends_with(&sent.id.to_string()));
    assert!(!link.contains(PASSWORD));
    let Link::Directory { store: root, transfer } = Link::parse(&link).unwrap() else { panic!("not a folder link") };
    let store2 = DirectoryTransport::open(root).unwrap();
    let opened = open(&store2, &transfer).unwrap();
    assert_eq!(read(&store2, &opened, 0).unwrap(), b"via link");
}

#[test]
fn nothing_identifying_is_stored_in_clear() {
    let scratch = tempfile::tempdir().unwrap();
    let store = DirectoryTransport::open(scratch.path().join("store")).unwrap();
    let secret_name = "Geheime-overname-Bakkerij-Jansen.pdf";
    let message = "Vertrouwelijk: de overnameprijs";
    let mut req = request(vec![FileSource::bytes(secret_name, b"Bakkerij Jansen overnameprijs".to_vec())]);
    req.message = Some(message.into());
    let sent = send_transfer(&store, req, &send_options(), &NoProgress).unwrap();
    let mut seen = Vec::new();
    for entry in walk(store.root()) {
        let name = entry.strip_prefix(store.root()).unwrap().to_string_lossy().into_owned();
        seen.push(name.clone());
        let bytes = fs::read(&entry).unwrap();
        for needle in
            [secret_name, "Geheime", "Bakkerij", message, PASSWORD, "ann@example.org", "bob@example.org", "Kwartaal"]
        {
            assert!(!name.contains(needle), "{name}");
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle:?} in {name}");
        }
    }
    // The transfer's folder holds its expiry, the manifest and one blob
    // named by a random id.
    let id = sent.id.to_string();
    seen.sort_by_key(|name| name.len());
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0], format!("{id}/expires"));
    assert_eq!(seen[1], format!("{id}/manifest"));
    let blob = seen[2].strip_prefix(&format!("{id}/")).unwrap();
    assert!(BlobId::parse(blob).is_ok(), "{blob}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn progress_is_reported_and_monotone() {
    let store = MemoryTransport::new();
    let recorder = Recorder::default();
    let files = vec![FileSource::bytes("a.bin", pattern(40_000, 3)), FileSource::bytes("b.bin", Vec::new())];
    let sent = send_transfer(&store, request(files), &send_options(), &recorder).unwrap();
    let opened = open(&store, &sent.id).unwrap();
    let mut sink = Vec::new();
    opened.read_file(&store, 0, &mut sink, &recorder).unwrap();

    let events = recorder.0.into_inner().unwrap();
    let mut last: HashMap<(Phase, Option<u32>), (u64, u64)> = HashMap::new();
    for e in &events {
        let prev = last.insert((e.phase, e.file), (e.done, e.total));
        if let Some((done, total)) = prev {
            assert!(e.done >= done && e.total == total, "{e:?} after {done}/{total}");
        }
        assert!(e.done <= e.total, "{e:?}");
    }
    assert_eq!(last[&(Phase::Sealing, Some(0))], (40_000, 40_000));
    assert_eq!(last[&(Phase::Sealing, Some(1))], (0, 0));
    let (up_done, up_total) = last[&(Phase::Uploading, Some(0))];
    assert_eq!(up_done, up_total);
    assert!(up_total > 40_000);
    assert!(last.contains_key(&(Phase::Uploading, None)), "the manifest upload is reported");
    assert_eq!(last[&(Phase::Downloading, Some(0))], (up_total, up_total));
}

#[test]
fn one_argon2_run_opens_all_files() {
    // The files are sealed with raw keys only: opening them needs the
    // manifest's keys, not the password.
    let store = MemoryTransport::new();
    let sent = send(&store, vec![FileSource::bytes("a", b"1".to_vec()), FileSource::bytes("b", b"2".to_vec())]);
    let opened = open(&store, &sent.id).unwrap();
    for f in &opened.info().files {
        let blob = store.read_range(&sent.id, &BlobName::File(f.blob), 0, u64::MAX).unwrap();
        let info = kluis_core::inspect_bytes(&blob).unwrap();
        assert!(info.slots.iter().all(|s| matches!(s, kluis_core::SlotInfo::Key)), "{:?}", info.slots);
        assert!(
            kluis_core::open_bytes(&blob, &kluis_core::Secret::password(PASSWORD), &OpenLimits::default()).is_err()
        );
    }
    let manifest = store.read_range(&sent.id, &BlobName::Manifest, 0, u64::MAX).unwrap();
    let info = kluis_core::inspect_bytes(&manifest).unwrap();
    assert!(matches!(info.slots.as_slice(), [kluis_core::SlotInfo::Password(_)]), "{:?}", info.slots);
}

#[test]
fn prepared_transfer_uploads_once_then_idempotently() {
    let store = MemoryTransport::new();
    let prepared = PreparedTransfer::prepare(
        request(vec![FileSource::bytes("x.txt", pattern(10_000, 4))]),
        &send_options(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(prepared.info().files[0].name, "x.txt");
    let first = prepared.upload(&store, &NoProgress).unwrap();
    assert_eq!(first.uploaded_bytes, prepared.sealed_len());
    // A retry after a lost answer sends nothing and succeeds.
    let second = prepared.upload(&store, &NoProgress).unwrap();
    assert_eq!(second.uploaded_bytes, 0);
    assert_eq!(second.id, first.id);
    assert_eq!(read(&store, &open(&store, &first.id).unwrap(), 0).unwrap(), pattern(10_000, 4));
}

#[test]
fn generated_word_password_works_end_to_end() {
    let store = MemoryTransport::new();
    let pw = generate_password(PasswordStyle::Words).unwrap();
    let mut req = request(vec![FileSource::bytes("w.txt", b"words".to_vec())]);
    req.password = pw.clone();
    let sent = send_transfer(&store, req, &send_options(), &NoProgress).unwrap();
    let opened = open_transfer(&store, &sent.id, &pw, &receive_options()).unwrap();
    assert_eq!(read(&store, &opened, 0).unwrap(), b"words");
}

/// Downloads follow kluis-core's rule for outputs: a FIFO is written in
/// place (no `overwrite` needed, never replaced), a symbolic link is
/// written through to the file it leads to.
#[cfg(unix)]
#[test]
fn downloads_write_fifos_in_place_and_through_links() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let store = MemoryTransport::new();
    let sent = send(&store, vec![FileSource::bytes("a.txt", b"verified".to_vec())]);
    let opened = open(&store, &sent.id).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let fifo = d.join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo))
    };
    opened.download_file_to(&store, 0, &fifo, false, &NoProgress).unwrap();
    // Checked before joining: a FIFO replaced by a file never gets a writer.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    assert_eq!(reader.join().unwrap().unwrap(), b"verified");

    fs::write(d.join("mine.txt"), b"mine").unwrap();
    symlink("mine.txt", d.join("a.txt")).unwrap();
    let err = opened.download_file(&store, 0, d, false, &NoProgress).unwrap_err();
    assert!(matches!(err, TransferError::AlreadyExists { ref path } if path.ends_with("a.txt")), "{err}");
    assert_eq!(fs::read(d.join("mine.txt")).unwrap(), b"mine");
    opened.download_file(&store, 0, d, true, &NoProgress).unwrap();
    assert_eq!(fs::read_link(d.join("a.txt")).unwrap(), std::path::Path::new("mine.txt"), "the link was replaced");
    assert_eq!(fs::read(d.join("mine.txt")).unwrap(), b"verified");
    let mut names: Vec<_> = fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["a.txt", "mine.txt", "pipe"]);
}
