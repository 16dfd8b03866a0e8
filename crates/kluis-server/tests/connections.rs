//! Connection limits and timeouts (`[connections]`, src/net.rs), driven over
//! raw TCP against an in-process server.

use std::time::{Duration, Instant};

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ANN: &str = "ann@example.org";

async fn start(dir: &std::path::Path, connections: &str) -> Res<TestServer> {
    TestServer::start_with(config(dir, &format!("[connections]\n{connections}"))?).await
}

async fn connect(s: &TestServer) -> Res<TcpStream> {
    Ok(TcpStream::connect(s.base.trim_start_matches("http://")).await?)
}

/// Reads until the server closes the connection; `None` if it is still open
/// after `limit`. Answers what was read and when the close came.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(Vec<u8>, Duration)> {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let left = limit.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((got, start.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nHost: kluis\r\n\r\n";

#[tokio::test]
async fn an_unfinished_request_head_is_closed_at_the_header_timeout() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "header_timeout_secs = 1\nidle_timeout_secs = 30").await?;
    let mut slow = connect(&s).await?;
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: kl").await?;
    let closed = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    let (_, after) = closed.ok_or("the server kept a half-sent request head open")?;
    assert!(after >= Duration::from_millis(800), "closed after {after:?}, before the timeout");
    s.stop().await
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "header_timeout_secs = 30\nidle_timeout_secs = 1").await?;
    let mut conn = connect(&s).await?;
    conn.write_all(HEALTH).await?;
    let closed = read_until_closed(&mut conn, Duration::from_secs(5)).await;
    let (answer, after) = closed.ok_or("the server kept an idle connection open")?;
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    assert!(after >= Duration::from_millis(800), "closed after {after:?}");
    s.stop().await
}

#[tokio::test]
async fn a_stalled_request_body_is_cut() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "body_timeout_secs = 1").await?;
    let mut conn = connect(&s).await?;
    conn.write_all(
        b"POST /api/v1/verify HTTP/1.1\r\nHost: kluis\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"addr",
    )
    .await?;
    let start = Instant::now();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf))
        .await
        .map_err(|_| "no answer to a stalled body")??;
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(start.elapsed() >= Duration::from_millis(800), "answered after {:?}", start.elapsed());
    s.stop().await
}

#[tokio::test]
async fn a_client_that_stops_reading_a_download_is_disconnected() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "idle_timeout_secs = 1").await?;
    let http = client();
    let token = s.token(&http, ANN).await?;
    let t = id(1);
    let size = 16 << 20;
    let ann = announcement(&t, ANN, &[("manifest", size)], 3600);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert!(r.status().is_success(), "{}", r.status());
    upload(&http, &s, &token, &t, "manifest", &bytes(size, 1)).await?;
    let finished = finish_transfer(&http, &s, &token, &t, &ann["expires_at"]).await?;
    assert!(finished.is_success(), "{finished}");

    let mut reader = connect(&s).await?;
    let request = format!("GET /api/v1/transfers/{t}/blobs/manifest HTTP/1.1\r\nHost: kluis\r\n\r\n");
    reader.write_all(request.as_bytes()).await?;
    // Read nothing while the server's writes fill the socket buffers.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let closed = read_until_closed(&mut reader, Duration::from_secs(10)).await;
    let (got, _) = closed.ok_or("the server kept writing to a client that stopped reading")?;
    assert!(got.len() < size, "the whole blob arrived ({} bytes); nothing stalled", got.len());
    s.stop().await
}

#[tokio::test]
async fn connections_per_ip_are_capped() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "max_per_ip = 2").await?;
    let held = [connect(&s).await?, connect(&s).await?];
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = connect(&s).await?;
    let _ = third.write_all(HEALTH).await;
    let closed = read_until_closed(&mut third, Duration::from_secs(3)).await;
    let (answer, _) = closed.ok_or("a third connection from one IP was kept")?;
    assert!(answer.is_empty(), "answered: {}", String::from_utf8_lossy(&answer));
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = client().get(s.url("/health")).send().await?;
    assert!(health.status().is_success());
    s.stop().await
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() -> Res {
    let dir = tempfile::tempdir()?;
    let s = start(dir.path(), "max = 2\nmax_per_ip = 0\nheader_timeout_secs = 30\nidle_timeout_secs = 30").await?;
    let first = connect(&s).await?;
    let second = connect(&s).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = connect(&s).await?; // completes in the kernel's backlog
    third.write_all(HEALTH).await?;
    let mut buf = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_millis(1500), third.read(&mut buf)).await;
    assert!(early.is_err(), "answered past the cap: {early:?}");
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf))
        .await
        .map_err(|_| "no answer once a slot was free")??;
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
    drop(second);
    s.stop().await
}
