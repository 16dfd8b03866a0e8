//! The folder store under concurrency, and resumed uploads.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::process::Command;
use std::sync::atomic::Ordering;

use common::*;
use kluis_transfer::*;

/// Sends `count` transfers of three files each into `store`; returns
/// (id, expected contents).
fn send_many(store: &dyn Transport, count: usize, seed: u8) -> Vec<(TransferId, Vec<Vec<u8>>)> {
    (0..count)
        .map(|i| {
            let contents = vec![
                pattern(10_000 + i, seed),
                pattern(3, seed.wrapping_add(1)),
                pattern(20_000, seed.wrapping_add(2)),
            ];
            let sources = contents
                .iter()
                .enumerate()
                .map(|(j, c)| FileSource::bytes(format!("file {j}.bin"), c.clone()))
                .collect();
            (send(store, sources).id, contents)
        })
        .collect()
}

fn verify(store: &dyn Transport, sent: &[(TransferId, Vec<Vec<u8>>)]) {
    for (id, contents) in sent {
        let opened = open(store, id).unwrap();
        for (i, c) in contents.iter().enumerate() {
            assert_eq!(&read(store, &opened, i).unwrap(), c);
        }
    }
}

#[test]
fn two_threads_send_into_one_store() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("store");
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2u8)
            .map(|t| {
                let root = root.clone();
                // Each thread has its own handle on the same folder.
                s.spawn(move || send_many(&DirectoryTransport::open(&root).unwrap(), 4, t * 50))
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.len(), 8);
    let store = DirectoryTransport::open(&root).unwrap();
    verify(&store, &results);
    assert_eq!(fs::read_dir(&root).unwrap().count(), 8, "one folder per transfer, nothing else");
}

/// Run as a child process by `two_processes_send_into_one_store`; does
/// nothing when run by the test harness directly.
#[test]
fn child_sender() {
    let Ok(root) = std::env::var("KLUIS_TEST_CHILD_STORE") else { return };
    let seed: u8 = std::env::var("KLUIS_TEST_CHILD_SEED").unwrap().parse().unwrap();
    let store = DirectoryTransport::open(root).unwrap();
    for (id, _) in send_many(&store, 5, seed) {
        println!("SENT {id}");
    }
}

#[test]
fn two_processes_send_into_one_store() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("store");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = [7u8, 77]
        .iter()
        .map(|seed| {
            Command::new(&exe)
                .args(["--exact", "child_sender", "--nocapture", "--test-threads=1"])
                .env("KLUIS_TEST_CHILD_STORE", &root)
                .env("KLUIS_TEST_CHILD_SEED", seed.to_string())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut sent = Vec::new();
    for (child, seed) in children.into_iter().zip([7u8, 77]) {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        let stdout = String::from_utf8(output.stdout).unwrap();
        let ids: Vec<TransferId> =
            stdout.lines().filter_map(|l| l.split_once("SENT ")).map(|(_, id)| id.parse().unwrap()).collect();
        assert_eq!(ids.len(), 5, "{stdout}");
        for (i, id) in ids.into_iter().enumerate() {
            let contents = vec![pattern(10_000 + i, seed), pattern(3, seed + 1), pattern(20_000, seed + 2)];
            sent.push((id, contents));
        }
    }
    let store = DirectoryTransport::open(&root).unwrap();
    verify(&store, &sent);
    assert_eq!(fs::read_dir(&root).unwrap().count(), 10);
}

#[test]
fn send_transfer_resumes_after_a_failure_by_the_shared_policy() {
    let store = MemoryTransport::new();
    let files = || vec![FileSource::bytes("a.bin", pattern(50_000, 3))];
    // One dropped connection: send_transfer resumes by itself, sending no
    // byte twice, as `kluis send` does.
    let flaky = Flaky::new(&store, 20_000 + 1234);
    let sent = send_transfer(&flaky, request(files()), &send_options(), &NoProgress).unwrap();
    assert_eq!(flaky.failures.load(Ordering::SeqCst), 1);
    assert_eq!(flaky.written.load(Ordering::SeqCst), sent.stored_bytes);
    let opened = open(&store, &sent.id).unwrap();
    assert_eq!(read(&store, &opened, 0).unwrap(), pattern(50_000, 3));
    // With one attempt only, the failure is the caller's.
    let once = SendOptions { upload_attempts: 1, ..send_options() };
    let flaky = Flaky::new(&store, 20_000);
    let err = send_transfer(&flaky, request(files()), &once, &NoProgress).unwrap_err();
    assert!(is_resumable(&err), "{err}");
    assert_eq!(UPLOAD_ATTEMPTS, 3);
}

fn resumed_upload(store: &dyn Transport) {
    let contents = [pattern(50_000, 1), Vec::new(), pattern(9_000, 2)];
    let sources = contents.iter().enumerate().map(|(i, c)| FileSource::bytes(format!("{i}.bin"), c.clone())).collect();
    let prepared = PreparedTransfer::prepare(request(sources), &send_options(), &NoProgress).unwrap();
    let total = prepared.sealed_len();

    // The connection drops in the middle of a piece of the first file.
    let flaky = Flaky::new(store, 20_000 + 1234);
    let err = prepared.upload(&flaky, &NoProgress).unwrap_err();
    assert!(matches!(err, TransferError::Transport(TransportError::Io(_))), "{err}");
    assert_eq!(flaky.written.load(Ordering::SeqCst), 21_234);
    let id = prepared.id();
    // Nothing is visible as complete: no finished transfer, no complete blob.
    assert_eq!(store.expiry(&id).unwrap(), None);
    assert_eq!(store.complete_len(&id, &BlobName::Manifest).unwrap(), None);
    assert_eq!(kind_of(open(store, &id)), "NotFound");

    // Resume: only the missing bytes are sent, none twice.
    let recorder = Recorder::default();
    let sent = prepared.upload(&flaky, &recorder).unwrap();
    assert_eq!(flaky.failures.load(Ordering::SeqCst), 1);
    assert_eq!(sent.uploaded_bytes, total - 21_234);
    assert_eq!(flaky.written.load(Ordering::SeqCst), total);
    let first = recorder.0.lock().unwrap().iter().find(|e| e.phase == Phase::Uploading).copied().unwrap();
    assert_eq!((first.file, first.done), (Some(0), 21_234), "progress starts where the store stands");

    let opened = open(store, &id).unwrap();
    for (i, c) in contents.iter().enumerate() {
        assert_eq!(&read(store, &opened, i).unwrap(), c);
    }
}

fn kind_of<T>(r: Result<T, TransferError>) -> &'static str {
    r.err().map_or("Ok", |e| e.kind())
}

#[test]
fn resumed_upload_in_memory() {
    resumed_upload(&MemoryTransport::new());
}

#[test]
fn resumed_upload_in_a_folder() {
    let scratch = tempfile::tempdir().unwrap();
    let store = DirectoryTransport::open(scratch.path()).unwrap();
    resumed_upload(&store);
    // After the resume, no .part file is left.
    for entry in fs::read_dir(scratch.path()).unwrap() {
        for blob in fs::read_dir(entry.unwrap().path()).unwrap() {
            let name = blob.unwrap().file_name().into_string().unwrap();
            assert!(!name.ends_with(".part") && !name.starts_with('.'), "{name}");
        }
    }
}

#[test]
fn resume_after_each_possible_failure_point() {
    // Fail at many points (inside pieces, at piece boundaries, in the
    // manifest); every time, one resume completes the transfer exactly.
    let store = MemoryTransport::new();
    let prepared = PreparedTransfer::prepare(
        request(vec![FileSource::bytes("x", pattern(20_000, 3))]),
        &send_options(),
        &NoProgress,
    )
    .unwrap();
    let total = prepared.sealed_len();
    for budget in [0, 1, 8191, 8192, 8193, 16_384, total - 100, total - 1] {
        let id = prepared.id();
        store.delete_transfer(&id).unwrap();
        let flaky = Flaky::new(&store, budget);
        let first = prepared.upload(&flaky, &NoProgress);
        assert!(first.is_err(), "budget {budget}");
        let sent = prepared.upload(&flaky, &NoProgress).unwrap();
        assert_eq!(sent.uploaded_bytes + budget, total, "budget {budget}");
        assert_eq!(flaky.written.load(Ordering::SeqCst), total, "budget {budget}");
        assert_eq!(read(&store, &open(&store, &id).unwrap(), 0).unwrap(), pattern(20_000, 3));
    }
}

#[test]
fn abandoned_uploads_are_listed() {
    let scratch = tempfile::tempdir().unwrap();
    let store = DirectoryTransport::open(scratch.path()).unwrap();
    let done = send(&store, vec![FileSource::bytes("a", b"a".to_vec())]);
    let prepared = PreparedTransfer::prepare(
        request(vec![FileSource::bytes("b", pattern(30_000, 1))]),
        &send_options(),
        &NoProgress,
    )
    .unwrap();
    assert!(prepared.upload(&Flaky::new(&store, 10_000), &NoProgress).is_err());
    assert_eq!(store.list_abandoned(std::time::Duration::ZERO).unwrap(), vec![prepared.id()]);
    assert!(store.list_abandoned(std::time::Duration::from_secs(3600)).unwrap().is_empty());
    assert!(store.list_expired(u64::MAX).unwrap() == vec![done.id]);
}
