//! Opening arbitrary bytes with a fixed raw key (32 × 0xa5, the vectors'),
//! through the streaming path and the random-access path.
//!
//! Input: one byte `n`, then `n % 64` bytes of seek/read script, then the
//! envelope. Checks: `open_bytes` and the streaming `Opener` agree; the
//! seekable `Opener` over a `Cursor` releases, at every position it is sent
//! to, exactly the bytes the one-pass open released there, opens every
//! envelope that opens in one pass and refuses every one that does not.
#![no_main]

use kluis_core::OpenLimits;
use kluis_fuzz::{Bytes, check_random_access, key, reference};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Bytes::new(data);
    let n = usize::from(r.u8() % 64);
    let script = r.take(n);
    let envelope = r.rest();
    let secret = key();
    let limits = OpenLimits::default();
    let one_pass = reference(envelope, &secret, &limits);
    check_random_access(envelope, &secret, &limits, &mut Bytes::new(script), None, &one_pass);
});
