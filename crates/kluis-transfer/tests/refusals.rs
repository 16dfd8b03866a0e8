//! What a recipient refuses, and what a sender refuses to send.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::time::Duration;

use common::*;
use kluis_core::{Key, Metadata, SealOptions, Secret, seal_bytes};
use kluis_transfer::*;
use sha2::{Digest, Sha256};

fn kind<T: std::fmt::Debug>(r: Result<T, TransferError>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.kind(),
    }
}

fn blob_of(opened: &OpenedTransfer, index: usize) -> BlobName {
    BlobName::File(opened.info().files[index].blob)
}

// ---------------------------------------------------------------- password

#[test]
fn wrong_password() {
    let store = MemoryTransport::new();
    let sent = send(&store, vec![FileSource::bytes("a.txt", b"a".to_vec())]);
    for wrong in ["zwaluw-kompas-9-tegelvloer-okapj", "", "ZWALUW-KOMPAS-9-TEGELVLOER-OKAPI"] {
        let r = open_transfer(&store, &sent.id, &Password::new(wrong), &receive_options());
        assert!(matches!(r, Err(TransferError::WrongPassword)), "{wrong:?}: {r:?}");
    }
    assert!(open(&store, &sent.id).is_ok());
}

#[test]
fn weak_password_refused_unless_allowed() {
    let store = MemoryTransport::new();
    let mut req = request(vec![FileSource::bytes("a.txt", b"a".to_vec())]);
    req.password = Password::new("welkom123");
    let err = send_transfer(&store, req.clone(), &send_options(), &NoProgress).unwrap_err();
    let TransferError::WeakPassword { reason } = &err else { panic!("{err}") };
    assert!(reason.contains("at least 10 are needed"), "{reason}");
    assert!(store.list_expired(u64::MAX).unwrap().is_empty());

    req.password = Password::new("Kwartaalcijfers2024");
    let err = send_transfer(&store, req.clone(), &send_options(), &NoProgress).unwrap_err();
    assert_eq!(err.kind(), "WeakPassword", "built from the subject: {err}");

    req.allow_weak_password = true;
    let sent = send_transfer(&store, req, &send_options(), &NoProgress).unwrap();
    assert!(open_transfer(&store, &sent.id, &Password::new("Kwartaalcijfers2024"), &receive_options()).is_ok());
}

// ----------------------------------------------------------------- expiry

#[test]
fn expired_transfer_is_refused_even_if_still_served() {
    let scratch = tempfile::tempdir().unwrap();
    let store = DirectoryTransport::open(scratch.path()).unwrap();
    let mut req = request(vec![FileSource::bytes("a.txt", b"a".to_vec())]);
    req.expires_in = Duration::from_secs(60);
    let sent = send_transfer(&store, req, &send_options(), &NoProgress).unwrap();

    let at = |secs| ReceiveOptions { now: Some(in_secs(secs)), ..receive_options() };
    assert!(open_transfer(&store, &sent.id, &password(), &at(0)).is_ok());
    let err = open_transfer(&store, &sent.id, &password(), &at(61)).unwrap_err();
    assert!(matches!(err, TransferError::Expired { expired_at } if expired_at == sent.expires_at), "{err}");

    // The store lies about the expiry (or was never purged): still refused,
    // because the manifest's expiry is authenticated.
    fs::write(store.transfer_path(&sent.id).join("expires"), format!("{}\n", u64::MAX)).unwrap();
    assert_eq!(store.expiry(&sent.id).unwrap(), Some(u64::MAX));
    assert_eq!(kind(open_transfer(&store, &sent.id, &password(), &at(61))), "Expired");
    // A wrong password is still a wrong password.
    assert_eq!(kind(open_transfer(&store, &sent.id, &Password::new("nope"), &at(61))), "WrongPassword");
}

#[test]
fn storage_lists_and_purges_expired_transfers() {
    let scratch = tempfile::tempdir().unwrap();
    let store = DirectoryTransport::open(scratch.path()).unwrap();
    let mut ids = Vec::new();
    for (days, name) in [(1, "one"), (2, "two"), (3, "three")] {
        let mut req = request(vec![FileSource::bytes(name, name.as_bytes().to_vec())]);
        req.expires_in = Duration::from_secs(days * 86_400);
        ids.push(send_transfer(&store, req, &send_options(), &NoProgress).unwrap());
    }
    let t = |s: &SentTransfer| s.expires_at;
    assert!(store.list_expired(t(&ids[0]) - 1).unwrap().is_empty());
    assert_eq!(store.list_expired(t(&ids[0])).unwrap(), vec![ids[0].id]);
    let mut two = store.list_expired(t(&ids[1])).unwrap();
    two.sort();
    let mut want = vec![ids[0].id, ids[1].id];
    want.sort();
    assert_eq!(two, want);

    let purged = purge_expired(&store, t(&ids[1])).unwrap();
    assert_eq!(purged.len(), 2);
    assert!(!store.transfer_path(&ids[0].id).exists());
    assert_eq!(kind(open(&store, &ids[0].id)), "NotFound");
    assert_eq!(read(&store, &open(&store, &ids[2].id).unwrap(), 0).unwrap(), b"three");
    // Only the survivor's folder is left: no trash, no temporaries.
    let left: Vec<_> = fs::read_dir(store.root()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, [std::ffi::OsString::from(ids[2].id.to_string())]);
}

// ---------------------------------------------------------- missing blobs

#[test]
fn missing_blob_and_missing_transfer() {
    let store = MemoryTransport::new();
    let sent = send(&store, vec![FileSource::bytes("a.txt", b"a".to_vec()), FileSource::bytes("b.txt", b"b".to_vec())]);
    let opened = open(&store, &sent.id).unwrap();
    assert!(store.remove_blob(&sent.id, &blob_of(&opened, 1)));
    let err = read(&store, &opened, 1).unwrap_err();
    assert!(matches!(err, TransferError::NotFound { ref what } if what.contains("b.txt")), "{err}");
    assert_eq!(read(&store, &opened, 0).unwrap(), b"a");

    let dir = tempfile::tempdir().unwrap();
    assert_eq!(kind(opened.download_file(&store, 1, dir.path(), false, &NoProgress)), "NotFound");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);

    assert!(store.remove_blob(&sent.id, &BlobName::Manifest));
    assert_eq!(kind(open(&store, &sent.id)), "NotFound");
    assert_eq!(kind(open(&store, &TransferId::generate().unwrap())), "NotFound");
}

#[test]
fn unfinished_upload_is_not_found() {
    let store = MemoryTransport::new();
    let prepared = PreparedTransfer::prepare(
        request(vec![FileSource::bytes("a", pattern(30_000, 1))]),
        &send_options(),
        &NoProgress,
    )
    .unwrap();
    let flaky = Flaky::new(&store, 20_000);
    assert_eq!(kind(prepared.upload(&flaky, &NoProgress)), "Transport");
    assert_eq!(kind(open(&store, &prepared.id())), "NotFound");
    // Even a complete manifest without the transfer being finished.
    prepared.upload(&store, &NoProgress).unwrap();
    assert!(open(&store, &prepared.id()).is_ok());
}

// ------------------------------------------------------ swapped, corrupted

#[test]
fn blob_swapped_in_from_another_transfer() {
    let store = MemoryTransport::new();
    // Same password, same file names, same sizes: only the keys differ.
    let a = send(&store, vec![FileSource::bytes("x.bin", pattern(9000, 1))]);
    let b = send(&store, vec![FileSource::bytes("x.bin", pattern(9000, 2))]);
    let (oa, ob) = (open(&store, &a.id).unwrap(), open(&store, &b.id).unwrap());
    let b_blob = store.read_range(&b.id, &blob_of(&ob, 0), 0, u64::MAX).unwrap();
    store.replace_blob(&a.id, &blob_of(&oa, 0), b_blob);
    let err = read(&store, &oa, 0).unwrap_err();
    assert!(matches!(err, TransferError::Tampered { .. }), "{err}");

    // The whole manifest of B put in place of A's: it opens with the
    // password but names transfer B.
    let b_manifest = store.read_range(&b.id, &BlobName::Manifest, 0, u64::MAX).unwrap();
    store.replace_blob(&a.id, &BlobName::Manifest, b_manifest);
    let err = open(&store, &a.id).unwrap_err();
    assert!(
        matches!(err, TransferError::Tampered { ref reason, .. } if reason.contains("belongs to transfer")),
        "{err}"
    );
}

#[test]
fn blobs_swapped_within_a_transfer() {
    let store = MemoryTransport::new();
    let sent = send(&store, vec![FileSource::bytes("a", pattern(5000, 1)), FileSource::bytes("b", pattern(5000, 2))]);
    let opened = open(&store, &sent.id).unwrap();
    let a = store.read_range(&sent.id, &blob_of(&opened, 0), 0, u64::MAX).unwrap();
    let b = store.read_range(&sent.id, &blob_of(&opened, 1), 0, u64::MAX).unwrap();
    store.replace_blob(&sent.id, &blob_of(&opened, 0), b);
    store.replace_blob(&sent.id, &blob_of(&opened, 1), a);
    assert_eq!(kind(read(&store, &opened, 0)), "Tampered");
    assert_eq!(kind(read(&store, &opened, 1)), "Tampered");
}

type Damage<'a> = Box<dyn Fn(&mut Vec<u8>) + 'a>;

#[test]
fn corrupted_blobs() {
    let store = MemoryTransport::new();
    let data = pattern(4096 * 3 + 10, 5);
    let sent = send(&store, vec![FileSource::bytes("doc.bin", data.clone())]);
    let opened = open(&store, &sent.id).unwrap();
    let blob = blob_of(&opened, 0);
    let original = store.read_range(&sent.id, &blob, 0, u64::MAX).unwrap();
    let len = original.len();
    let damages: Vec<(&str, Damage<'_>)> = vec![
        ("bit flip in the middle", Box::new(|b| b[len / 2] ^= 0x01)),
        ("bit flip in the header", Box::new(|b| b[7] ^= 0x01)),
        ("bit flip in the last tag", Box::new(|b| b[len - 1] ^= 0x80)),
        ("truncated at a chunk boundary", Box::new(|b| b.truncate(len - 26))),
        ("truncated by one byte", Box::new(|b| b.truncate(len - 1))),
        ("one byte appended", Box::new(|b| b.push(0))),
        ("emptied", Box::new(|b| b.clear())),
        ("chunk duplicated", Box::new(|b| b.extend_from_within(len - 26..))),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, damage) in &damages {
        store.replace_blob(&sent.id, &blob, original.clone());
        assert!(store.modify_blob(&sent.id, &blob, damage));
        let err = read(&store, &opened, 0).unwrap_err();
        assert!(matches!(err, TransferError::Tampered { .. }), "{what}: {err}");
        // Nothing reaches the destination folder.
        let err = opened.download_file(&store, 0, dir.path(), false, &NoProgress).unwrap_err();
        assert_eq!(err.kind(), "Tampered", "{what}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "{what}");
    }
    store.replace_blob(&sent.id, &blob, original);
    assert_eq!(read(&store, &opened, 0).unwrap(), data);

    // A damaged manifest.
    let manifest = store.read_range(&sent.id, &BlobName::Manifest, 0, u64::MAX).unwrap();
    // The last tag, a chunk, the header MAC (a changed salt or slot would read as a wrong password).
    for at in [manifest.len() - 1, manifest.len() - 40, 41 + 108 + 4 + 5] {
        let mut damaged = manifest.clone();
        damaged[at] ^= 0x10;
        store.replace_blob(&sent.id, &BlobName::Manifest, damaged);
        assert_eq!(kind(open(&store, &sent.id)), "Tampered", "byte {at}");
    }
}

// ------------------------------------------------ hand-made manifests

struct Crafted {
    name: &'static str,
    data: &'static [u8],
    /// The name sealed in the file's own envelope (default: `name`).
    envelope_name: Option<&'static str>,
    /// The SHA-256 written into the manifest (default: the real one).
    sha256: Option<[u8; 32]>,
}

fn file(name: &'static str, data: &'static [u8]) -> Crafted {
    Crafted { name, data, envelope_name: None, sha256: None }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds a transfer by hand, following docs/TRANSFER.md, with contents an
/// honest sender would never produce.
fn craft(store: &dyn Transport, files: &[Crafted], version: u64) -> TransferId {
    let id = TransferId::generate().unwrap();
    let now = unix_seconds(std::time::SystemTime::now());
    let mut entries = Vec::new();
    for f in files {
        let key = Key::generate().unwrap();
        let blob = BlobId::generate().unwrap();
        let meta = Metadata::named(f.envelope_name.unwrap_or("placeholder")).with_size(f.data.len() as u64);
        let mut options = SealOptions::default();
        if f.envelope_name.is_some() {
            options = options.with_metadata(&meta).unwrap();
        }
        let envelope = seal_bytes(f.data, &[Secret::Key(key.clone())], &options).unwrap();
        store.put_range(&id, &BlobName::File(blob), 0, &envelope).unwrap();
        store.finish_blob(&id, &BlobName::File(blob), envelope.len() as u64).unwrap();
        let sha = f.sha256.unwrap_or_else(|| Sha256::digest(f.data).into());
        entries.push(serde_json::json!({
            "blob": blob.to_string(), "name": f.name, "size": f.data.len(),
            "sha256": hex(&sha), "key": key.to_hex().as_str(),
        }));
    }
    let manifest = serde_json::json!({
        "version": version, "transfer": id.to_string(),
        "from": "mallory@example.org", "to": ["bob@example.org"], "subject": "crafted",
        "created": now, "expires": now + 3600, "files": entries,
    });
    let options = SealOptions::default().with_argon2(Argon2Params::INSECURE_TEST).unwrap();
    let sealed = seal_bytes(manifest.to_string().as_bytes(), &[Secret::password(PASSWORD)], &options).unwrap();
    store.put_range(&id, &BlobName::Manifest, 0, &sealed).unwrap();
    store.finish_blob(&id, &BlobName::Manifest, sealed.len() as u64).unwrap();
    store.finish_transfer(&id, now + 3600).unwrap();
    id
}

#[test]
fn a_hand_made_manifest_following_the_docs_opens() {
    let store = MemoryTransport::new();
    let id = craft(&store, &[file("ok.txt", b"fine"), file("leeg", b"")], 1);
    let opened = open(&store, &id).unwrap();
    assert_eq!(opened.info().from, "mallory@example.org");
    assert_eq!(read(&store, &opened, 0).unwrap(), b"fine");
    assert_eq!(read(&store, &opened, 1).unwrap(), b"");
}

#[test]
fn path_traversal_names() {
    // The sender refuses them.
    let store = MemoryTransport::new();
    for bad in ["../evil.txt", "..", ".", "a/b.txt", "a\\b.txt", "/etc/passwd", "", "nul\0byte", "line\nbreak"] {
        let err =
            send_transfer(&store, request(vec![FileSource::bytes(bad, b"x".to_vec())]), &send_options(), &NoProgress)
                .unwrap_err();
        assert!(matches!(err, TransferError::InvalidName { .. }), "{bad:?}: {err}");
    }
    let err = send_transfer(
        &store,
        request(vec![FileSource::bytes("fine.txt", b"x".to_vec()).with_name("../../x")]),
        &send_options(),
        &NoProgress,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "InvalidName");

    // A malicious sender writes them into the manifest by hand: the
    // recipient refuses to use them as paths.
    let names = ["../../evil.txt", "/tmp/abs.txt", "..", "sub/dir.txt", "back\\slash.txt", "ctrl\u{1b}[2J.txt"];
    let crafted: Vec<_> = names.iter().map(|n| file(n, b"payload")).collect();
    let id = craft(&store, &crafted, 1);
    let opened = open(&store, &id).unwrap();
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("a").join("b");
    fs::create_dir_all(&dest).unwrap();
    for (i, name) in names.iter().enumerate() {
        let err = opened.download_file(&store, i, &dest, true, &NoProgress).unwrap_err();
        assert!(matches!(err, TransferError::InvalidName { name: ref n, .. } if n == name), "{name:?}: {err}");
    }
    assert_eq!(kind(opened.download_all(&store, &dest, true, &NoProgress)), "InvalidName");
    assert_eq!(walk_count(root.path()), 0, "nothing written anywhere");
    // The caller can still save the content under a name of its choice.
    let chosen = dest.join("evil-renamed.txt");
    opened.download_file_to(&store, 0, &chosen, false, &NoProgress).unwrap();
    assert_eq!(fs::read(&chosen).unwrap(), b"payload");
}

#[test]
fn names_that_deceive_are_refused_when_sent_and_saved_visible() {
    // Issue 12, finding 6. The sender refuses them: a bidirectional control
    // (`invoice\u{202e}fdp.exe` shows as `invoiceexe.pdf`), an invisible
    // character, a device name Windows reads through a superscript digit or
    // behind spaces and an extension.
    let store = MemoryTransport::new();
    for bad in ["invoice\u{202e}fdp.exe", "a\u{2066}b", "x\u{200b}.pdf", "COM\u{b9}", "lpt\u{b2}.txt", "nul .txt"] {
        let err =
            send_transfer(&store, request(vec![FileSource::bytes(bad, b"x".to_vec())]), &send_options(), &NoProgress)
                .unwrap_err();
        assert!(matches!(err, TransferError::InvalidName { ref name, .. } if name == bad), "{bad:?}: {err}");
    }
    assert!(store.list_expired(u64::MAX).unwrap().is_empty(), "nothing was stored");

    // A hand-made manifest: the invisible characters are saved as `_`, so
    // the name shows what the file is; a device name is refused.
    let id = craft(
        &store,
        &[file("invoice\u{202e}fdp.exe", b"exe"), file("invoice_fdp.exe", b"other"), file("COM\u{b3}.txt", b"dev")],
        1,
    );
    let opened = open(&store, &id).unwrap();
    assert_eq!(opened.info().files[0].name, "invoice\u{202e}fdp.exe", "the manifest's name, as it is");
    assert_eq!(opened.save_name(0), Some("invoice_fdp.exe"));
    assert_eq!(opened.save_name(1), Some("invoice_fdp (2).exe"));
    let dir = tempfile::tempdir().unwrap();
    let saved = opened.download_file(&store, 0, dir.path(), false, &NoProgress).unwrap();
    assert_eq!(saved, dir.path().join("invoice_fdp.exe"));
    assert_eq!(fs::read(&saved).unwrap(), b"exe");
    opened.download_file(&store, 1, dir.path(), false, &NoProgress).unwrap();
    assert_eq!(kind(opened.download_file(&store, 2, dir.path(), false, &NoProgress)), "InvalidName");
    let mut names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["invoice_fdp (2).exe", "invoice_fdp.exe"]);
}

fn walk_count(dir: &std::path::Path) -> usize {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() { walk_count(&p) } else { 1 }
        })
        .sum()
}

#[test]
fn file_that_disagrees_with_the_manifest() {
    let store = MemoryTransport::new();
    let id = craft(
        &store,
        &[
            Crafted { envelope_name: Some("other.txt"), ..file("a.txt", b"aaa") },
            Crafted { sha256: Some([0; 32]), ..file("b.txt", b"bbb") },
            file("c.txt", b"ccc"),
        ],
        1,
    );
    let opened = open(&store, &id).unwrap();
    let err = read(&store, &opened, 0).unwrap_err();
    assert!(matches!(err, TransferError::Tampered { ref reason, .. } if reason.contains("metadata")), "{err}");
    let err = read(&store, &opened, 1).unwrap_err();
    assert!(matches!(err, TransferError::Tampered { ref reason, .. } if reason.contains("SHA-256")), "{err}");
    assert_eq!(read(&store, &opened, 2).unwrap(), b"ccc");
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(kind(opened.download_file(&store, 1, dir.path(), false, &NoProgress)), "Tampered");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn unsupported_manifest_version() {
    let store = MemoryTransport::new();
    let id = craft(&store, &[file("a", b"a")], 2);
    assert!(matches!(open(&store, &id), Err(TransferError::UnsupportedManifest(2))));
}

// ------------------------------------------------------- invalid requests

#[test]
fn invalid_requests() {
    let store = MemoryTransport::new();
    let one = || vec![FileSource::bytes("a.txt", b"a".to_vec())];
    let mut cases: Vec<(&str, TransferRequest)> = Vec::new();
    cases.push(("no files", request(Vec::new())));
    let mut r = request(one());
    r.to.clear();
    cases.push(("no recipients", r));
    let mut r = request(one());
    r.from = "not an address".into();
    cases.push(("bad sender", r));
    let mut r = request(one());
    r.to.push("bob".into());
    cases.push(("bad recipient", r));
    let mut r = request(one());
    r.expires_in = Duration::ZERO;
    cases.push(("no lifetime", r));
    let mut r = request(one());
    r.expires_in = MAX_EXPIRES_IN + Duration::from_secs(1);
    cases.push(("too long a lifetime", r));
    let mut r = request(one());
    r.subject = "x".repeat(MAX_SUBJECT_LEN + 1);
    cases.push(("subject too long", r));
    let mut r = request(vec![FileSource::bytes("a", Vec::new()).with_media_type("not a type")]);
    r.subject = "ok".into();
    cases.push(("bad media type", r));
    let mut r = request(vec![FileSource::path("/definitely/not/here.txt")]);
    r.subject = "ok".into();
    cases.push(("missing file", r));
    for (what, req) in cases {
        let err = send_transfer(&store, req, &send_options(), &NoProgress).unwrap_err();
        assert!(matches!(err.kind(), "InvalidArgument" | "Io"), "{what}: {err}");
    }
    let folder = tempfile::tempdir().unwrap();
    let err = send_transfer(&store, request(vec![FileSource::path(folder.path())]), &send_options(), &NoProgress);
    assert!(err.is_err());
    assert!(store.list_expired(u64::MAX).unwrap().is_empty(), "nothing was stored");
}

// ------------------------------------------------------ Argon2 cost (issue 12, 7)

/// A transfer with no files whose manifest is sealed with `passwords` (the
/// last one is [`PASSWORD`]) at the cheap test cost; then, if `cost` is
/// given, the first password slot's Argon2 parameters are overwritten in
/// place (FORMAT.md §6.2: `m_kib`, `t`, `p` at offsets 3, 7, 11 of the slot
/// record, which starts at header offset 41), as a hostile server may.
fn forge_manifest(store: &dyn Transport, passwords: &[&str], cost: Option<Argon2Params>) -> TransferId {
    let id = TransferId::generate().unwrap();
    let now = unix_seconds(std::time::SystemTime::now());
    let manifest = serde_json::json!({
        "version": 1, "transfer": id.to_string(),
        "from": "mallory@example.org", "to": ["bob@example.org"], "subject": "forged",
        "created": now, "expires": now + 3600,
        "files": [{
            "blob": BlobId::generate().unwrap().to_string(), "name": "a.txt", "size": 0,
            "sha256": hex(&Sha256::digest(b"")), "key": hex(&[7; 32]),
        }],
    });
    let options = SealOptions::default().with_argon2(Argon2Params::INSECURE_TEST).unwrap();
    let secrets: Vec<Secret> = passwords.iter().map(|p| Secret::password(*p)).collect();
    let mut sealed = seal_bytes(manifest.to_string().as_bytes(), &secrets, &options).unwrap();
    if let Some(Argon2Params { m_kib, t, p }) = cost {
        assert_eq!(sealed[41], 1, "the first slot is a password slot");
        sealed[44..48].copy_from_slice(&m_kib.to_be_bytes());
        sealed[48..52].copy_from_slice(&t.to_be_bytes());
        sealed[52] = p;
    }
    store.put_range(&id, &BlobName::Manifest, 0, &sealed).unwrap();
    store.finish_blob(&id, &BlobName::Manifest, sealed.len() as u64).unwrap();
    store.finish_transfer(&id, now + 3600).unwrap();
    id
}

fn refusal(r: Result<OpenedTransfer, TransferError>) -> String {
    match r {
        Err(e @ TransferError::Envelope(kluis_core::OpenError::LimitsExceeded(_))) => e.to_string(),
        other => panic!("expected LimitsExceeded, got {other:?}"),
    }
}

#[test]
fn forged_manifest_costs_above_the_transfer_limits_are_refused_before_any_argon2() {
    let store = MemoryTransport::new();
    // Cheap cases first (each above one limit, cheap in the others), then
    // what the format allows at most: 1 GiB, 16 passes, 16 lanes, in all
    // four password slots. One of those Argon2 runs takes over a minute on
    // the 2-core test machine; all cases together are refused in far less
    // than one, so none ran.
    let cases = [
        (Argon2Params { m_kib: 1024, t: 9, p: 1 }, "Argon2 passes 9 outside 1..=8"),
        (Argon2Params { m_kib: 1024, t: 1, p: 9 }, "Argon2 lanes 9 outside 1..=8"),
        (Argon2Params { m_kib: 262_145, t: 1, p: 1 }, "Argon2 memory 262145 KiB is above the limit of 262144 KiB"),
        (Argon2Params { m_kib: 1 << 20, t: 16, p: 16 }, "Argon2 memory 1048576 KiB is above the limit of 262144 KiB"),
    ];
    let started = std::time::Instant::now();
    for (cost, expected) in cases {
        let id = forge_manifest(&store, &[PASSWORD], Some(cost));
        let message = refusal(open_transfer(&store, &id, &Password::new("not the password"), &receive_options()));
        assert!(message.contains(expected), "{cost}: {message}");
        assert!(message.contains("before any key derivation"), "{message}");
    }
    let huge = ["a", "b", "c", PASSWORD];
    let id = forge_manifest(&store, &huge, Some(Argon2Params { m_kib: 1 << 20, t: 16, p: 16 }));
    let message = refusal(open_transfer(&store, &id, &password(), &receive_options()));
    assert!(message.contains("4 password slots is above the limit of 2"), "{message}");
    // The cheapest forged cost above (1 MiB, 9 passes) alone takes a few
    // milliseconds; 1 GiB at 16 passes takes minutes.
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn forged_manifest_with_three_password_slots_is_refused_unless_the_limits_allow_it() {
    let store = MemoryTransport::new();
    let id = forge_manifest(&store, &["x-one", "x-two", PASSWORD], None);
    let message = refusal(open(&store, &id));
    assert!(message.contains("3 password slots is above the limit of 2"), "{message}");
    // The limit is the caller's to set: the envelope limits allow 4 slots.
    let loose = ReceiveOptions { limits: OpenLimits::ENVELOPE, ..receive_options() };
    assert_eq!(open_transfer(&store, &id, &password(), &loose).unwrap().info().subject, "forged");
    // And a manifest within the limits opens with the defaults.
    let id = forge_manifest(&store, &["x-one", PASSWORD], None);
    assert_eq!(open(&store, &id).unwrap().info().subject, "forged");
}

#[test]
fn sender_refuses_an_argon2_cost_the_recipients_default_limits_refuse() {
    let store = MemoryTransport::new();
    for argon2 in [Argon2Params { m_kib: 1024, t: 9, p: 1 }, Argon2Params { m_kib: 262_145, t: 1, p: 1 }] {
        let options = SendOptions { argon2, ..send_options() };
        let r = send_transfer(&store, request(vec![FileSource::bytes("a.txt", b"a".to_vec())]), &options, &NoProgress);
        assert!(
            matches!(&r, Err(TransferError::Seal(kluis_core::SealError::InvalidArgon2(m))) if m.contains("OpenLimits::TRANSFER")),
            "{r:?}"
        );
    }
    assert!(store.list_expired(u64::MAX).unwrap().is_empty(), "nothing was stored");
}
