//! A streamed send (`SendSession::streamed`): the transfer announced from
//! `TransferSealer::plan_ahead` before any file is sealed, each envelope
//! uploaded while it is sealed, the host keeping only the bytes the server
//! has not acknowledged; driven against the drop server in memory.

#[path = "sessions/server.rs"]
#[allow(dead_code)] // the faults this file does not inject
mod server;

use std::time::Duration;

use kluis_core::{ChunkCipher, ChunkSplitter};
use kluis_transfer::http::{Body, FileSession, HttpOptions, Method, OpenSession, SendSession, SentLink, Step, Token};
use kluis_transfer::*;
use server::{BASE, FakeServer, Fault};

const PASSWORD: &str = "zwaluw-kompas-9-tegelvloer-okapi";
const NOW: u64 = 1_700_000_000;
const PIECE: usize = 4096;

fn send_options() -> SendOptions {
    SendOptions { argon2: Argon2Params::INSECURE_TEST, chunk_size: 4096, piece_size: PIECE, ..SendOptions::default() }
}

fn http_options(retries: u32) -> HttpOptions {
    HttpOptions { retries, retry_delay: Duration::from_millis(500), ..HttpOptions::default() }
}

/// The sealing was taken for the manifest already.
fn gone() -> TransferError {
    TransferError::InvalidArgument("the sealing is over".into())
}

fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("big.bin", (0..200_000u32).map(|i| (i % 253) as u8).collect()),
        ("empty.txt", Vec::new()),
        ("small.txt", b"seven b".to_vec()),
    ]
}

/// The host of a streamed send: it seals a file only as far as the session
/// asks (as the npm package's bounded window does), chunk by chunk as its
/// worker pool would, and forgets every byte the server acknowledged.
struct Host {
    files: Vec<Vec<u8>>,
    sealing: Option<TransferSealer>,
    /// The file being sealed: its index, sealer, splitter, plaintext read.
    current: Option<(usize, ChunkedFile, ChunkSplitter, usize)>,
    /// Per file: the offset of `kept[0]`, and the sealed bytes kept.
    kept: Vec<(u64, Vec<u8>)>,
    sealed: Vec<u64>,
    most_kept: usize,
}

impl Host {
    fn new(files: &[(&str, Vec<u8>)]) -> Result<(Host, TransferPlan), TransferError> {
        let request = SendRequest {
            from: "ann@example.org".into(),
            to: vec!["bob@example.org".into()],
            subject: "Plans".into(),
            message: Some("Bob, the plans.".into()),
            files: files.iter().map(|(name, data)| FileSpec::new(*name, data.len() as u64)).collect(),
            expires_in: Duration::from_secs(86_400),
            password: Password::new(PASSWORD),
            allow_weak_password: false,
        };
        let mut sealing = TransferSealer::new(request, &send_options(), NOW)?;
        let plan = sealing.plan_ahead()?;
        let host = Host {
            files: files.iter().map(|(_, data)| data.clone()).collect(),
            sealing: Some(sealing),
            current: None,
            kept: vec![(0, Vec::new()); files.len()],
            sealed: vec![0; files.len()],
            most_kept: 0,
        };
        Ok((host, plan))
    }

    fn keep(&mut self, index: usize, bytes: &[u8]) {
        self.kept[index].1.extend_from_slice(bytes);
        self.sealed[index] += bytes.len() as u64;
        self.most_kept = self.most_kept.max(self.kept[index].1.len());
    }

    /// Seals file `index` on until `until` bytes of its envelope exist.
    fn seal_until(&mut self, index: usize, until: u64) -> Result<(), TransferError> {
        let sealing = self.sealing.as_mut().ok_or_else(gone)?;
        if self.current.as_ref().is_none_or(|c| c.0 != index) {
            let file = sealing.chunked_file(index)?;
            let splitter = ChunkSplitter::for_plaintext(file.chunk_key());
            let header = file.header().to_vec();
            self.current = Some((index, file, splitter, 0));
            self.keep(index, &header);
        }
        while self.sealed[index] < until {
            let Some((_, mut file, mut splitter, read)) = self.current.take() else { break };
            let data = &self.files[index];
            let end = (read + 1000).min(data.len());
            file.hash(&data[read..end]);
            let mut pieces = splitter.push(&data[read..end]);
            let done = end == data.len();
            let splitter = if done {
                pieces.push(splitter.finish().map_err(|e| TransferError::InvalidArgument(e.to_string()))?);
                None
            } else {
                Some(splitter)
            };
            let cipher = ChunkCipher::new(file.chunk_key());
            for p in pieces {
                let chunk = cipher.seal(p.index, p.last, &p.bytes).map_err(TransferError::Seal)?;
                self.keep(index, &chunk);
            }
            if done {
                let sealing = self.sealing.as_mut().ok_or_else(gone)?;
                sealing.add(file.finish(self.sealed[index])?)?;
            } else if let Some(splitter) = splitter {
                self.current = Some((index, file, splitter, end));
            }
        }
        Ok(())
    }

    fn forget_before(&mut self, index: usize, done: u64) {
        let (start, bytes) = &mut self.kept[index];
        if done > *start {
            bytes.drain(..(done - *start) as usize);
            *start = done;
        }
    }

    fn range(&self, index: usize, offset: u64, len: u64) -> Vec<u8> {
        let (start, bytes) = &self.kept[index];
        assert!(offset >= *start, "asked for byte {offset} of file {index}, forgotten below {start}");
        bytes[(offset - start) as usize..][..len as usize].to_vec()
    }
}

/// Drives a streamed send to its end: the resumes it saw, and its result.
fn drive(
    server: &mut FakeServer,
    host: &mut Host,
    session: &mut SendSession,
) -> Result<(Vec<String>, SentLink), TransferError> {
    let mut resumed = Vec::new();
    loop {
        match session.poll()? {
            Step::Send(request) => {
                let body = match request.body {
                    Body::Blob { index, offset, len } => match session.manifest_range(index, offset, len) {
                        Some(bytes) => bytes.to_vec(),
                        None => host.range(index, offset, len),
                    },
                    _ => Vec::new(),
                };
                match server.handle(&request, &body) {
                    Ok(answer) => session.respond(answer)?,
                    Err(message) => session.network_error(message)?,
                }
            }
            Step::NeedBytes { index, until } if index < host.files.len() => {
                host.seal_until(index, until)?;
                session.sealed(index, host.sealed[index])?;
            }
            Step::NeedBytes { .. } => {
                let sealing = host.sealing.take().ok_or_else(gone)?;
                session.manifest(sealing.finish()?.manifest().to_vec())?;
            }
            Step::Progress(ProgressEvent { phase: Phase::Uploading, file: Some(i), done, .. }) => {
                host.forget_before(i as usize, done);
            }
            Step::Resumed(error) => resumed.push(error.to_string()),
            Step::Done(sent) => return Ok((resumed, sent)),
            _ => {}
        }
    }
}

fn receive(server: &mut FakeServer, link: &str) -> Result<Vec<Vec<u8>>, TransferError> {
    let mut opening = OpenSession::with_options(link, http_options(2))?;
    while let Step::Send(request) = opening.poll()? {
        let answer = server.handle(&request, &[]).map_err(TransferError::InvalidArgument)?;
        opening.respond(answer)?;
    }
    let base = opening.server().to_owned();
    let opened = opening.open(&Password::new(PASSWORD), &ReceiveOptions::default(), NOW + 60)?;
    let mut files = Vec::new();
    for index in 0..opened.info().files.len() {
        let mut session = FileSession::new(&base, &opened, index, NOW + 60, http_options(2))?;
        let mut plain = Vec::new();
        loop {
            match session.poll()? {
                Step::Send(request) => {
                    let answer = server.handle(&request, &[]).map_err(TransferError::InvalidArgument)?;
                    plain.extend_from_slice(&session.respond(answer)?);
                }
                Step::Done(()) => break,
                _ => {}
            }
        }
        files.push(plain);
    }
    Ok(files)
}

fn session(plan: TransferPlan, retries: u32) -> Result<SendSession, TransferError> {
    SendSession::streamed(plan, NOW, BASE, Token::new("token", u64::MAX), http_options(retries), &send_options())
}

#[test]
fn a_streamed_send_keeps_only_a_window_and_is_received_whole() -> Result<(), TransferError> {
    let (mut host, plan) = Host::new(&files())?;
    let planned = plan.blobs.clone();
    let mut server = FakeServer::new();
    let mut session = session(plan, 2)?;
    let (resumed, sent) = drive(&mut server, &mut host, &mut session)?;
    assert!(resumed.is_empty(), "{resumed:?}");
    // Announced before anything was sealed, with the sizes the blobs had.
    assert_eq!(server.log.first().map(|(m, p)| (*m, p.as_str())), Some((Method::Post, "/api/v1/transfers")));
    assert_eq!(sent.sent.stored_bytes, planned.iter().map(|(_, len)| len).sum::<u64>());
    assert_eq!(server.put_bytes, sent.sent.stored_bytes);
    for (i, &len) in host.sealed.iter().enumerate() {
        assert_eq!(len, planned[i].1, "file {i}");
    }
    // A 200 kB file, but never more kept than a piece and a chunk beyond it.
    assert!(host.most_kept < PIECE + 2 * (4096 + 16) + 512, "{} bytes kept", host.most_kept);
    assert_eq!(receive(&mut server, &sent.link)?, files().into_iter().map(|(_, d)| d).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn a_streamed_send_cut_mid_file_resumes_within_its_window() -> Result<(), TransferError> {
    let (mut host, plan) = Host::new(&files())?;
    let mut server = FakeServer::new();
    // A piece in the middle of the big file lands in part, then the
    // connection drops (no retry of the request itself).
    server.fault(Method::Put, "offset=40960", Fault::Cut(1000));
    let mut session = session(plan, 0)?;
    let (resumed, sent) = drive(&mut server, &mut host, &mut session)?;
    assert_eq!(resumed.len(), 1, "{resumed:?}");
    assert!(server.log.iter().any(|(m, p)| *m == Method::Put && p.ends_with("offset=41960")));
    assert_eq!(server.put_bytes, sent.sent.stored_bytes);
    assert_eq!(receive(&mut server, &sent.link)?[0], files()[0].1);
    Ok(())
}

#[test]
fn a_plan_ahead_is_refused_once_a_file_is_sealed_and_binds_the_lengths() -> Result<(), TransferError> {
    let (mut host, _) = Host::new(&files()[2..])?;
    let sealing = host.sealing.as_mut().ok_or_else(gone)?;
    assert!(matches!(sealing.plan_ahead(), Err(TransferError::InvalidArgument(m)) if m.contains("once")));
    let mut file = sealing.chunked_file(0)?;
    file.hash(b"seven b");
    // An envelope of another length than planned is refused.
    let refused = sealing.add(file.finish(5)?);
    assert!(
        matches!(refused, Err(TransferError::InvalidArgument(ref m)) if m.contains("planned ahead")),
        "{refused:?}"
    );
    Ok(())
}

#[test]
fn a_streamed_session_refuses_bytes_it_cannot_take() -> Result<(), TransferError> {
    let (_, plan) = Host::new(&files())?;
    let manifest_len = plan.blobs[3].1;
    let mut session = session(plan, 0)?;
    // The manifest is no file's blob; a file's bytes never exceed its plan.
    assert!(matches!(session.sealed(3, 1), Err(TransferError::InvalidArgument(m)) if m.contains("manifest")));
    assert!(matches!(session.sealed(9, 1), Err(TransferError::InvalidArgument(_))));
    assert!(session.sealed(2, 1_000_000).is_err());
    // The manifest: of the planned length, once.
    assert!(session.manifest(vec![0; manifest_len as usize - 1]).is_err());
    session.manifest(vec![0; manifest_len as usize])?;
    assert!(session.manifest(vec![0; manifest_len as usize]).is_err());
    Ok(())
}
