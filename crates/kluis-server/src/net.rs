//! The accept loop: HTTP/1.1 connections served by hyper with the limits and
//! timeouts of [`ConnectionConfig`].
//!
//! - at most `max` connections at once (further ones wait in the listen
//!   backlog) and at most `max_per_ip` from one client IP (further ones are
//!   closed at once);
//! - hyper's header-read timeout, which needs a timer (`axum::serve` gives
//!   hyper none, so there it is off);
//! - an idle timeout: a connection with no request being handled and no byte
//!   read or written for `idle_timeout_secs` is closed;
//! - the request-body progress timeout is a layer on the router
//!   ([`body_timeout_layer`]).
//!
//! Handlers see the peer as `ConnectInfo<SocketAddr>`, as with
//! `into_make_service_with_connect_info`.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::config::ConnectionConfig;

/// The layer that cuts a request body delivering no bytes for
/// `body_timeout_secs` while a handler waits for it (time the handler spends
/// elsewhere between two reads does not count).
pub fn body_timeout_layer(config: &ConnectionConfig) -> tower_http::timeout::RequestBodyTimeoutLayer {
    tower_http::timeout::RequestBodyTimeoutLayer::new(Duration::from_secs(config.body_timeout_secs))
}

/// The per-IP key of a client, for the connection caps and the rate limits:
/// its IPv4 address (also when written as an IPv4-mapped IPv6 address), or
/// the /64 network of its IPv6 address (one host usually holds a whole /64).
pub(crate) fn ip_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// Open connections per client IP.
#[derive(Debug, Default)]
struct PerIp {
    counts: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place in [`PerIp`]; released when dropped.
#[derive(Debug)]
struct IpSlot {
    table: Arc<PerIp>,
    key: IpAddr,
}

impl PerIp {
    /// A slot for `ip`, or `None` when it has `max` connections already
    /// (`max` 0: no limit).
    fn take(table: &Arc<PerIp>, ip: IpAddr, max: usize) -> Option<IpSlot> {
        let key = ip_key(ip);
        let mut counts = table.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = counts.entry(key).or_insert(0);
        if max != 0 && *count >= max {
            return None;
        }
        *count += 1;
        Some(IpSlot { table: Arc::clone(table), key })
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut counts = self.table.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

/// What a connection did last: requests being handled and when a byte last
/// moved (milliseconds since `start`).
#[derive(Debug)]
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Arc<Self> {
        Arc::new(Self { start: Instant::now(), last_ms: AtomicU64::new(0), in_flight: AtomicUsize::new(0) })
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Completes once the connection has been idle for `limit`: no request
    /// being handled, no byte read or written.
    async fn idle(&self, limit: Duration) {
        loop {
            let last = self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let due = last + limit;
            if Instant::now() >= due {
                if self.in_flight.load(Ordering::Relaxed) == 0 {
                    return;
                }
                tokio::time::sleep(limit).await;
            } else {
                tokio::time::sleep_until(due).await;
            }
        }
    }
}

/// A request being handled; counted in [`Activity::in_flight`].
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.touch();
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP stream that records in [`Activity`] when bytes move.
struct Tracked {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Accept errors that concern one connection only.
fn connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting and waits for the open connections to finish their requests
/// (the caller bounds that wait).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: &ConnectionConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(config.header_timeout_secs));
    let idle = Duration::from_secs(config.idle_timeout_secs);
    let slots = Arc::new(Semaphore::new(config.max));
    let per_ip = Arc::new(PerIp::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if connection_error(&e) => continue,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::error!(%e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(ip_slot) = PerIp::take(&per_ip, peer.ip(), config.max_per_ip) else {
            tracing::debug!(%peer, "closed a connection: too many from this client");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let activity = Activity::new();
        let io = TokioIo::new(Tracked { stream, activity: Arc::clone(&activity) });
        let service_activity = Arc::clone(&activity);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let busy = InFlight::new(&service_activity);
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await;
                drop(busy);
                response
            }
        });
        let connection = graceful.watch(http.serve_connection(io, service));
        tokio::spawn(async move {
            let _held = (permit, ip_slot);
            tokio::select! {
                served = connection => {
                    if let Err(e) = served {
                        tracing::debug!(%peer, %e, "connection ended with an error");
                    }
                }
                () = activity.idle(idle) => tracing::debug!(%peer, "closed an idle connection"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_ip_slots_are_counted_and_released() {
        let table = Arc::new(PerIp::default());
        let a: IpAddr = [192, 0, 2, 1].into();
        let first = PerIp::take(&table, a, 2);
        let second = PerIp::take(&table, a, 2);
        assert!(first.is_some() && second.is_some());
        assert!(PerIp::take(&table, a, 2).is_none());
        assert!(PerIp::take(&table, [192, 0, 2, 2].into(), 2).is_some(), "another IP");
        drop(first);
        assert!(PerIp::take(&table, a, 2).is_some());
        assert!(PerIp::take(&table, a, 0).is_some(), "0: no limit");
    }

    #[test]
    fn ipv6_counts_per_64() {
        let a: IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap_or(IpAddr::from([0; 4]));
        let b: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(ip_key(a), ip_key(b));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap_or(IpAddr::from([0; 16]));
        assert_eq!(ip_key(mapped), IpAddr::from([192, 0, 2, 1]));
    }
}
