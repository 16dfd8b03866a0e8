//! The sans-IO HTTP sessions (`kluis_transfer::http`) driven against a drop
//! server in memory, with the faults a browser meets: a cut upload, `503`s,
//! refusals, tampering.

#[path = "sessions/server.rs"]
mod server;

use std::time::Duration;

use kluis_transfer::http::{
    Body, FileSession, HttpOptions, HttpResponse, Method, OpenSession, SendSession, SentLink, Step, Token,
};
use kluis_transfer::*;
use server::{BASE, FakeServer, Fault};

const PASSWORD: &str = "zwaluw-kompas-9-tegelvloer-okapi";
const NOW: u64 = 1_700_000_000;

fn send_options() -> SendOptions {
    SendOptions { argon2: Argon2Params::INSECURE_TEST, chunk_size: 4096, piece_size: 4096, ..SendOptions::default() }
}

/// Quick retries, so that a test never waits for real.
fn http_options(retries: u32) -> HttpOptions {
    HttpOptions { retries, retry_delay: Duration::from_millis(500), ..HttpOptions::default() }
}

/// Seals `files` as a browser would: each through its FileSealer, the
/// envelopes kept by the host.
fn seal(files: &[(&str, Vec<u8>)]) -> Result<(SealedTransfer, Vec<Vec<u8>>), TransferError> {
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
    let mut envelopes = Vec::new();
    for (index, (_, data)) in files.iter().enumerate() {
        let mut sealer = sealing.file(index)?;
        let mut envelope = Vec::new();
        for piece in data.chunks(1000) {
            envelope.extend(sealer.update(piece)?);
        }
        let (tail, sealed) = sealer.finish()?;
        envelope.extend(tail);
        assert_eq!(sealed.envelope_len(), envelope.len() as u64);
        sealing.add(sealed)?;
        envelopes.push(envelope);
    }
    Ok((sealing.finish()?, envelopes))
}

/// Seals `files` as the npm package's worker pool does: each file's header
/// and chunk key from `chunked_file`, the chunks cut by a `ChunkSplitter`
/// and sealed each by a `ChunkCipher` of its own, in reverse order (workers
/// finish in any order; the host puts them back in place), the plaintext
/// hashed in order.
fn seal_chunked(files: &[(&str, Vec<u8>)]) -> Result<(SealedTransfer, Vec<Vec<u8>>), TransferError> {
    use kluis_core::{ChunkCipher, ChunkSplitter};
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
    let mut envelopes = Vec::new();
    for (index, (_, data)) in files.iter().enumerate() {
        let mut file = sealing.chunked_file(index)?;
        let mut splitter = ChunkSplitter::for_plaintext(file.chunk_key());
        let mut pieces = Vec::new();
        for piece in data.chunks(1000) {
            file.hash(piece);
            pieces.extend(splitter.push(piece));
        }
        pieces.push(splitter.finish().map_err(|e| TransferError::InvalidArgument(e.to_string()))?);
        let mut sealed: Vec<(u64, Vec<u8>)> = pieces
            .iter()
            .rev()
            .map(|p| Ok((p.index, ChunkCipher::new(file.chunk_key()).seal(p.index, p.last, &p.bytes)?)))
            .collect::<Result<_, kluis_core::SealError>>()
            .map_err(TransferError::Seal)?;
        sealed.sort_by_key(|(i, _)| *i);
        let mut envelope = file.header().to_vec();
        for (_, chunk) in sealed {
            envelope.extend(chunk);
        }
        sealing.add(file.finish(envelope.len() as u64)?)?;
        envelopes.push(envelope);
    }
    Ok((sealing.finish()?, envelopes))
}

#[test]
fn files_sealed_chunk_by_chunk_by_the_host_are_received_whole() -> Result<(), TransferError> {
    // 20,000 bytes in 4 KiB chunks: five chunks, the last one short.
    let (transfer, envelopes) = seal_chunked(&files())?;
    let mut server = FakeServer::new();
    let mut session = new_session(&transfer, 2)?;
    let sent = drive_send(&mut server, &mut session, &envelopes, &mut Seen::default())?;
    assert_eq!(server.put_bytes, transfer.sealed_len());
    let (_, received) = receive(&mut server, &sent.link, PASSWORD)?;
    assert_eq!(received, files().into_iter().map(|(_, data)| data).collect::<Vec<_>>());
    // The same plaintext sealed by a FileSealer gives envelopes of the same length.
    let (_, by_sealer) = seal(&files())?;
    assert_eq!(envelopes.iter().map(Vec::len).collect::<Vec<_>>(), by_sealer.iter().map(Vec::len).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn a_chunked_file_refuses_another_size_and_order() -> Result<(), TransferError> {
    let request = SendRequest {
        from: "ann@example.org".into(),
        to: vec!["bob@example.org".into()],
        subject: String::new(),
        message: None,
        files: vec![FileSpec::new("a.txt", 10), FileSpec::new("b.txt", 1)],
        expires_in: Duration::from_secs(3600),
        password: Password::new(PASSWORD),
        allow_weak_password: false,
    };
    let sealing = TransferSealer::new(request, &send_options(), NOW)?;
    assert!(matches!(sealing.chunked_file(1), Err(TransferError::InvalidArgument(m)) if m.contains("out of order")));
    assert!(matches!(sealing.chunked_file(2), Err(TransferError::InvalidArgument(m)) if m.contains("no file 2")));
    let mut file = sealing.chunked_file(0)?;
    file.hash(b"only eight");
    file.hash(b"!");
    let refused = file.finish(100);
    assert!(
        matches!(refused, Err(TransferError::InvalidArgument(m)) if m.contains("11 bytes read but the file had 10"))
    );
    Ok(())
}

/// What a send saw besides its result.
#[derive(Default)]
struct Seen {
    waits: Vec<Duration>,
    resumed: Vec<String>,
    progress: u32,
}

/// Drives a send to its end against `server`, as kluis-wasm's loop does.
fn drive_send(
    server: &mut FakeServer,
    session: &mut SendSession,
    envelopes: &[Vec<u8>],
    seen: &mut Seen,
) -> Result<SentLink, TransferError> {
    loop {
        match session.poll()? {
            Step::Send(request) => {
                let body: Vec<u8> = match request.body {
                    Body::Blob { index, offset, len } => match session.manifest_range(index, offset, len) {
                        Some(bytes) => bytes.to_vec(),
                        None => envelopes[index][offset as usize..][..len as usize].to_vec(),
                    },
                    _ => Vec::new(),
                };
                match server.handle(&request, &body) {
                    Ok(answer) => session.respond(answer)?,
                    Err(message) => session.network_error(message)?,
                }
            }
            Step::Wait(delay) => seen.waits.push(delay),
            Step::Progress(_) => seen.progress += 1,
            Step::Resumed(error) => seen.resumed.push(error.to_string()),
            Step::Done(sent) => return Ok(sent),
            _ => {}
        }
    }
}

fn new_session(transfer: &SealedTransfer, retries: u32) -> Result<SendSession, TransferError> {
    SendSession::new(transfer, BASE, Token::new("token", u64::MAX), http_options(retries), &send_options())
}

/// Opens `link` at `server` and reads every file.
fn receive(server: &mut FakeServer, link: &str, password: &str) -> Result<(TransferInfo, Vec<Vec<u8>>), TransferError> {
    let mut opening = OpenSession::with_options(link, http_options(2))?;
    loop {
        match opening.poll()? {
            Step::Send(request) => match server.handle(&request, &[]) {
                Ok(answer) => opening.respond(answer)?,
                Err(message) => opening.network_error(message)?,
            },
            Step::Done(()) => break,
            _ => {}
        }
    }
    let base = opening.server().to_owned();
    let opened = opening.open(&Password::new(password), &ReceiveOptions::default(), NOW + 60)?;
    let mut files = Vec::new();
    for index in 0..opened.info().files.len() {
        let mut session = FileSession::new(&base, &opened, index, NOW + 60, http_options(2))?;
        let mut plain = Vec::new();
        loop {
            match session.poll()? {
                Step::Send(request) => match server.handle(&request, &[]) {
                    Ok(answer) => plain.extend_from_slice(&session.respond(answer)?),
                    Err(message) => session.network_error(message)?,
                },
                Step::Done(()) => break,
                _ => {}
            }
        }
        files.push(plain);
    }
    Ok((opened.info().clone(), files))
}

fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![("plan.pdf", (0..20_000u32).map(|i| (i % 251) as u8).collect()), ("empty.txt", Vec::new())]
}

#[test]
fn a_browser_send_is_received_whole() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    let mut session = new_session(&transfer, 2)?;
    let mut seen = Seen::default();
    let sent = drive_send(&mut server, &mut session, &envelopes, &mut seen)?;
    assert_eq!(sent.link, format!("{BASE}/t/{}", transfer.id()));
    assert_eq!((sent.sent.stored_bytes, sent.sent.uploaded_bytes), (transfer.sealed_len(), transfer.sealed_len()));
    assert!(seen.waits.is_empty() && seen.resumed.is_empty() && seen.progress > 5);
    // Announced first, finished last; every byte sent once.
    assert_eq!(server.log.first().map(|(m, p)| (*m, p.as_str())), Some((Method::Post, "/api/v1/transfers")));
    assert!(server.log.last().is_some_and(|(m, p)| *m == Method::Post && p.ends_with("/finish")));
    assert_eq!(server.put_bytes, transfer.sealed_len());

    let (info, received) = receive(&mut server, &sent.link, PASSWORD)?;
    assert_eq!((info.from.as_str(), info.message.as_deref()), ("ann@example.org", Some("Bob, the plans.")));
    assert_eq!(info.files[0].media_type.as_deref(), Some("application/pdf"));
    assert_eq!(received, files().into_iter().map(|(_, data)| data).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn a_cut_upload_resumes_from_the_servers_length() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    // The second piece of the first file lands only in part, then the
    // connection drops; no retry of the request itself.
    server.fault(Method::Put, "offset=4096", Fault::Cut(1000));
    let mut session = new_session(&transfer, 0)?;
    let mut seen = Seen::default();
    let sent = drive_send(&mut server, &mut session, &envelopes, &mut seen)?;
    assert_eq!(seen.resumed.len(), 1, "{:?}", seen.resumed);
    assert!(seen.resumed[0].contains("connection reset"), "{:?}", seen.resumed);
    // The new attempt asked what the server holds and went on from there.
    assert!(server.log.iter().any(|(m, p)| *m == Method::Put && p.ends_with("offset=5096")));
    assert_eq!(server.put_bytes, transfer.sealed_len());
    assert_eq!(sent.sent.uploaded_bytes, transfer.sealed_len() - 5096);
    let (_, received) = receive(&mut server, &sent.link, PASSWORD)?;
    assert_eq!(received[0], files()[0].1);
    Ok(())
}

#[test]
fn a_piece_whose_answer_was_lost_is_not_sent_again() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    server.fault(Method::Put, "offset=0", Fault::LoseAnswer);
    let mut session = new_session(&transfer, 1)?;
    let mut seen = Seen::default();
    drive_send(&mut server, &mut session, &envelopes, &mut seen)?;
    // The repeated PUT met 409, the session read the server's length, saw
    // the piece had landed, and went on: no resume, each byte stored once.
    assert_eq!((seen.waits.len(), seen.resumed.len()), (1, 0));
    let puts = server.log.iter().position(|(m, _)| *m == Method::Put).unwrap_or(0);
    let (first, again, check) = (&server.log[puts], &server.log[puts + 1], &server.log[puts + 2]);
    assert_eq!(first, again);
    assert!(check.0 == Method::Get && check.1 == first.1.replace("?offset=0", "/upload"), "{check:?}");
    assert!(server.log[puts + 3].1.ends_with("offset=4096"), "{:?}", server.log[puts + 3]);
    assert_eq!(server.put_bytes, transfer.sealed_len());
    Ok(())
}

#[test]
fn a_503_is_retried_after_a_doubling_delay() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    server.fault(Method::Post, "/api/v1/transfers", Fault::Status(503));
    server.fault(Method::Post, "/api/v1/transfers", Fault::Status(503));
    server.fault(Method::Post, "/finish", Fault::Drop);
    let mut session = new_session(&transfer, 3)?;
    let mut seen = Seen::default();
    let sent = drive_send(&mut server, &mut session, &envelopes, &mut seen)?;
    let ms = |n| Duration::from_millis(n);
    assert_eq!(seen.waits, vec![ms(500), ms(1000), ms(500)]);
    assert!(seen.resumed.is_empty());
    assert_eq!(sent.sent.id, transfer.id());
    Ok(())
}

#[test]
fn persistent_503s_resume_then_fail_as_transport_errors() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    for _ in 0..6 {
        server.fault(Method::Post, "/api/v1/transfers", Fault::Status(503));
    }
    let mut session = new_session(&transfer, 1)?;
    let mut seen = Seen::default();
    let failed = drive_send(&mut server, &mut session, &envelopes, &mut seen);
    // Each of UPLOAD_ATTEMPTS attempts retried once, then gave up.
    assert!(matches!(&failed, Err(TransferError::Transport(TransportError::Io(_)))), "{failed:?}");
    assert_eq!((seen.waits.len(), seen.resumed.len()), (UPLOAD_ATTEMPTS as usize, UPLOAD_ATTEMPTS as usize - 1));
    Ok(())
}

#[test]
fn refusals_end_the_send_at_once() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    for (status, category) in [(401, ErrorCategory::Transport), (403, ErrorCategory::Transport)] {
        let mut server = FakeServer::new();
        server.fault(Method::Post, "/api/v1/transfers", Fault::Status(status));
        let mut session = new_session(&transfer, 3)?;
        let mut seen = Seen::default();
        let failed = drive_send(&mut server, &mut session, &envelopes, &mut seen);
        let Err(error) = failed else { panic!("{status} was accepted") };
        assert!(matches!(&error, TransferError::Transport(TransportError::Other(_))), "{status}: {error:?}");
        assert_eq!(error.category(), category);
        assert!(!is_resumable(&error));
        assert!(seen.waits.is_empty() && seen.resumed.is_empty(), "{status}");
        assert_eq!(server.log.len(), 1, "{status}");
    }
    // 413 is a Conflict by the status table: resumed, and the next attempt
    // (which meets no fault) goes through.
    let mut server = FakeServer::new();
    server.fault(Method::Post, "/api/v1/transfers", Fault::Status(413));
    let mut session = new_session(&transfer, 3)?;
    let mut seen = Seen::default();
    drive_send(&mut server, &mut session, &envelopes, &mut seen)?;
    assert!(seen.waits.is_empty());
    assert!(seen.resumed.len() == 1 && seen.resumed[0].contains("413"), "{:?}", seen.resumed);
    Ok(())
}

#[test]
fn a_plain_http_server_is_refused_before_sending() -> Result<(), TransferError> {
    let (transfer, _) = seal(&files())?;
    let result =
        SendSession::new(&transfer, "http://kluis.example.org", Token::new("t", 0), http_options(0), &send_options());
    assert!(
        matches!(result, Err(TransferError::Transport(TransportError::Other(m))) if m.contains("invalid server address"))
    );
    Ok(())
}

#[test]
fn opening_refuses_what_it_must() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    let sent = drive_send(&mut server, &mut new_session(&transfer, 0)?, &envelopes, &mut Seen::default())?;
    assert!(matches!(receive(&mut server, &sent.link, "not-the-password"), Err(TransferError::WrongPassword)));
    let unknown = format!("{BASE}/t/{}", TransferId::from_bytes([7; 16]));
    assert!(matches!(receive(&mut server, &unknown, PASSWORD), Err(TransferError::NotFound { .. })));
    assert!(matches!(
        OpenSession::new("file:///srv/store/aaaaaaaaaaaaaaaaaaaaaaaaaa"),
        Err(TransferError::InvalidArgument(_))
    ));
    assert!(matches!(OpenSession::new("https://kluis.example.org/x"), Err(TransferError::InvalidLink(_))));
    // An expired transfer is refused after the manifest opened.
    let opening = fetched(&mut server, &sent.link)?;
    let expired = opening.open(&Password::new(PASSWORD), &ReceiveOptions::default(), NOW + 86_400);
    assert!(matches!(expired, Err(TransferError::Expired { .. })));
    Ok(())
}

/// Polls `link`'s opening at `server` until its sealed manifest is fetched.
fn fetched(server: &mut FakeServer, link: &str) -> Result<OpenSession, TransferError> {
    let mut opening = OpenSession::new(link)?;
    while let Step::Send(request) = opening.poll()? {
        let answer = server.handle(&request, &[]).map_err(TransferError::InvalidArgument)?;
        opening.respond(answer)?;
    }
    Ok(opening)
}

#[test]
fn an_opening_split_in_two_gives_what_open_gives_and_refuses_what_it_refuses() -> Result<(), TransferError> {
    use kluis_transfer::session::UnsealedManifest;
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    let sent = drive_send(&mut server, &mut new_session(&transfer, 0)?, &envelopes, &mut Seen::default())?;
    let password = Password::new(PASSWORD);
    let limits = OpenLimits::TRANSFER;

    // Not before the fetch.
    let early = OpenSession::new(&sent.link)?;
    assert!(matches!(early.sealed_manifest(), Err(TransferError::InvalidArgument(_))));

    // The same transfer as `open` gives, down to each file key.
    let whole = fetched(&mut server, &sent.link)?.open(&password, &ReceiveOptions::default(), NOW + 60)?;
    let opening = fetched(&mut server, &sent.link)?;
    let bytes = UnsealedManifest::open(opening.sealed_manifest()?, &password, &limits)?.into_bytes();
    let split = opening.open_unsealed(UnsealedManifest::from_bytes(bytes), &ReceiveOptions::default(), NOW + 60)?;
    assert_eq!(split.info(), whole.info());
    for i in 0..whole.info().files.len() {
        assert_eq!(split.file_key(i)?.as_bytes(), whole.file_key(i)?.as_bytes());
    }

    // A wrong password fails in the Argon2 half, as open fails.
    let opening = fetched(&mut server, &sent.link)?;
    let wrong = UnsealedManifest::open(opening.sealed_manifest()?, &Password::new("not-the-password"), &limits);
    assert!(matches!(wrong, Err(TransferError::WrongPassword)));

    // The checks stay in the second half: expired, and another transfer's manifest.
    let bytes = UnsealedManifest::open(opening.sealed_manifest()?, &password, &limits)?.into_bytes();
    let expired = opening.open_unsealed(UnsealedManifest::from_bytes(bytes), &ReceiveOptions::default(), NOW + 86_400);
    assert!(matches!(expired, Err(TransferError::Expired { .. })), "{expired:?}");

    let (other, other_envelopes) = seal(&files())?;
    let other_sent = drive_send(&mut server, &mut new_session(&other, 0)?, &other_envelopes, &mut Seen::default())?;
    let other_opening = fetched(&mut server, &other_sent.link)?;
    let other_bytes = UnsealedManifest::open(other_opening.sealed_manifest()?, &password, &limits)?.into_bytes();
    let swapped = fetched(&mut server, &sent.link)?.open_unsealed(
        UnsealedManifest::from_bytes(other_bytes),
        &ReceiveOptions::default(),
        NOW + 60,
    );
    assert!(matches!(swapped, Err(TransferError::Tampered { .. })), "{swapped:?}");
    Ok(())
}

#[test]
fn a_tampered_file_fails_its_stream() -> Result<(), TransferError> {
    let (transfer, mut envelopes) = seal(&files())?;
    // A flipped byte in the last chunk: every chunk before it is released,
    // then the session fails as Tampered.
    let last = envelopes[0].len() - 20;
    envelopes[0][last] ^= 1;
    let mut server = FakeServer::new();
    let sent = drive_send(&mut server, &mut new_session(&transfer, 0)?, &envelopes, &mut Seen::default())?;
    let failed = receive(&mut server, &sent.link, PASSWORD);
    assert!(matches!(failed, Err(TransferError::Tampered { .. })), "{failed:?}");
    Ok(())
}

/// Opens `link` at `server` and starts the download of file 0, reading
/// `piece_size` bytes at a time; returns the session after its HEAD.
fn file_session(server: &mut FakeServer, link: &str, piece_size: usize) -> Result<FileSession, TransferError> {
    let opening = fetched(server, link)?;
    let options = ReceiveOptions { piece_size, ..ReceiveOptions::default() };
    let opened = opening.open(&Password::new(PASSWORD), &options, NOW)?;
    let mut session = FileSession::new(BASE, &opened, 0, NOW, http_options(0))?;
    let Step::Send(head) = session.poll()? else { panic!("a HEAD first") };
    assert_eq!(head.method, Method::Head);
    session.respond(server.handle(&head, &[]).map_err(TransferError::InvalidArgument)?)?;
    assert!(matches!(session.poll()?, Step::Progress(p) if p.done == 0 && p.total > 0));
    Ok(session)
}

#[test]
fn reads_take_exactly_the_range_asked_for() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal(&files())?;
    let mut server = FakeServer::new();
    let sent = drive_send(&mut server, &mut new_session(&transfer, 0)?, &envelopes, &mut Seen::default())?;

    let mut session = file_session(&mut server, &sent.link, 4096)?;
    let Step::Send(read) = session.poll()? else { panic!("a ranged read") };
    assert_eq!(read.header("Range"), Some("bytes=0-4095"));
    // Until answered, the same request.
    assert!(matches!(session.poll()?, Step::Send(again) if again == read));
    let plain = session.respond(server.handle(&read, &[]).map_err(TransferError::InvalidArgument)?)?;
    assert!(files()[0].1.starts_with(&plain)); // the first chunk is not whole yet: nothing or a prefix
    let _ = session.poll()?; // progress
    let Step::Send(next) = session.poll()? else { panic!("the next read") };
    assert_eq!(next.header("Range"), Some("bytes=4096-8191"));
    // A server that ignores Range past byte 0 (200, the whole blob) is refused.
    let ignored = session.respond(HttpResponse::new(200, envelopes[0][..100].to_vec()));
    assert!(
        matches!(&ignored, Err(TransferError::Transport(TransportError::Other(m))) if m.contains("ignored the Range"))
    );

    // An answer longer than asked: refused.
    let mut session = file_session(&mut server, &sent.link, 4096)?;
    let _ = session.poll()?;
    let long = session.respond(HttpResponse::new(206, vec![0; 5000]));
    assert!(matches!(&long, Err(TransferError::Transport(TransportError::Other(m))) if m.contains("longer than")));
    // A store that serves fewer bytes than it announced: tampered.
    let mut session = file_session(&mut server, &sent.link, 4096)?;
    let _ = session.poll()?;
    let short = session.respond(HttpResponse::new(416, Vec::new()));
    assert!(matches!(short, Err(TransferError::Tampered { .. })), "{short:?}");
    Ok(())
}

/// Downloads every file's envelope as stored (`FileSession::envelope`),
/// opens it with the manifest's key and checks it with a `FileCheck`, as
/// the npm package does on its worker pool; `tamper` changes the plaintext
/// before the check.
fn receive_envelopes(
    server: &mut FakeServer,
    link: &str,
    tamper: impl Fn(&mut Vec<u8>),
) -> Result<Vec<Vec<u8>>, TransferError> {
    use kluis_transfer::session::FileCheck;
    let mut opening = OpenSession::with_options(link, http_options(2))?;
    while let Step::Send(request) = opening.poll()? {
        opening.respond(server.handle(&request, &[]).map_err(TransferError::InvalidArgument)?)?;
    }
    let base = opening.server().to_owned();
    let opened = opening.open(&Password::new(PASSWORD), &ReceiveOptions::default(), NOW + 60)?;
    let mut files = Vec::new();
    for index in 0..opened.info().files.len() {
        let mut session = FileSession::envelope(&base, &opened, index, NOW + 60, http_options(2))?;
        let mut envelope = Vec::new();
        loop {
            match session.poll()? {
                Step::Send(request) => match server.handle(&request, &[]) {
                    Ok(answer) => envelope.extend_from_slice(&session.respond(answer)?),
                    Err(message) => session.network_error(message)?,
                },
                Step::Done(()) => break,
                _ => {}
            }
        }
        let key = kluis_core::Secret::Key(opened.file_key(index)?.clone());
        let (mut plain, metadata) = kluis_core::open_bytes(&envelope, &key, &kluis_core::OpenLimits::default())
            .map_err(|e| TransferError::InvalidArgument(e.to_string()))?;
        tamper(&mut plain);
        let mut check = FileCheck::new(&opened, index)?;
        check.metadata(metadata.as_ref())?;
        for piece in plain.chunks(4096) {
            check.update(piece)?;
        }
        check.verify()?;
        files.push(plain.to_vec());
    }
    Ok(files)
}

#[test]
fn an_envelope_downloaded_as_stored_opens_and_checks_against_the_manifest() -> Result<(), TransferError> {
    let (transfer, envelopes) = seal_chunked(&files())?;
    let mut server = FakeServer::new();
    let mut session = new_session(&transfer, 2)?;
    let sent = drive_send(&mut server, &mut session, &envelopes, &mut Seen::default())?;
    let received = receive_envelopes(&mut server, &sent.link, |_| {})?;
    assert_eq!(received, files().into_iter().map(|(_, data)| data).collect::<Vec<_>>());
    // A plaintext other than the manifest's fails its check.
    let changed = receive_envelopes(&mut server, &sent.link, |p| {
        if let Some(b) = p.first_mut() {
            *b ^= 1;
        }
    });
    assert!(matches!(changed, Err(TransferError::Tampered { .. })), "{changed:?}");
    let longer = receive_envelopes(&mut server, &sent.link, |p| p.push(0));
    assert!(matches!(longer, Err(TransferError::Tampered { .. })), "{longer:?}");
    Ok(())
}
