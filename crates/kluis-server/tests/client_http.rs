//! kluis-transfer's `HttpTransport` against the real server, in-process on
//! 127.0.0.1:0 (SQLite, a blob folder, mail as .eml files): verification,
//! send and receive, an interrupted upload resumed, the status mapping.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::{Res, TestServer};
use kluis_transfer::*;

const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";

/// A server on its own runtime; the blocking client runs on the test thread.
struct Running {
    server: Option<TestServer>,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Running {
    fn start() -> Res<Running> {
        Self::start_with("")
    }

    /// A server whose configuration has `extra` (TOML) too.
    fn start_with(extra: &str) -> Res<Running> {
        let dir = tempfile::tempdir()?;
        let runtime = tokio::runtime::Runtime::new()?;
        let server = runtime.block_on(TestServer::start_with(crate::common::config(dir.path(), extra)?))?;
        Ok(Running { server: Some(server), runtime, _dir: dir })
    }

    fn s(&self) -> &TestServer {
        self.server.as_ref().expect("running")
    }

    fn base(&self) -> &str {
        &self.s().base
    }

    /// Verifies `address` through the client functions and returns its token.
    fn token(&self, address: &str) -> Res<Token> {
        let expires_at = request_code(self.base(), address)?;
        assert!(expires_at > unix_seconds(std::time::SystemTime::now()));
        let code = self.s().latest_code(address)?;
        Ok(confirm_code(self.base(), address, &code)?)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.stop());
        }
    }
}

fn fast() -> HttpOptions {
    HttpOptions { retries: 1, retry_delay: Duration::from_millis(10), ..HttpOptions::default() }
}

fn request(password: &Password, files: Vec<FileSource>) -> TransferRequest {
    TransferRequest {
        from: ANN.into(),
        to: vec![BOB.into()],
        subject: "Contract".into(),
        message: Some("Bob, the signed copy.".into()),
        files,
        expires_in: Duration::from_secs(3600),
        password: password.clone(),
        allow_weak_password: false,
    }
}

fn send_options() -> SendOptions {
    SendOptions { argon2: Argon2Params::INSECURE_TEST, piece_size: 64 << 10, ..SendOptions::default() }
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(29).wrapping_add(seed)).collect()
}

#[test]
fn verify_send_and_receive() -> Res {
    let r = Running::start()?;
    let token = r.token(ANN)?;
    let sender = HttpTransport::new(r.base(), Some(token), fast())?;
    let password = generate_password(PasswordStyle::Characters)?;
    let data = pattern(300_000, 1);
    let files = vec![FileSource::bytes("contract.pdf", data.clone()), FileSource::bytes("empty.txt", Vec::new())];
    let sent = send_transfer(&sender, request(&password, files), &send_options(), &NoProgress)?;
    let link = sender.link(&sent.id);
    assert_eq!(link, format!("{}/t/{}", r.base(), sent.id));

    // The recipients were mailed the link, without the subject or file names.
    let mails = r.s().mails_to(BOB)?;
    let notice = mails.last().ok_or("no notice")?;
    assert!(notice.contains(&sent.id.to_string()), "{notice}");
    assert!(!notice.contains("Contract") && !notice.contains("contract.pdf"), "{notice}");

    // A recipient, from the link alone.
    let parsed = Link::parse(&link)?;
    let reader = HttpTransport::for_link(&parsed)?.ok_or("not a server link")?;
    assert_eq!(reader.expiry(&sent.id)?, Some(sent.expires_at));
    let opened = open_transfer(&reader, &parsed.transfer(), &password, &ReceiveOptions::default())?;
    assert_eq!(opened.info().subject, "Contract");
    let mut content = Vec::new();
    opened.read_file(&reader, 0, &mut content, &NoProgress)?;
    assert_eq!(content, data);
    let mut empty = Vec::new();
    opened.read_file(&reader, 1, &mut empty, &NoProgress)?;
    assert!(empty.is_empty());

    // A wrong password is still refused.
    let wrong = Password::new("not-the-password-at-all-42");
    assert!(matches!(
        open_transfer(&reader, &sent.id, &wrong, &ReceiveOptions::default()),
        Err(TransferError::WrongPassword)
    ));

    // Mapping: an unknown transfer is NotFound, ranges past the end are empty,
    // listing expired transfers is refused, deleting works and is idempotent.
    let unknown = TransferId::generate()?;
    assert!(matches!(reader.expiry(&unknown), Err(TransportError::NotFound(_))));
    let manifest_len = reader.complete_len(&sent.id, &BlobName::Manifest)?.ok_or("no manifest")?;
    assert!(reader.read_range(&sent.id, &BlobName::Manifest, manifest_len, 10)?.is_empty());
    assert_eq!(reader.read_range(&sent.id, &BlobName::Manifest, 1, 3)?.len(), 3);
    assert!(matches!(reader.list_expired(u64::MAX), Err(TransportError::Other(_))));
    assert!(matches!(reader.delete_transfer(&sent.id), Err(TransportError::Other(m)) if m.contains("no token")));
    sender.delete_transfer(&sent.id)?;
    sender.delete_transfer(&sent.id)?;
    assert!(matches!(reader.expiry(&sent.id), Err(TransportError::NotFound(_))));
    Ok(())
}

#[test]
fn notice_names_and_download_limit_only_when_asked() -> Res {
    let r = Running::start()?;
    let options = HttpOptions { download_limit: Some(1), disclose_names: true, ..fast() };
    let sender = HttpTransport::new(r.base(), Some(r.token(ANN)?), options)?;
    let password = generate_password(PasswordStyle::Characters)?;
    let files = vec![FileSource::bytes("offer.txt", b"EUR 100".to_vec())];
    let sent = send_transfer(&sender, request(&password, files), &send_options(), &NoProgress)?;
    let notice = r.s().mails_to(BOB)?.pop().ok_or("no notice")?;
    assert!(notice.contains("offer.txt"), "{notice}");

    let reader = HttpTransport::new(r.base(), None, fast())?;
    let opened = open_transfer(&reader, &sent.id, &password, &ReceiveOptions::default())?;
    // The one allowed download reached the limit, and its files still come
    // (their sizes by HEAD, which counts nothing).
    let mut content = Vec::new();
    opened.read_file(&reader, 0, &mut content, &NoProgress)?;
    assert_eq!(content, b"EUR 100");
    // The limit is reached: the manifest is gone for the next recipient (410).
    let again = open_transfer(&reader, &sent.id, &password, &ReceiveOptions::default());
    assert!(matches!(&again, Err(TransferError::Transport(TransportError::Conflict(_)))), "{again:?}");
    Ok(())
}

#[test]
fn an_interrupted_upload_resumes_where_the_server_stands() -> Res {
    let r = Running::start()?;
    let sender = HttpTransport::new(r.base(), Some(r.token(ANN)?), fast())?;
    let password = generate_password(PasswordStyle::Characters)?;
    let data = pattern(500_000, 9);
    let prepared = PreparedTransfer::prepare(
        request(&password, vec![FileSource::bytes("big.bin", data.clone())]),
        &send_options(),
        &NoProgress,
    )?;
    // Fails in the middle of the third piece, after 150,000 bytes reached the server.
    let flaky = testing::Flaky::new(&sender, 150_000);
    let first = prepared.upload(&flaky, &NoProgress);
    assert!(matches!(first, Err(TransferError::Transport(TransportError::Io(_)))), "{first:?}");
    assert_eq!(flaky.failures.load(Ordering::SeqCst), 1);
    let (id, blob) = (prepared.id(), prepared.plan().blobs[0].0);
    assert_eq!(sender.partial_len(&id, &blob)?, Some(150_000));

    let sent = prepared.upload(&flaky, &NoProgress)?;
    // Not one byte twice: the resumed attempt started at the server's length.
    assert_eq!(flaky.written.load(Ordering::SeqCst), prepared.sealed_len());
    assert_eq!(sent.uploaded_bytes, prepared.sealed_len() - 150_000);

    let reader = HttpTransport::new(r.base(), None, fast())?;
    let opened = open_transfer(&reader, &sent.id, &password, &ReceiveOptions::default())?;
    let mut content = Vec::new();
    opened.read_file(&reader, 0, &mut content, &NoProgress)?;
    assert_eq!(content, data);
    Ok(())
}

#[test]
fn a_repeated_piece_is_recognised_and_a_gap_is_a_conflict() -> Res {
    let r = Running::start()?;
    let sender = HttpTransport::new(r.base(), Some(r.token(ANN)?), fast())?;
    let id = TransferId::generate()?;
    let blob = BlobName::File(BlobId::generate()?);
    let plan = TransferPlan {
        id,
        sender: ANN.into(),
        recipients: vec![BOB.into()],
        expires_at: unix_seconds(std::time::SystemTime::now()) + 3600,
        blobs: vec![(blob, 10), (BlobName::Manifest, 4)],
        subject: "secret subject".into(),
        file_names: vec!["secret.txt".into()],
    };
    sender.begin_transfer(&plan)?;
    sender.begin_transfer(&plan)?; // idempotent
    sender.put_range(&id, &blob, 0, b"01234")?;
    // The same piece again, as after a lost answer: the server holds it.
    sender.put_range(&id, &blob, 0, b"01234")?;
    // A piece that overlaps what the server holds: only the rest is sent.
    sender.put_range(&id, &blob, 3, b"34567")?;
    assert_eq!(sender.partial_len(&id, &blob)?, Some(8));
    // A gap is a conflict that names the server's length.
    let gap = sender.put_range(&id, &blob, 9, b"9");
    assert!(matches!(&gap, Err(TransportError::Conflict(m)) if m.contains("holds 8 bytes")), "{gap:?}");
    sender.put_range(&id, &blob, 8, b"89")?;
    // Past the announced size: 413 → Conflict.
    assert!(matches!(sender.put_range(&id, &blob, 10, b"x"), Err(TransportError::Conflict(_))));
    sender.finish_blob(&id, &blob, 10)?;
    sender.finish_blob(&id, &blob, 10)?;
    assert_eq!(sender.complete_len(&id, &blob)?, Some(10));
    assert_eq!(sender.partial_len(&id, &blob)?, None);
    // Not finished: a recipient sees nothing yet.
    let reader = HttpTransport::new(r.base(), None, fast())?;
    assert!(matches!(reader.expiry(&id), Err(TransportError::NotFound(_))));
    // Without a token nothing can be written; a bad token is refused.
    assert!(matches!(reader.put_range(&id, &BlobName::Manifest, 0, b"x"), Err(TransportError::Other(_))));
    let forged = HttpTransport::new(r.base(), Some(Token::new("forged", u64::MAX)), fast())?;
    let refused = forged.put_range(&id, &BlobName::Manifest, 0, b"x");
    assert!(matches!(&refused, Err(TransportError::Other(m)) if m.contains("token")), "{refused:?}");
    Ok(())
}

#[test]
fn verification_errors_are_typed() -> Res {
    let r = Running::start()?;
    request_code(r.base(), ANN)?;
    let code = r.s().latest_code(ANN)?;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    assert_eq!(confirm_code(r.base(), ANN, wrong), Err(HttpError::CodeRefused));
    assert!(confirm_code(r.base(), ANN, &code).is_ok());
    // Used once: refused the second time.
    assert_eq!(confirm_code(r.base(), ANN, &code), Err(HttpError::CodeRefused));
    assert!(matches!(request_code(r.base(), "not an address"), Err(HttpError::InvalidAddress(_))));
    // 3 code mails per address (from one client) per window: the 4th is
    // rate limited, with a wait. A pending code is not mailed again (the
    // answer gives its expiry), so each is used before the next request.
    let pending = request_code(r.base(), "carol@example.org")?;
    assert_eq!(request_code(r.base(), "carol@example.org")?, pending, "the pending code's expiry");
    let mut limited = None;
    for _ in 0..4 {
        match request_code(r.base(), "carol@example.org") {
            Ok(_) => {
                confirm_code(r.base(), "carol@example.org", &r.s().latest_code("carol@example.org")?)?;
            }
            Err(e) => {
                limited = Some(e);
                break;
            }
        }
    }
    assert_eq!(r.s().mails_to("carol@example.org")?.len(), 3);
    assert!(
        matches!(&limited, Some(HttpError::RateLimited { retry_after: Some(_), message }) if message.contains("try again")),
        "{limited:?}"
    );
    // Plain http to anything but loopback is refused before any request.
    assert!(matches!(request_code("http://kluis.example.org", ANN), Err(HttpError::InvalidServer { .. })));
    Ok(())
}

#[test]
fn refusals_by_the_servers_limits_are_typed_with_their_message() -> Res {
    let limits = "[limits]\nmax_transfer_bytes = 20000\nsender_quota_bytes = 20000\n\
                  allowed_sender_domains = [\"example.org\"]";
    let r = Running::start_with(limits)?;
    // The domain policy: an address that may send nowhere gets no code.
    let refused = request_code(r.base(), "eve@example.net");
    assert!(matches!(&refused, Err(HttpError::DomainNotAllowed(m)) if m.contains("example.org")), "{refused:?}");
    // The storage quota: the send stops at the announcement, with the
    // server's message, and is not resumed (a refusal, not a conflict).
    let sender = HttpTransport::new(r.base(), Some(r.token(ANN)?), fast())?;
    let password = generate_password(PasswordStyle::Characters)?;
    let files = || vec![FileSource::bytes("big.bin", pattern(12_000, 1))];
    send_transfer(&sender, request(&password, files()), &send_options(), &NoProgress)?;
    let failed = send_transfer(&sender, request(&password, files()), &send_options(), &NoProgress);
    let Err(TransferError::Transport(TransportError::Other(message))) = &failed else {
        return Err(format!("expected a refusal, got {failed:?}").into());
    };
    assert!(message.starts_with("storage quota exceeded: ") && message.contains("sender_quota_bytes"), "{message}");
    Ok(())
}
