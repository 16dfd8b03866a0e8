//! The [`BlobStore`] contract as one reusable check, so every store
//! implementation (folder, S3) is held to the same behaviour.
//!
//! Call [`check_contract`] from a test with a fresh (or reusable) store; it
//! panics, naming the broken rule, when the store breaks the contract. It uses
//! the transfers [`TRANSFER_A`] and [`TRANSFER_B`] and deletes them first.

use bytes::Bytes;
use futures::StreamExt;

use kluis_protocol::{BlobId, BlobName, TransferId};

use crate::storage::{BlobStore, StoreError};

/// The first transfer id the contract check uses (`aaaa…a`).
pub const TRANSFER_A: TransferId = TransferId::from_bytes([0; 16]);
/// The second transfer id the contract check uses.
pub const TRANSFER_B: TransferId = TransferId::from_bytes([0x42; 16]);
/// A blob id (not the manifest) the contract check uses.
pub const BLOB: BlobName = BlobName::File(BlobId::from_bytes([0x10; 16]));
/// The manifest blob.
const MANIFEST: BlobName = BlobName::Manifest;

/// Reads a range of a complete blob into memory (small blobs only).
pub async fn read_all(
    store: &dyn BlobStore,
    transfer: &TransferId,
    blob: &BlobName,
    range: std::ops::Range<u64>,
) -> Result<Vec<u8>, StoreError> {
    let mut stream = store.read(transfer, blob, range).await?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// Deterministic test bytes.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

fn is_conflict(result: &Result<impl std::fmt::Debug, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict { .. }))
}

/// Checks every rule of the [`BlobStore`] contract against `store`; panics
/// with the broken rule's name.
pub async fn check_contract(store: &dyn BlobStore) {
    let (a, b) = (&TRANSFER_A, &TRANSFER_B);
    store.delete_transfer(a).await.expect("delete before the check");
    store.delete_transfer(b).await.expect("delete before the check");

    // Absent blobs.
    assert_eq!(store.partial_len(a, &MANIFEST).await.expect("partial_len"), None, "absent: no partial");
    assert_eq!(store.complete_len(a, &MANIFEST).await.expect("complete_len"), None, "absent: not complete");
    assert!(matches!(store.read(a, &MANIFEST, 0..0).await, Err(StoreError::NotFound)), "absent: read is NotFound");
    assert!(matches!(store.complete(a, &MANIFEST, 0).await, Err(StoreError::NotFound)), "absent: complete is NotFound");
    let stray = store.append(a, &MANIFEST, 5, Bytes::from_static(b"x")).await;
    assert!(
        matches!(stray, Err(StoreError::Conflict { current: None | Some(0), .. })),
        "absent: append past 0 is a conflict, got {stray:?}"
    );

    // Appending, with offsets checked.
    let data = pattern(300_000, 7);
    assert_eq!(store.append(a, &MANIFEST, 0, Bytes::copy_from_slice(&data[..1000])).await.expect("append at 0"), 1000);
    assert_eq!(
        store.partial_len(a, &MANIFEST).await.expect("partial_len"),
        Some(1000),
        "partial length after one append"
    );
    assert_eq!(store.complete_len(a, &MANIFEST).await.expect("complete_len"), None, "a partial blob is not complete");
    for wrong in [0, 999, 1001] {
        match store.append(a, &MANIFEST, wrong, Bytes::from_static(b"zz")).await {
            Err(StoreError::Conflict { current, .. }) => {
                assert_eq!(current, Some(1000), "a wrong offset's conflict gives the current length");
            }
            other => panic!("append at wrong offset {wrong} must conflict, got {other:?}"),
        }
    }
    assert!(
        matches!(store.read(a, &MANIFEST, 0..10).await, Err(StoreError::NotFound)),
        "a partial blob cannot be read"
    );
    let mut offset = 1000;
    for piece in data[1000..].chunks(70_001) {
        offset = store
            .append(a, &MANIFEST, offset, Bytes::copy_from_slice(piece))
            .await
            .expect("append at the partial length");
    }
    assert_eq!(offset, data.len() as u64, "appends add up");
    assert_eq!(
        store.append(a, &MANIFEST, offset, Bytes::new()).await.expect("empty append"),
        offset,
        "an empty append changes nothing"
    );

    // Completing.
    assert!(is_conflict(&store.complete(a, &MANIFEST, offset - 1).await), "complete with a smaller size conflicts");
    assert!(is_conflict(&store.complete(a, &MANIFEST, offset + 1).await), "complete with a larger size conflicts");
    assert_eq!(
        store.partial_len(a, &MANIFEST).await.expect("partial_len"),
        Some(offset),
        "a refused complete keeps the partial blob"
    );
    store.complete(a, &MANIFEST, offset).await.expect("complete with the partial length");
    assert_eq!(store.complete_len(a, &MANIFEST).await.expect("complete_len"), Some(offset), "complete length");
    assert_eq!(store.partial_len(a, &MANIFEST).await.expect("partial_len"), None, "a complete blob has no partial");
    store.complete(a, &MANIFEST, offset).await.expect("complete is idempotent");
    assert!(is_conflict(&store.complete(a, &MANIFEST, offset + 1).await), "complete with another size conflicts");
    assert!(
        is_conflict(&store.append(a, &MANIFEST, offset, Bytes::from_static(b"more")).await),
        "appending to a complete blob conflicts"
    );
    assert!(
        is_conflict(&store.append(a, &MANIFEST, 0, Bytes::from_static(b"anew")).await),
        "restarting a complete blob conflicts"
    );
    assert_eq!(
        store.complete_len(a, &MANIFEST).await.expect("complete_len"),
        Some(offset),
        "a refused append keeps the complete blob"
    );

    // Reading ranges.
    assert_eq!(read_all(store, a, &MANIFEST, 0..offset).await.expect("read all"), data, "whole read");
    assert_eq!(
        read_all(store, a, &MANIFEST, 12_345..200_001).await.expect("read range"),
        &data[12_345..200_001],
        "range read"
    );
    assert_eq!(
        read_all(store, a, &MANIFEST, offset - 1..offset).await.expect("read last"),
        &data[data.len() - 1..],
        "last byte"
    );
    assert!(read_all(store, a, &MANIFEST, 17..17).await.expect("read empty").is_empty(), "empty range");

    // Blobs and transfers are independent; an empty blob is allowed.
    assert_eq!(store.complete_len(a, &BLOB).await.expect("complete_len"), None, "another blob is untouched");
    assert_eq!(store.append(a, &BLOB, 0, Bytes::new()).await.expect("empty blob"), 0);
    assert_eq!(store.partial_len(a, &BLOB).await.expect("partial_len"), Some(0), "an empty partial blob exists");
    store.complete(a, &BLOB, 0).await.expect("complete an empty blob");
    assert_eq!(store.complete_len(a, &BLOB).await.expect("complete_len"), Some(0));
    assert!(read_all(store, a, &BLOB, 0..0).await.expect("read empty blob").is_empty());
    let other = pattern(10, 1);
    assert_eq!(store.append(b, &MANIFEST, 0, Bytes::copy_from_slice(&other)).await.expect("append b"), 10);
    store.complete(b, &MANIFEST, 10).await.expect("complete b");
    assert_eq!(store.append(b, &BLOB, 0, Bytes::from_static(b"partial")).await.expect("append b blob"), 7);

    // Deleting.
    store.delete_transfer(a).await.expect("delete a");
    assert_eq!(store.complete_len(a, &MANIFEST).await.expect("complete_len"), None, "deleted: not complete");
    assert_eq!(store.complete_len(a, &BLOB).await.expect("complete_len"), None, "deleted: no blob left");
    assert!(matches!(store.read(a, &MANIFEST, 0..1).await, Err(StoreError::NotFound)), "deleted: read is NotFound");
    store.delete_transfer(a).await.expect("deleting twice succeeds");
    assert_eq!(
        read_all(store, b, &MANIFEST, 0..10).await.expect("b survives"),
        other,
        "another transfer survives a delete"
    );
    assert_eq!(store.partial_len(b, &BLOB).await.expect("partial_len"), Some(7), "another transfer's partial survives");
    store.delete_transfer(b).await.expect("delete b");
    assert_eq!(store.partial_len(b, &BLOB).await.expect("partial_len"), None, "deleted: no partial left");
    assert_eq!(
        store.append(b, &BLOB, 0, Bytes::from_static(b"again")).await.expect("upload after delete"),
        5,
        "a deleted transfer starts anew"
    );

    // Unsynced appends (one upload request's pieces but its last): the
    // same offsets and conflicts as `append`, and `sync` makes them durable.
    store.sync(b, &MANIFEST).await.expect("sync of an absent blob does nothing");
    assert_eq!(
        store.append_unsynced(b, &BLOB, 5, Bytes::from_static(b"-one")).await.expect("unsynced"),
        9,
        "unsynced length"
    );
    assert!(is_conflict(&store.append_unsynced(b, &BLOB, 5, Bytes::from_static(b"x")).await), "unsynced: wrong offset");
    assert_eq!(store.partial_len(b, &BLOB).await.expect("partial_len"), Some(9), "unsynced bytes count");
    store.sync(b, &BLOB).await.expect("sync");
    assert_eq!(store.append(b, &BLOB, 9, Bytes::from_static(b"-two")).await.expect("synced after unsynced"), 13);
    store.complete(b, &BLOB, 13).await.expect("complete after unsynced appends");
    assert_eq!(read_all(store, b, &BLOB, 0..13).await.expect("read"), b"again-one-two", "unsynced bytes kept in order");
    store.delete_transfer(b).await.expect("clean up");
}
