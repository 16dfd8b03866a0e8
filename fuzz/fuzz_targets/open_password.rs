//! Opening arbitrary bytes with a fixed password (the malformed kit's),
//! under cheap reader limits (see `kluis_fuzz::FUZZ_LIMITS` for why).
//!
//! Checks: no panic, no unbounded allocation; `open_bytes` and the streaming
//! `Opener` agree (inside `reference`); when the bytes open, the same bytes
//! fed to a `PushOpener` in one piece open identically.
#![no_main]

use kluis_fuzz::{FUZZ_LIMITS, check_splits, password, reference};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let secret = password();
    let outcome = reference(data, &secret, &FUZZ_LIMITS);
    if outcome.result.is_ok() {
        check_splits(data, &secret, &FUZZ_LIMITS, &[]);
    }
});
