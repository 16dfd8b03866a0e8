//! [`S3Store`] against a real S3-compatible server on loopback.
//!
//! The server is the one at `KLUIS_TEST_S3_ENDPOINT` (e.g.
//! `http://127.0.0.1:5000`), with `KLUIS_TEST_S3_ACCESS_KEY_ID`,
//! `KLUIS_TEST_S3_SECRET_ACCESS_KEY` and `KLUIS_TEST_S3_REGION` (defaults
//! `testing`, `testing`, `us-east-1`, which moto accepts). Each test creates
//! its own bucket. Without `KLUIS_TEST_S3_ENDPOINT`, each test starts
//! `moto_server` (from `PATH`, else from the end-to-end suite's venv
//! `$KLUIS_SERVER_VENV` or `target/server-venv`) on a free loopback port, and
//! stops it after; without moto it fails, unless `KLUIS_TEST_S3=skip` says to
//! skip.
//!
//! moto: `python3 -m venv /tmp/s3venv && /tmp/s3venv/bin/pip install 'moto[server]'`,
//! then either put `/tmp/s3venv/bin` on `PATH` or run
//! `/tmp/s3venv/bin/moto_server -H 127.0.0.1 -p 5000` and set
//! `KLUIS_TEST_S3_ENDPOINT=http://127.0.0.1:5000`.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use kluis_protocol::{BlobId, BlobName, TransferId};
use kluis_server::config::S3Config;
use kluis_server::storage::s3::{MAX_PIECE, MIN_PART_SIZE, S3Store};
use kluis_server::storage::{BlobStore, StoreError};
use kluis_server::testing::{check_contract, read_all};
use object_store::aws::{AmazonS3Builder, AwsAuthorizer, AwsCredential};
use object_store::client::{ClientOptions, HttpConnector, HttpRequest, HttpRequestBody, ReqwestConnector};
use object_store::path::Path;
use object_store::signer::Method;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// A transfer id and blob ids of the shape the server uses.
const TRANSFER: TransferId = TransferId::from_bytes([0x53; 16]);
const OTHER_TRANSFER: TransferId = TransferId::from_bytes([0x33; 16]);
const BLOB: BlobName = BlobName::File(BlobId::from_bytes([0x18; 16]));
const MANIFEST: BlobName = BlobName::Manifest;

/// A `moto_server` this test started; stopped on drop.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The S3 server under test; `None` when told to skip.
struct Server {
    endpoint: String,
    region: String,
    access_key_id: String,
    secret_access_key: String,
    _moto: Option<Moto>,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string())
}

/// Where moto may be: on `PATH`, else in the end-to-end suite's venv
/// (`KLUIS_SERVER_VENV`, by default `target/server-venv`, which
/// scripts/test-server.sh fills from crates/kluis-server/e2e/requirements.txt).
fn moto_candidates() -> Vec<std::path::PathBuf> {
    let venv = std::env::var_os("KLUIS_SERVER_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/server-venv"));
    vec!["moto_server".into(), venv.join("bin/moto_server")]
}

/// Starts moto on a free loopback port and waits until it accepts connections.
fn start_moto() -> Option<(String, Moto)> {
    let port =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).expect("a free loopback port").port();
    let mut started = None;
    for program in moto_candidates() {
        match Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => {
                started = Some(child);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{} did not start: {e}", program.display()),
        }
    }
    let moto = Moto(started?);
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not listen on port {port} within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((format!("http://127.0.0.1:{port}"), moto))
}

fn server() -> Option<Server> {
    let (endpoint, moto) = match std::env::var("KLUIS_TEST_S3_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => (endpoint, None),
        _ => {
            if std::env::var("KLUIS_TEST_S3").is_ok_and(|v| v == "skip") {
                eprintln!("SKIPPED: KLUIS_TEST_S3=skip, no S3 server tested");
                return None;
            }
            match start_moto() {
                Some((endpoint, moto)) => (endpoint, Some(moto)),
                None => panic!(
                    "no S3 server to test against: set KLUIS_TEST_S3_ENDPOINT=http://127.0.0.1:PORT \
                     (e.g. a running `moto_server -H 127.0.0.1 -p PORT`), or put moto_server on PATH \
                     (python3 -m venv /tmp/s3venv && /tmp/s3venv/bin/pip install 'moto[server]'; \
                     PATH=/tmp/s3venv/bin:$PATH) or in target/server-venv (scripts/test-server.sh makes it), \
                     or set KLUIS_TEST_S3=skip to skip these tests"
                ),
            }
        }
    };
    Some(Server {
        endpoint: endpoint.trim_end_matches('/').to_string(),
        region: env_or("KLUIS_TEST_S3_REGION", "us-east-1"),
        access_key_id: env_or("KLUIS_TEST_S3_ACCESS_KEY_ID", "testing"),
        secret_access_key: env_or("KLUIS_TEST_S3_SECRET_ACCESS_KEY", "testing"),
        _moto: moto,
    })
}

impl Server {
    fn config(&self, bucket: &str) -> S3Config {
        S3Config {
            bucket: bucket.to_string(),
            endpoint: Some(self.endpoint.clone()),
            region: self.region.clone(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            allow_http: true,
        }
    }

    /// A new store instance on `bucket` (as a fresh server process would open it).
    fn store(&self, bucket: &str) -> S3Store {
        S3Store::connect(&self.config(bucket)).expect("S3Store::connect")
    }

    /// The bucket as plain objects, to look at the layout.
    fn raw(&self, bucket: &str) -> Arc<dyn ObjectStore> {
        let raw = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&self.endpoint)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            .with_allow_http(true)
            .build()
            .expect("a plain object_store client");
        Arc::new(raw)
    }

    /// Sends a signed bucket-level request (`PUT` creates, `DELETE` removes);
    /// returns the HTTP status.
    async fn bucket_request(&self, method: Method, bucket: &str) -> u16 {
        // Installs rustls' ring provider, which the HTTP client needs.
        drop(self.store(bucket));
        let client =
            ReqwestConnector::default().connect(&ClientOptions::new().with_allow_http(true)).expect("an HTTP client");
        let mut request = HttpRequest::new(HttpRequestBody::empty());
        *request.method_mut() = method;
        *request.uri_mut() = format!("{}/{bucket}", self.endpoint).parse().expect("a bucket URL");
        let credential = AwsCredential {
            key_id: self.access_key_id.clone(),
            secret_key: self.secret_access_key.clone(),
            token: None,
        };
        AwsAuthorizer::new(&credential, "s3", &self.region)
            .try_authorize(&mut request, None)
            .expect("signing the bucket request");
        let response = client.execute(request).await.expect("the bucket request");
        response.status().as_u16()
    }

    /// Creates `bucket` (already owning it is fine).
    async fn create_bucket(&self, bucket: &str) {
        let status = self.bucket_request(Method::PUT, bucket).await;
        assert!(status == 200 || status == 409, "creating bucket {bucket}: HTTP {status}");
    }

    /// Deletes `bucket`, which the test emptied.
    async fn delete_bucket(&self, bucket: &str) {
        let status = self.bucket_request(Method::DELETE, bucket).await;
        assert_eq!(status, 204, "deleting bucket {bucket} (it must be empty)");
    }
}

/// A bucket name unique to this run and test.
fn bucket_name(test: &str) -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("kluis-{test}-{}-{nanos}", std::process::id())
}

/// Deterministic bytes that differ at every offset modulo 251.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ ((i / 251) as u8).rotate_left(3)).collect()
}

async fn keys(raw: &Arc<dyn ObjectStore>, prefix: &str) -> Vec<String> {
    let prefix = Path::from(prefix);
    let mut listing = raw.list(Some(&prefix).filter(|p| !p.as_ref().is_empty()));
    let mut keys = Vec::new();
    while let Some(meta) = listing.next().await {
        keys.push(meta.expect("listing").location.to_string());
    }
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_store_meets_the_contract() {
    let Some(server) = server() else { return };
    let bucket = bucket_name("contract");
    server.create_bucket(&bucket).await;
    check_contract(&server.store(&bucket)).await;
    assert!(keys(&server.raw(&bucket), "").await.is_empty(), "the contract check leaves nothing behind");
    server.delete_bucket(&bucket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_blob_resumes_across_instances_and_becomes_one_multipart_object() {
    let Some(server) = server() else { return };
    let bucket = bucket_name("large");
    server.create_bucket(&bucket).await;
    let raw = server.raw(&bucket);
    let part = MIN_PART_SIZE as usize;

    // 2 full parts and a short last one, sent in pieces of odd sizes that
    // never line up with the parts.
    let data = pattern(2 * part + 1_234_567);
    let sizes = [1_000_003usize, 777_777, 9_000_001, 17, 2_500_001, 1, 3_333_331];
    let mut cuts = Vec::new();
    let (mut at, mut i) = (0usize, 0usize);
    while at < data.len() {
        let end = (at + sizes[i % sizes.len()]).min(data.len());
        cuts.push(at..end);
        at = end;
        i += 1;
    }
    let half = cuts.len() / 2;

    // The first server process uploads half, then goes away.
    let first = server.store(&bucket);
    let mut offset = 0u64;
    for cut in &cuts[..half] {
        offset = first
            .append(&TRANSFER, &BLOB, offset, Bytes::copy_from_slice(&data[cut.clone()]))
            .await
            .expect("append (first process)");
    }
    drop(first);
    let max_piece = MAX_PIECE as usize;
    assert_eq!(
        keys(&raw, &format!("partial/{TRANSFER}/{BLOB}")).await.len(),
        cuts[..half].iter().map(|cut| cut.len().div_ceil(max_piece)).sum::<usize>(),
        "one object per appended piece, larger appends split at MAX_PIECE"
    );
    assert!(cuts[..half].iter().any(|cut| cut.len() > max_piece), "the test splits an append");

    // A new process finds the upload where it stopped and finishes it.
    let second = server.store(&bucket);
    assert_eq!(second.partial_len(&TRANSFER, &BLOB).await.expect("partial_len"), Some(offset), "resumed length");
    // Offsets just behind, at an earlier piece, in the middle of the split
    // append, just past and far past the length all conflict.
    let earlier = cuts[half - 2].end as u64;
    let inside_split = cuts[2].start as u64 + MAX_PIECE;
    for wrong in [offset - 1, earlier, inside_split, offset + 1, offset + 3 * MAX_PIECE, 0] {
        match second.append(&TRANSFER, &BLOB, wrong, Bytes::from_static(b"x")).await {
            Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(offset), "offset {wrong}"),
            other => panic!("an append at {wrong} (length {offset}) must conflict, got {other:?}"),
        }
    }
    for cut in &cuts[half..] {
        offset = second
            .append(&TRANSFER, &BLOB, offset, Bytes::copy_from_slice(&data[cut.clone()]))
            .await
            .expect("append (second process)");
    }
    assert_eq!(offset, data.len() as u64);
    assert!(
        matches!(second.complete(&TRANSFER, &BLOB, offset - 1).await, Err(StoreError::Conflict { current: Some(c), .. }) if c == offset),
        "completing with a wrong size conflicts with the partial length"
    );
    second.complete(&TRANSFER, &BLOB, offset).await.expect("complete");

    // One object, made of 3 multipart parts; the pieces are gone.
    let blob_key = format!("blobs/{TRANSFER}/{BLOB}");
    let meta = raw.head(&Path::from(blob_key.as_str())).await.expect("the complete object");
    assert_eq!(meta.size, data.len() as u64);
    let e_tag = meta.e_tag.unwrap_or_default();
    assert!(e_tag.trim_matches('"').ends_with("-3"), "a 3-part multipart upload, got ETag {e_tag}");
    assert_eq!(keys(&raw, "partial").await, Vec::<String>::new(), "no piece left after complete");

    // A third process sees the complete blob and reads it back, across parts.
    let third = server.store(&bucket);
    assert_eq!(third.partial_len(&TRANSFER, &BLOB).await.expect("partial_len"), None);
    assert_eq!(third.complete_len(&TRANSFER, &BLOB).await.expect("complete_len"), Some(offset));
    third.complete(&TRANSFER, &BLOB, offset).await.expect("complete again is idempotent");
    let whole = read_all(&third, &TRANSFER, &BLOB, 0..offset).await.expect("whole read");
    assert!(whole == data, "the whole blob reads back as written");
    let len = data.len();
    for range in [
        0..1,
        part - 1..part + 1,
        part..2 * part,
        part - 7..2 * part + 7,
        2 * part - 1..2 * part,
        2 * part..len,
        len - 1..len,
        1_000_000..1_000_010, // a piece boundary
    ] {
        let got = read_all(&third, &TRANSFER, &BLOB, range.start as u64..range.end as u64).await.expect("range read");
        assert!(got == data[range.clone()], "range {range:?} reads back as written");
    }
    assert!(
        matches!(third.read(&TRANSFER, &BLOB, 0..offset + 1).await, Err(StoreError::Conflict { .. })),
        "a range past the end is refused"
    );

    // A read is a stream, not one buffer: several chunks for a whole part.
    let mut stream = third.read(&TRANSFER, &BLOB, 0..MIN_PART_SIZE).await.expect("read");
    let (mut chunks, mut total) = (0usize, 0usize);
    while let Some(chunk) = stream.next().await {
        total += chunk.expect("chunk").len();
        chunks += 1;
    }
    assert_eq!(total, part);
    assert!(chunks > 1, "a read streams its bytes in chunks");

    // A crash between completing and deleting the pieces leaves a stray
    // piece; it does not revive a partial blob, and complete removes it.
    let stray = Path::from(format!("partial/{TRANSFER}/{BLOB}/00000000000000000000").as_str());
    raw.put(&stray, PutPayload::from_static(b"stray")).await.expect("stray piece");
    assert_eq!(third.partial_len(&TRANSFER, &BLOB).await.expect("partial_len"), None, "complete wins over pieces");
    third.complete(&TRANSFER, &BLOB, offset).await.expect("complete cleans up");
    assert!(keys(&raw, "partial").await.is_empty(), "the stray piece is removed");

    // Deleting removes every object of the transfer, and only those.
    third.append(&OTHER_TRANSFER, &BLOB, 0, Bytes::from_static(b"keep")).await.expect("other transfer");
    third.append(&TRANSFER, &MANIFEST, 0, Bytes::from_static(b"partial")).await.expect("a partial blob");
    third.delete_transfer(&TRANSFER).await.expect("delete");
    assert_eq!(third.complete_len(&TRANSFER, &BLOB).await.expect("complete_len"), None);
    assert_eq!(third.partial_len(&TRANSFER, &MANIFEST).await.expect("partial_len"), None);
    assert!(matches!(third.read(&TRANSFER, &BLOB, 0..1).await, Err(StoreError::NotFound)));
    assert_eq!(
        keys(&raw, "").await,
        vec![format!("partial/{OTHER_TRANSFER}/{BLOB}/00000000000000000000")],
        "only the other transfer's piece is left"
    );
    third.delete_transfer(&OTHER_TRANSFER).await.expect("delete the other transfer");
    server.delete_bucket(&bucket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_at_one_offset_let_exactly_one_win() {
    let Some(server) = server() else { return };
    let bucket = bucket_name("race");
    server.create_bucket(&bucket).await;

    // The server honours conditional puts (If-None-Match: *), which the
    // store relies on when two appends race past the length check.
    let raw = server.raw(&bucket);
    let probe = Path::from("probe");
    let create = || object_store::PutOptions::from(object_store::PutMode::Create);
    raw.put_opts(&probe, PutPayload::from_static(b"1"), create()).await.expect("first create");
    assert!(
        matches!(
            raw.put_opts(&probe, PutPayload::from_static(b"2"), create()).await,
            Err(object_store::Error::AlreadyExists { .. })
        ),
        "a second create of one key must fail: the S3 server ignores If-None-Match"
    );
    raw.delete(&probe).await.expect("delete the probe");

    // Each racer is its own store instance, as separate server processes are.
    let first = server.store(&bucket);
    assert_eq!(first.append(&TRANSFER, &BLOB, 0, Bytes::from_static(b"head")).await.expect("append"), 4);
    let racers = 8usize;
    let mut tasks = Vec::new();
    for i in 0..racers {
        let store = server.store(&bucket);
        let body = Bytes::from(vec![b'a' + i as u8; 1000 + i]);
        tasks.push(tokio::spawn(async move { (i, store.append(&TRANSFER, &BLOB, 4, body).await) }));
    }
    let mut winners = Vec::new();
    let mut conflicts = Vec::new();
    for task in tasks {
        let (i, result) = task.await.expect("racer task");
        match result {
            Ok(len) => winners.push((i, len)),
            Err(StoreError::Conflict { current, .. }) => conflicts.push(current),
            Err(e) => panic!("racer {i} failed: {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one append at offset 4 wins, got {winners:?}");
    let (winner, len) = winners[0];
    assert_eq!(len, 4 + 1000 + winner as u64);
    // Whether a loser listed before or after the winner's piece appeared, it
    // learns the length with the winner's piece.
    assert_eq!(conflicts, vec![Some(len); racers - 1], "every loser conflicts with the new length");
    assert_eq!(first.partial_len(&TRANSFER, &BLOB).await.expect("partial_len"), Some(len));
    first.complete(&TRANSFER, &BLOB, len).await.expect("complete");
    let got = read_all(&first, &TRANSFER, &BLOB, 0..len).await.expect("read");
    let mut want = b"head".to_vec();
    want.extend(std::iter::repeat_n(b'a' + winner as u8, 1000 + winner));
    assert!(got == want, "the blob is the head and the winner's bytes only");
    first.delete_transfer(&TRANSFER).await.expect("clean up");
    server.delete_bucket(&bucket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_a_clear_error() {
    let Some(server) = server() else { return };
    let store = server.store(&bucket_name("absent"));
    match store.check().await {
        Err(StoreError::Io(message)) => assert!(message.contains("cannot be listed"), "{message}"),
        other => panic!("checking a missing bucket must fail, got {other:?}"),
    }
    match store.append(&TRANSFER, &BLOB, 0, Bytes::from_static(b"x")).await {
        Err(StoreError::Io(_)) => {}
        other => panic!("appending into a missing bucket must be an I/O error, got {other:?}"),
    }
}
