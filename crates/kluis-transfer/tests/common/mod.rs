//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use kluis_transfer::*;

/// A password that passes the strength check.
pub const PASSWORD: &str = "zwaluw-kompas-9-tegelvloer-okapi";

pub fn password() -> Password {
    Password::new(PASSWORD)
}

/// Fast Argon2, 4 KiB chunks (so small files span several chunks), small pieces.
pub fn send_options() -> SendOptions {
    SendOptions { argon2: Argon2Params::INSECURE_TEST, chunk_size: 4096, piece_size: 8192, ..SendOptions::default() }
}

pub fn receive_options() -> ReceiveOptions {
    ReceiveOptions { piece_size: 8192, ..ReceiveOptions::default() }
}

/// `n` bytes of a recognisable pattern.
pub fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

pub fn request(files: Vec<FileSource>) -> TransferRequest {
    TransferRequest {
        from: "ann@example.org".into(),
        to: vec!["bob@example.org".into(), "carol@example.net".into()],
        subject: "Kwartaalcijfers".into(),
        message: Some("Bob, Carol,\nde cijfers. Bel me voor het wachtwoord.".into()),
        files,
        expires_in: Duration::from_secs(7 * 86_400),
        password: password(),
        allow_weak_password: false,
    }
}

pub fn send(transport: &dyn Transport, files: Vec<FileSource>) -> SentTransfer {
    send_transfer(transport, request(files), &send_options(), &NoProgress).unwrap()
}

pub fn open(transport: &dyn Transport, id: &TransferId) -> Result<OpenedTransfer, TransferError> {
    open_transfer(transport, id, &password(), &receive_options())
}

pub fn read(transport: &dyn Transport, opened: &OpenedTransfer, index: usize) -> Result<Vec<u8>, TransferError> {
    let mut out = Vec::new();
    opened.read_file(transport, index, &mut out, &NoProgress)?;
    Ok(out)
}

/// A time `secs` seconds from now.
pub fn in_secs(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

/// Records progress events.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<ProgressEvent>>);

impl Progress for Recorder {
    fn progress(&self, event: ProgressEvent) {
        self.0.lock().unwrap().push(event);
    }
}

// Not every test file uses it.
#[allow(unused_imports)]
pub use kluis_transfer::testing::Flaky;
